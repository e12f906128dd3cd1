package dev.df11.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.model.StagingDirectory;
import dev.df11.format.safetensors.SafetensorsFile;
import dev.df11.format.safetensors.TensorInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input to the command line (issue 11): patterns that make backtracking regex engines hang, and option
 * values that used to give Java jargon, an internal error, a silent default or an error after output. Each case
 * asserts the exit status, a message that names the option (or file) and says what to do, no stack trace, nothing
 * printed to stdout before the error and nothing written.
 */
class HostileInputTest {

    /** 24 {@code .*} then a letter no module name has: hours per name for a backtracking engine. */
    private static final String POLYNOMIAL = ".*".repeat(24) + "X";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path shared;
    private static Path bf16;
    private static Path df11;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeModels() throws IOException {
        shared = Files.createTempDirectory("df11-hostile");
        bf16 = shared.resolve("bf16");
        df11 = shared.resolve("df11");
        CliRun synthetic = CliRun.of("synthetic", "--no-progress", "--shape", "tiny", bf16);
        assertEquals(0, synthetic.exitCode(), synthetic.toString());
        CliRun compressed = CliRun.of("compress", "--no-progress", "--threads", "1", bf16, df11);
        assertEquals(0, compressed.exitCode(), compressed.toString());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        StagingDirectory.deleteRecursively(shared);
    }

    private static void assertCleanFailure(CliRun run, String command, String... expected) {
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("", run.out(), "nothing on stdout before the error: " + run);
        assertTrue(run.err().startsWith("df11 " + command + ": error: "), run.toString());
        for (String e : expected) {
            assertTrue(run.err().contains(e), "expected '" + e + "' in: " + run);
        }
        assertFalse(run.err().contains("\tat ") || run.err().contains("internal error")
                || run.err().contains("Exception"), "no Java jargon: " + run);
    }

