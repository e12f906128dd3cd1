package dev.df11.tornado.backend;

import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real model: stories15M (imported from llama2.c, BF16) generates the same 64 greedy tokens on the TornadoVM
 * backend as on the CPU backend, with logits within fp32 reduction differences at every step; and its DF11 copy,
 * decoded layer by layer on the device, gives bit-identical logits to the BF16 weights on the device.
 */
class Stories15MGenerationOnDeviceTest {

    private static final int[] PROMPT = {1, 9038, 2501, 263, 931, 29892};   // BOS "Once upon a time,"
    private static final int STEPS = 64;
    private static final int CONTEXT = 128;
    private static final int MAX_BATCH = 4;

    @Test
    void greedyTokensMatchCpuAndDf11LogitsMatchBf16BitForBit() throws IOException {
        Path dir = TestModels.stories15M();
        var options = new WeightStores.Df11Options(2);
        Generation cpu = Generation.run(new CpuBackend(2), WeightStores.open(dir, options), PROMPT, STEPS, CONTEXT,
                MAX_BATCH);
        Generation bf16 = Generation.run(TornadoBackendAgreementTest.tornado(), WeightStores.open(dir, options),
                PROMPT, STEPS, CONTEXT, MAX_BATCH);
        Generation df11 = Generation.run(TornadoBackendAgreementTest.tornado(),
                WeightStores.open(TestModels.stories15MDf11(), options), PROMPT, STEPS, CONTEXT, MAX_BATCH);

        assertEquals(STEPS, cpu.tokens().length, "the CPU run stopped early; the comparison needs 64 tokens");
        assertArrayEquals(cpu.tokens(), bf16.tokens(), "greedy tokens on the device differ from the CPU backend's");
        double difference = cpu.maxRelativeDifference(bf16);
        System.out.printf("stories15M: tornado vs cpu logits over %d steps, max relative difference %.3g%n", STEPS,
                difference);
        assertTrue(difference < TornadoBackendAgreementTest.LOGIT_TOLERANCE,
                "logits differ from the CPU backend's by " + difference);
        assertArrayEquals(bf16.tokens(), df11.tokens());
        for (int step = 0; step < STEPS; step++) {
            assertArrayEquals(TornadoBackendAgreementTest.bits(bf16.logits().get(step)),
                    TornadoBackendAgreementTest.bits(df11.logits().get(step)),
                    "DF11 logits differ from BF16 logits at step " + step);
        }
    }
}
