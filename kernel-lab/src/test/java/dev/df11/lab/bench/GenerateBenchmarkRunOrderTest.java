package dev.df11.lab.bench;

import dev.df11.lab.bench.GenerateBenchmark.Mode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** generate-bench runs the BF16 offload mode first and keeps the given order of the others. */
class GenerateBenchmarkRunOrderTest {

    @Test
    void offloadModeRunsFirstAndTheOthersKeepTheirOrder() {
        assertEquals(List.of(Mode.BF16_HOST, Mode.BF16_DEVICE, Mode.DF11_FUSED, Mode.DF11_DEVICE),
                GenerateBenchmark.runOrder(List.of("bf16-device", "df11-fused", " df11-device", "bf16-host")));
        assertEquals(List.of(Mode.DF11_DEVICE, Mode.BF16_DEVICE),
                GenerateBenchmark.runOrder(List.of("df11-device", "bf16-device")));
    }
}