    private void assertNothingWritten() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count(), "nothing written in " + tmp);
        }
    }

    /** A copy of a model folder (files copied, so that the test can change them). */
    private Path copy(Path model, String name) throws IOException {
        Path to = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(model)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    private static void editConfig(Path model, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        edit.accept(config);
        Files.writeString(model.resolve("config.json"), JSON.writeValueAsString(config));
    }

    /** Puts {@code regex} first in the DF11 folder's pattern_dict, with the given attribute list. */
    private static void addPatternFirst(Path model, String regex) throws IOException {
        editConfig(model, config -> {
            ObjectNode df11Config = (ObjectNode) config.get("dfloat11_config");
            JsonNode old = df11Config.get("pattern_dict");
            ObjectNode dict = df11Config.putObject("pattern_dict");
            dict.putArray(regex);
            dict.setAll((ObjectNode) old);
        });
    }

    // ---- regexes in linear time ---------------------------------------------------------------------------------

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void compressWithPolynomialPatternFinishes() throws IOException {
        CliRun run = CliRun.of("compress", "--no-progress", "--pattern", "{\"" + POLYNOMIAL + "\": []}", bf16,
                tmp.resolve("out"));
        assertCleanFailure(run, "compress", bf16 + ": the pattern [" + POLYNOMIAL + "] matches no unit",
                "fix the pattern, or leave it out");
        assertNothingWritten();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void inspectWithPolynomialPatternFinishes() {
        CliRun run = CliRun.of("inspect", "--no-progress", "--pattern", "{\"" + POLYNOMIAL + "\": []}", bf16);
        assertCleanFailure(run, "inspect", bf16 + ": the pattern [" + POLYNOMIAL + "] matches no unit",
                "fix the pattern, or leave it out");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void generateWithPolynomialPatternInConfigFinishes() throws IOException {
        Path model = copy(df11, "df11");
        addPatternFirst(model, POLYNOMIAL);
        CliRun run = CliRun.of("generate", "--model", model, "--prompt-ids", "1", "--max-tokens", "2", "--json");
        assertEquals(0, run.exitCode(), run.toString());
        CliRun inspect = CliRun.of("inspect", "--no-progress", model);
        assertEquals(0, inspect.exitCode(), inspect.toString());
    }

    @Test
    void patternWithLookaheadIsRejectedNamingTheOption() throws IOException {
        CliRun run = CliRun.of("compress", "--no-progress", "--pattern",
                "{\"(?=model)model\\\\.layers\\\\.\\\\d+\": [\"mlp.up_proj\"]}", bf16, tmp.resolve("out"));
        assertCleanFailure(run, "compress", "--pattern: bad unit pattern '(?=model)model\\.layers\\.\\d+'",
                "without lookarounds");
        assertNothingWritten();
    }

    @Test
    void patternFileWithLookbehindIsRejectedNamingTheFile() throws IOException {
        Path patterns = Files.writeString(shared.resolve("lookbehind.json"), "{\"(?<=x)lm_head\": []}");
        CliRun run = CliRun.of("inspect", "--no-progress", "--pattern", patterns, bf16);
        assertCleanFailure(run, "inspect", patterns + ": bad unit pattern '(?<=x)lm_head'");
    }

    @Test
    void oversizedPatternIsRejectedNamingTheOption() throws IOException {
        CliRun run = CliRun.of("compress", "--no-progress", "--pattern", "{\"((a{1000}){1000}){1000}\": []}", bf16,
                tmp.resolve("out"));
        assertCleanFailure(run, "compress", "--pattern: bad unit pattern", "too large");
        assertNothingWritten();
    }

    @Test
    void configPatternWithBackreferenceIsRejectedNamingTheFile() throws IOException {
        Path model = copy(df11, "df11");
        addPatternFirst(model, "(model)\\.\\1");
        CliRun run = CliRun.of("generate", "--model", model, "--prompt-ids", "1");
        assertCleanFailure(run, "generate", model.resolve("config.json") + ": bad unit pattern '(model)\\.\\1'");
    }

    // ---- option messages ------------------------------------------------------------------------------------------

    @Test
    void compressWithTooManyThreadsIsRejected() throws IOException {
        CliRun run = CliRun.of("compress", "--no-progress", "--threads", "100000", bf16, tmp.resolve("out"));
        assertCleanFailure(run, "compress", "--threads 100000 is out of range: give 1 to 1024 threads");
        assertNothingWritten();
    }

    @Test
    void generateWithTooManyThreadsIsRejected() {
        CliRun run = CliRun.of("generate", "--model", df11, "--prompt-ids", "1", "--threads", "100000");
        assertCleanFailure(run, "generate", "--threads 100000 is out of range: give 1 to 1024 threads");
    }

    @Test
    void contextInScientificNotationGetsARangeError() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1", "--context", "2e9");
        assertCleanFailure(run, "generate", "--context 2000000000 is more than this model's max_position_embeddings"
                + " (512 in " + bf16.resolve("config.json") + "): give at most 512");
    }

    @Test
    void contextBeyondJavaArraysIsRejected() throws IOException {
        Path model = copy(bf16, "bf16");
        editConfig(model, c -> c.put("max_position_embeddings", 2_000_000_000));
        CliRun run = CliRun.of("generate", "--model", model, "--prompt-ids", "1", "--context", "2e9");
        assertCleanFailure(run, "generate", "--context 2000000000 needs", "more than one Java array holds: give at"
                + " most");
    }

    @Test
    void contextLargerThanTheHeapNamesDf11Heap() throws IOException {
        Path model = copy(bf16, "bf16");
        editConfig(model, c -> c.put("max_position_embeddings", 2_000_000_000));
        long context = 60_000_000;   // 2 x 2 layers x 60M x kv_dim 32 floats = 30.7 GB of KV cache
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < 4L * context * 32 * Float.BYTES,
                "the test JVM's heap would hold this KV cache");
        CliRun run = CliRun.of("generate", "--model", model, "--prompt-ids", "1", "--context", context);
        assertCleanFailure(run, "generate", "--context 60000000 needs", "of KV cache", "DF11_HEAP=");
    }

    @Test
    void contextThatIsNotANumberIsAUsageError() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1", "--context", "lots");
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("Invalid value for option '--context': 'lots' is not a number"), run.toString());
    }

    @Test
    void outOfMemoryHintNamesDf11Heap() {
        String message = ErrorMessages.describe(new OutOfMemoryError("Java heap space"));
        assertTrue(message.contains("DF11_HEAP=") && message.contains("Java heap space"), message);
    }

    /** The bundle's launcher starts with 16g, scripts/df11 with 8g: the hint states the heap this JVM has. */
    @Test
    void outOfMemoryHintStatesTheHeapItHadAndAsksForMore() {
        assertEquals("out of memory (Java heap space): the Java heap of 16 GiB is too small; give the JVM more with"
                + " DF11_HEAP, e.g. DF11_HEAP=32g scripts/df11 ... (-Xmx when running java yourself), or use fewer"
                + " --threads or a smaller --context",
                ErrorMessages.outOfHeap(new OutOfMemoryError("Java heap space"), 16L << 30));
        assertTrue(ErrorMessages.outOfHeap(new OutOfMemoryError("x"), (8L << 30) - 4096).contains(
                "heap of 8 GiB is too small; give the JVM more with DF11_HEAP, e.g. DF11_HEAP=16g"));
        assertFalse(ErrorMessages.describe(new OutOfMemoryError("Java heap space")).contains("default is 8g"));
    }

    @Test
    void batchZeroIsRejected() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1", "--batch", "0");
        assertCleanFailure(run, "generate", "--batch 0 is out of range: give at least 1");
    }

    @Test
    void maxShardBytesZeroIsRejected() throws IOException {
        CliRun run = CliRun.of("synthetic", "--no-progress", "--shape", "tiny", "--max-shard-bytes", "0",
                tmp.resolve("out"));
        assertCleanFailure(run, "synthetic", "--max-shard-bytes 0 is out of range");
        assertNothingWritten();
    }

    @Test
    void syntheticWithTooManyThreadsIsRejected() throws IOException {
        CliRun run = CliRun.of("synthetic", "--no-progress", "--shape", "tiny", "--threads", "100000",
                tmp.resolve("out"));
        assertCleanFailure(run, "synthetic", "--threads 100000 is out of range");
        assertNothingWritten();
    }

    @Test
    void topPAboveOneIsRejectedBeforeThePromptIsEchoed() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt", "Once upon a time", "--temperature", "0.8",
                "--top-p", "1.5");
        assertCleanFailure(run, "generate", "--top-p 1.5 is out of range: give a number above 0 and at most 1");
    }

    @Test
    void negativeTemperatureIsRejectedBeforeThePromptIsEchoed() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt", "Once upon a time", "--temperature", "-1");
        assertCleanFailure(run, "generate", "--temperature -1.0 is not allowed: give 0");
    }

    @Test
    void nanTemperatureIsRejected() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1", "--temperature", "NaN");
        assertCleanFailure(run, "generate", "--temperature NaN is not allowed");
    }

    @Test
    void negativeMaxTokensIsRejected() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1", "--max-tokens", "-3");
        assertCleanFailure(run, "generate", "--max-tokens -3 is negative");
    }

    @Test
    void promptIdOutsideTheVocabularyIsRejectedBeforeThePromptIsEchoed() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1,99999");
        assertCleanFailure(run, "generate", "--prompt-ids: token id 99999 is outside this model's vocabulary 0..511");
    }

    @Test
    void promptLongerThanTheContextIsRejectedBeforeThePromptIsEchoed() {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1,2,3,4,5", "--context", "4");
        assertCleanFailure(run, "generate", "--prompt-ids has 5 tokens, more than the context of 4");
    }

    @Test
    void greedyJsonReportsNoSeedOrTopP() throws IOException {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1", "--max-tokens", "2", "--json",
                "--seed", "7");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode report = JSON.readTree(run.out());
        assertTrue(report.get("seed").isNull() && report.get("top_p").isNull(), run.out());
        assertEquals(0.0, report.get("temperature").doubleValue());
    }

    @Test
    void sampledJsonReportsSeedAndTopP() throws IOException {
        CliRun run = CliRun.of("generate", "--model", bf16, "--prompt-ids", "1", "--max-tokens", "2", "--json",
                "--temperature", "0.8", "--seed", "7");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode report = JSON.readTree(run.out());
        assertEquals(7, report.get("seed").longValue());
        assertEquals(0.9, report.get("top_p").doubleValue(), 1e-6);
    }

    // ---- decode-time errors ---------------------------------------------------------------------------------------

    /**
     * Gaps of the right size but wrong content pass the checks made on opening; decoding finds them. The message
     * names the file and unit, and starts on its own line after the echoed prompt.
     */
    @Test
    void decodeTimeErrorNamesTheFileAndUnit() throws IOException {
        Path model = copy(df11, "df11");
        Path file = model.resolve("model.safetensors");
        String tensor = "model.layers.0.gaps";
        long offset;
        int size;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            TensorInfo t = f.tensors().stream().filter(i -> i.name().equals(tensor)).findFirst().orElseThrow();
            offset = t.dataOffset();
            size = (int) t.byteSize();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            byte[] ones = new byte[size];
            java.util.Arrays.fill(ones, (byte) 0xFF);
            raf.write(ones);
        }
        CliRun run = CliRun.of("generate", "--model", model, "--prompt-ids", "1,2", "--max-tokens", "2");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("df11 generate: error: DF11 unit 'model.layers.0' in " + file + ": "),
                run.toString());
        assertTrue(run.out().isEmpty() || run.out().endsWith("\n"), "the prompt's line is ended: " + run);
    }
}
