package dev.df11.tornado.backend;

import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weights streamed to the device (each graph's host arrays written right before its first execution and given back
 * after it) give the same tokens and logits, bit for bit, as weights whose host copies are kept for the plan's
 * lifetime ({@code -Ddf11.tornado.streamWeights=false}), in BF16 and DF11; and on OpenCL the host copies really are
 * given back once the first step has run.
 */
class TornadoWeightStreamingTest {

    private static final int[] PROMPT = {3, 17, 42, 5, 88, 9};
    private static final int STEPS = 6;
    private static final int CONTEXT = 32;
    private static final int MAX_BATCH = 4;

    /** A generation, and the host bytes the backend had released after each step. */
    private record Streamed(int[] tokens, List<float[]> logits, List<Long> released) {
    }

    @Test
    void streamedWeightsGiveTheBitsOfKeptOnesAndTheirHostCopiesAreReleased() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("streaming"), RandomModelWriter.Flavor.LLAMA3_UNTIED,
                21);
        for (Path model : List.of(dir, TestModels.compress(dir))) {
            Streamed kept;
            System.setProperty("df11.tornado.streamWeights", "false");
            try {
                kept = run(model);
            } finally {
                System.clearProperty("df11.tornado.streamWeights");
            }
            Streamed streamed = run(model);
            assertArrayEquals(kept.tokens(), streamed.tokens(), model + ": tokens");
            assertEquals(kept.logits().size(), streamed.logits().size());
            for (int step = 0; step < kept.logits().size(); step++) {
                assertArrayEquals(TornadoBackendAgreementTest.bits(kept.logits().get(step)),
                        TornadoBackendAgreementTest.bits(streamed.logits().get(step)), model + ": logits at step " + step);
            }
            assertTrue(kept.released().stream().allMatch(b -> b == 0), model + ": kept copies released "
                    + kept.released());
            long first = streamed.released().getFirst();
            assertTrue(first > 0, model + ": nothing released after the first step");
            assertTrue(streamed.released().stream().allMatch(b -> b == first),
                    model + ": every upload is released after the first step, nothing later: " + streamed.released());
        }
    }

    private static Streamed run(Path model) throws IOException {
        List<Long> released = new ArrayList<>();
        TornadoBackend backend = TornadoBackendAgreementTest.tornado();
        Generation generation = Generation.run(backend, WeightStores.open(model, new WeightStores.Df11Options(2)),
                PROMPT, STEPS, CONTEXT, MAX_BATCH, () -> released.add(backend.releasedHostBytes()));
        return new Streamed(generation.tokens(), generation.logits(), released);
    }
}
