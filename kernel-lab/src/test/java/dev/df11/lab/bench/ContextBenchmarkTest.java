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
 * context-bench's search on the device (PoCL here) under an artificial memory budget: the context it reports ran
 * (loaded and stepped at its last position) within the budget, and one granularity more would not fit.
 */
class ContextBenchmarkTest {

    private static JsonNode run(Path dir, String budget) throws IOException {
        Path out = dir.resolve("context.json");
        int code = new CommandLine(new ContextBenchmark()).execute("--shape", "tiny", "--modes", "bf16-device",
                "--work-dir", dir.resolve("models").toString(), "--threads", "2", "--probe-context", "32",
                "--granularity", "16", "--steps", "1", "--device-memory-budget", budget, "--out", out.toString());
        assertEquals(0, code);
        return new ObjectMapper().readTree(out.toFile());
    }

    @Test
    void longestContextRanWithinTheBudgetAndOneGranularityMoreDoesNot(@TempDir Path dir) throws IOException {
        // The tiny model's accounted bytes at context 32 are about 0.3 MB and each position costs a few hundred
        // bytes: a budget 200 KB above that leaves room for some hundreds of positions.
        long probeBytes = probeBytes(dir);
        long budget = probeBytes + 200_000;
        JsonNode report = run(dir, Long.toString(budget));
        assertEquals("context-memory", report.get("benchmark").asText());
        assertEquals(budget, report.get("budget_bytes").asLong());
        JsonNode mode = report.get("modes").get(0);
        JsonNode longest = mode.get("longest");
        int context = report.get("longest_context").get("BF16").asInt();
        assertEquals(context, longest.get("context").asInt());
        assertTrue(context > 32 && context % 16 == 0, "context " + context);
        assertTrue(longest.get("device_bytes").asLong() <= budget, longest.toString());
        assertEquals(longest.get("device_bytes").asLong(), longest.get("weights_bytes").asLong()
                + longest.get("decode_buffer_bytes").asLong() + longest.get("kv_cache_bytes").asLong()
                + longest.get("activations_bytes").asLong());
        assertTrue(longest.has("step_ms_median"), "the step at the last position ran");
        JsonNode more = mode.get("one_granularity_more");
        assertEquals(context + 16, more.get("context").asInt());
        assertTrue(more.get("fails").asBoolean());
        assertTrue(more.get("device_bytes_needed").asLong() > budget);
        long perPosition = mode.get("bytes_per_position").asLong();
        assertTrue(budget - longest.get("device_bytes").asLong() < 16 * perPosition,
                "the candidate leaves less than a granularity of the budget unused");
        assertEquals(2, report.get("points").size());
        assertNotEquals(0, report.get("points").get(0).get("kv_cache_bytes").asLong());
    }

    /** The accounted bytes at the probe context, from a run whose budget is large. */
    private static long probeBytes(Path dir) throws IOException {
        Path out = dir.resolve("probe.json");
        int code = new CommandLine(new ContextBenchmark()).execute("--shape", "tiny", "--modes", "bf16-device",
                "--work-dir", dir.resolve("models").toString(), "--threads", "2", "--probe-context", "32",
                "--max-context", "32", "--no-show-larger", "--steps", "1", "--device-memory-budget", "1GB",
                "--out", out.toString());
        assertEquals(0, code);
        return new ObjectMapper().readTree(out.toFile()).get("points").get(0).get("device_bytes").asLong();
    }

    @Test
    void aBudgetBelowTheWeightsGivesContextZeroWithTheReason(@TempDir Path dir) throws IOException {
        JsonNode report = run(dir, "64KB");
        assertEquals(0, report.get("longest_context").get("BF16").asInt());
        assertTrue(report.get("modes").get(0).get("result").asText().startsWith("does not fit"));
    }

    @Test
    void aSizeThatIsNotOneIsRefusedNamingTheOption() {
        int code = new CommandLine(new ContextBenchmark()).execute("--device-memory-budget", "lots");
        assertNotEquals(0, code);
    }
}
