package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * generate-bench --in-memory (DF11 units synthesized and compressed in memory, nothing written) generates on the
 * device (PoCL here) the same greedy tokens as the same synthetic model written to folders and loaded normally.
 */
class InMemoryGenerateTest {

    private static JsonNode run(Path out, String... args) throws IOException {
        String[] common = {"--shape", "tiny", "--modes", "df11-device", "--prompt-tokens", "2", "--tokens", "6",
                "--warmup", "0", "--runs", "1", "--context", "16", "--threads", "2", "--out", out.toString()};
        String[] all = new String[common.length + args.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(args, 0, all, common.length, args.length);
        assertEquals(0, new CommandLine(new GenerateBenchmark()).execute(all), String.join(" ", all));
        return new ObjectMapper().readTree(out.toFile());
    }

    @Test
    void inMemoryModelGeneratesTheSameTokensAsTheWrittenFolders(@TempDir Path dir) throws IOException {
        JsonNode folders = run(dir.resolve("folders.json"), "--work-dir", dir.resolve("models").toString());
        JsonNode memory = run(dir.resolve("memory.json"), "--in-memory");
        assertEquals("tiny", memory.get("shape").asText());
        assertTrue(memory.get("in_memory").asBoolean());
        assertEquals(2, memory.get("distinct_layers").asInt());
        JsonNode expected = folders.get("modes").get(0).get("greedy_tokens");
        assertEquals(6, expected.size());
        assertEquals(expected, memory.get("modes").get(0).get("greedy_tokens"));
        assertEquals(folders.get("modes").get(0).get("device_bytes_accounted"),
                memory.get("modes").get(0).get("device_bytes_accounted"));
    }

    @Test
    void inMemoryRefusesBf16Modes(@TempDir Path dir) {
        int code = new CommandLine(new GenerateBenchmark()).execute("--shape", "tiny", "--in-memory", "--modes",
                "bf16-device", "--out", dir.resolve("x.json").toString());
        assertNotEquals(0, code);
        assertTrue(!dir.resolve("x.json").toFile().exists());
    }

    @Test
    void aHeapTooSmallForTheDistinctLayersIsRefusedNamingDf11Heap() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BenchModels.inMemory("llama-44b", 48, 2, System.err));
        assertTrue(e.getMessage().contains("DF11_HEAP=") && e.getMessage().contains("48 distinct layers"),
                e.getMessage());
    }

    @Test
    void distinctLayersWithoutInMemoryIsRefused(@TempDir Path dir) {
        int code = new CommandLine(new GenerateBenchmark()).execute("--shape", "tiny", "--distinct-layers", "1",
                "--work-dir", dir.resolve("models").toString());
        assertNotEquals(0, code);
        assertTrue(!dir.resolve("models").toFile().exists(), "refused before writing any model");
    }
}
