package dev.df11.runtime.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.cli.Df11Cli;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code df11 generate} and {@code df11 synthetic} run in-process, as a user would call them. */
class GenerateCommandTest {

    private static final String LILY = "Once upon a time, there was a little girl named Lily";

    private record Run(int exitCode, String out, String err) {
    }

    private static Run df11(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Df11Cli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void streamsTextAndReportsTimingsOnBf16AndDf11() throws Exception {
        for (Path dir : new Path[] {TestModels.stories15M(), TestModels.stories15MDf11()}) {
            Run run = df11("generate", "--model", dir.toString(), "--max-tokens", "14", "--threads", "2");
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().startsWith(LILY), run.out());
            assertTrue(run.err().contains("tokens/s") && run.err().contains("VmHWM")
                    && run.err().contains("stopped: max tokens reached"), run.err());
            assertEquals(dir.equals(TestModels.stories15MDf11()), run.err().contains("ms per unit"), run.err());
        }
    }

    @Test
    void jsonReportHasIdsTextAndTimings() throws Exception {
        Run run = df11("generate", "--model", TestModels.stories15MDf11().toString(), "--prompt",
                "Once upon a time", "--max-tokens", "8", "--json", "--prefetch");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("DF11", json.get("weights").asText());
        assertEquals(8, json.get("generated_ids").size());
        assertEquals("Once upon a time", json.get("prompt_text").asText());
        assertTrue((json.get("prompt_text").asText() + json.get("text").asText()).startsWith(LILY.substring(0, 30)),
                json.toString());
        assertTrue(json.get("generation_tokens_per_second").asDouble() > 0);
        assertTrue(json.get("decode").get("unit_decodes").asLong() > 0);
        assertTrue(json.get("decode").get("prefetch").asBoolean());
        // --prefetch reaches the CPU backend: two decode buffers, each the size of a stories15M layer unit.
        try (WeightStore store = WeightStores.open(TestModels.stories15MDf11(), WeightStores.Df11Options.defaults())) {
            long layerBytes = 2 * store.layerUnit(0).elementCount();
            assertEquals(2 * layerBytes, json.get("decode_buffer_bytes").asLong());
            assertEquals(store.residentWeightBytes() + 2 * layerBytes, json.get("resident_weight_bytes").asLong());
        }
        assertEquals("max_tokens", json.get("stop_reason").asText());
    }

    @Test
    void promptIdsAndContextLimit() throws Exception {
        Run run = df11("generate", "--model", TestModels.stories15M().toString(), "--prompt-ids", "1,9038,2501",
                "--context", "6", "--max-tokens", "50", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("context_full", json.get("stop_reason").asText());
        assertEquals(4, json.get("generated_ids").size());

        Run streamed = df11("generate", "--model", TestModels.stories15M().toString(), "--prompt-ids", "1,9038,2501",
                "--context", "6", "--max-tokens", "50");
        assertTrue(streamed.err().contains("context limit reached (6 tokens"), streamed.err());
        assertTrue(streamed.out().startsWith("Once upon") && streamed.out().endsWith("\n"),
                "the prompt echoed once, before the generated text, and the line ended: " + streamed.out());
        assertEquals(1, streamed.out().split("Once upon", -1).length - 1, streamed.out());
    }

    @Test
    void userErrorsGiveAMessageAndExitCode1() throws Exception {
        Run backend = df11("generate", "--model", TestModels.stories15M().toString(), "--backend", "quantum");
        assertEquals(1, backend.exitCode());
        assertTrue(backend.err().contains("no backend 'quantum'; available: cpu"), backend.err());

        Run badId = df11("generate", "--model", TestModels.stories15M().toString(), "--prompt-ids", "1,32000");
        assertEquals(1, badId.exitCode());
        assertTrue(badId.err().contains("32000"), badId.err());

        Run missing = df11("generate", "--model", "/no/such/model");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("/no/such/model"), missing.err());
    }

    @Test
    void syntheticWritesARunnableModel() throws Exception {
        Path out = TestModels.newFolder("cli").resolve("tiny");
        Run written = df11("synthetic", "--shape", "tiny", "--seed", "3", "--no-progress", out.toString());
        assertEquals(0, written.exitCode(), written.err());
        assertTrue(Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("tokenizer.bin")));
        Run run = df11("generate", "--model", out.toString(), "--prompt", "hello", "--max-tokens", "5", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("BF16", new ObjectMapper().readTree(run.out()).get("weights").asText());

        Run again = df11("synthetic", "--shape", "tiny", "--no-progress", out.toString());
        assertEquals(1, again.exitCode());
        Run unknown = df11("synthetic", "--shape", "llama-70b", "--no-progress", out + "-x");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("llama-3.2-1b"), unknown.err());
    }
}
