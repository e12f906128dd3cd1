package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serve-bench on the device (PoCL here) with the tiny synthetic shape: both modes run every level through the
 * TornadoVM backend's scheduler, every request matches its prompt alone, and the report carries the numbers.
 */
class ServeBenchmarkTest {

    @TempDir
    static Path dir;

    private static JsonNode run(String out, String concurrency, String... args) throws IOException {
        String[] common = {"--shape", "tiny", "--work-dir", dir.resolve("models").toString(), "--concurrency",
                concurrency,
                "--tokens", "4", "--requests", "1", "--context", "16", "--threads", "2", "--out",
                dir.resolve(out).toString()};
        String[] all = new String[common.length + args.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(args, 0, all, common.length, args.length);
        assertEquals(0, new CommandLine(new ServeBenchmark()).execute(all), String.join(" ", all));
        return new ObjectMapper().readTree(dir.resolve(out).toFile());
    }

    @Test
    void bothModesRunEveryLevelOnTheDeviceAndMatchTheirPromptsAlone() throws IOException {
        JsonNode report = run("serve.json", "1,2");
        assertEquals("serve", report.get("benchmark").asText());
        assertEquals("tiny", report.get("shape").asText());
        assertEquals("auto", report.get("decode_mode").asText());
        assertTrue(report.get("batch_invariant").asBoolean());
        assertTrue(report.get("complete").asBoolean());
        assertEquals(2, report.get("modes").size());
        for (JsonNode mode : report.get("modes")) {
            // auto resolves to nibble for a model that fits with it; a BF16 model has no decode mode.
            assertEquals(mode.get("mode").asText().equals("df11") ? "nibble" : "",
                    mode.path("decode_mode").asText(""), mode.toString());
            assertEquals(2, mode.get("scheduler_max_batch").asInt(), mode.toString());
            assertEquals(2, mode.get("prompts_run_alone").asInt(), "2 clients x 1 request");
            JsonNode alone = mode.get("tokens_alone");
            assertEquals(2, alone.size());
            for (JsonNode prompt : alone) {
                assertEquals(1, prompt.get("prompt").get(0).asInt(), "prompts start with token 1");
                assertEquals(4, prompt.get("tokens").size(), prompt.toString());
            }
            JsonNode memory = mode.get("device_memory");
            assertEquals(2, memory.get("kv_slots").asInt());
            assertEquals(memory.get("total_bytes").asLong(), memory.get("weights_bytes").asLong()
                    + memory.get("decode_buffer_bytes").asLong() + memory.get("kv_cache_bytes").asLong()
                    + memory.get("activations_bytes").asLong());
            assertEquals(0, memory.get("fused_index_bytes").asLong(), "exact decoding has no chunk index");
            JsonNode levels = mode.get("levels");
            assertEquals(2, levels.size());
            for (int i = 0; i < 2; i++) {
                JsonNode level = levels.get(i);
                assertEquals(i + 1, level.get("concurrency").asInt());
                assertEquals(i + 1, level.get("requests").asInt());
                assertEquals(4L * (i + 1), level.get("tokens").asLong(), level.toString());
                assertTrue(level.get("tokens_per_second").asDouble() > 0);
                assertTrue(level.get("ttft_ms_p50").asDouble() <= level.get("ttft_ms_p99").asDouble());
                assertTrue(level.get("token_gap_ms_p50").asDouble() <= level.get("token_gap_ms_p99").asDouble());
                JsonNode check = level.get("invariance");
                assertEquals(2L * (i + 1), check.get("requests_checked").asLong(), "warm-up and timed requests");
                assertEquals(0, check.get("requests_differing").asInt(), check.toString());
            }
        }
        assertEquals(report.get("modes").get(0).get("tokens_alone"), report.get("modes").get(1).get("tokens_alone"),
                "DF11 and BF16 generate the same tokens on one backend");
        assertTrue(report.get("modes").get(1).get("device_memory").get("weights_bytes").asLong()
                < report.get("modes").get(0).get("device_memory").get("weights_bytes").asLong(),
                "DF11 holds fewer weight bytes than BF16");
    }

    @Test
    void decodeModeReachesTheBackend() throws IOException {
        JsonNode report = run("fused.json", "2", "--modes", "df11", "--decode-mode", "fused");
        assertEquals("fused", report.get("decode_mode").asText());
        JsonNode mode = report.get("modes").get(0);
        assertEquals("df11", mode.get("mode").asText());
        assertEquals("fused", mode.get("decode_mode").asText());
        assertEquals(1, mode.get("levels").size());
        assertTrue(mode.get("device_memory").get("fused_index_bytes").asLong() > 0, "fused units carry a chunk index");
        assertTrue(report.get("batch_invariant").asBoolean());
    }

    @Test
    void profileRecordsEachLevelsSteps() throws IOException {
        // Decoded exactly, so that each step has a decode kernel among its kinds.
        JsonNode report = run("profile.json", "1,2", "--modes", "df11", "--decode-mode", "exact", "--profile");
        assertTrue(report.get("profiled").asBoolean());
        assertTrue(report.get("batch_invariant").asBoolean());
        for (JsonNode level : report.get("modes").get(0).get("levels")) {
            JsonNode profile = level.get("profile");
            // Each timed and warm-up request generates 4 tokens: at least that many steps per level.
            assertTrue(profile.get("steps").asInt() >= 4, profile.toString());
            double kernels = profile.get("kernel_ms_per_step").asDouble();
            assertTrue(kernels > 0, profile.toString());
            double sum = 0;
            boolean decoded = false;
            for (JsonNode kind : profile.get("kernels")) {
                sum += kind.get("ms_per_step").asDouble();
                decoded |= kind.get("kernel").asText().equals("decode");
            }
            assertEquals(kernels, sum, kernels * 1e-9, "the kinds add up to the step's kernel time");
            assertTrue(decoded, "a DF11 step decodes its units: " + profile);
        }
    }

    @Test
    void anUnknownModeIsRefusedBeforeAnyModelIsWritten(@TempDir Path own) {
        int code = new CommandLine(new ServeBenchmark()).execute("--shape", "tiny", "--modes", "fp8",
                "--work-dir", own.resolve("models").toString());
        assertNotEquals(0, code);
        assertFalse(Files.exists(own.resolve("models")));
    }

    @Test
    void aContextTooShortForPromptAndTokensIsRefusedBeforeAnyModelIsWritten(@TempDir Path own) {
        int code = new CommandLine(new ServeBenchmark()).execute("--shape", "tiny", "--context", "12", "--tokens",
                "8", "--work-dir", own.resolve("models").toString());
        assertNotEquals(0, code);
        assertFalse(Files.exists(own.resolve("models")));
    }
}
