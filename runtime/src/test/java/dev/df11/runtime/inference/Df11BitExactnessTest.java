package dev.df11.runtime.inference;

import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DF11 is lossless, so a DF11 model must give the very same logits as its BF16 source: on stories15M (imported, then
 * compressed to a DF11 folder by the container's compressor), for several prompts and 64 generated tokens each,
 * every step's logits are compared bit for bit, and the tokens must match.
 */
class Df11BitExactnessTest {

    private static final int STEPS = 64;
    private static final int[][] PROMPTS = {
            {1},                                     // BOS
            {1, 9038, 2501, 263, 931, 29892},        // "Once upon a time,"
            {1, 450, 11203, 13406, 975, 278, 17366}, // an arbitrary 7-token prompt
    };

    @Test
    void df11LogitsAreBitIdenticalToBf16() throws IOException {
        compare(false, PROMPTS);
    }

    /** The same with the next unit decoded in the background (one prompt: the decode path is what differs). */
    @Test
    void df11LogitsAreBitIdenticalToBf16WithPrefetch() throws IOException {
        compare(true, new int[][] {PROMPTS[1]});
    }

    private static void compare(boolean prefetch, int[][] prompts) throws IOException {
        Path bf16Dir = TestModels.stories15M();
        Path df11Dir = TestModels.stories15MDf11();
        var options = new WeightStores.Df11Options(2);
        for (int[] prompt : prompts) {
            Run bf16 = run(WeightStores.open(bf16Dir, options), prompt, prefetch);
            Run df11 = run(WeightStores.open(df11Dir, options), prompt, prefetch);
            assertEquals("DF11", df11.kind);
            assertArrayEquals(bf16.tokens, df11.tokens, "tokens for prompt " + Arrays.toString(prompt));
            assertEquals(STEPS, bf16.logitBits.size());
            for (int step = 0; step < STEPS; step++) {
                assertArrayEquals(bf16.logitBits.get(step), df11.logitBits.get(step),
                        "logit bits at step " + step + " for prompt " + Arrays.toString(prompt));
            }
        }
    }

    private record Run(String kind, int[] tokens, List<int[]> logitBits) {
    }

    /** Greedy generation (prompt in batches of 4), recording the raw bits of every step's logits. */
    private static Run run(WeightStore weights, int[] prompt, boolean prefetch) {
        List<int[]> bits = new ArrayList<>();
        try (ForwardPass forward = new ForwardPass(new CpuBackend(2, prefetch), weights, 256, 4)) {
            GenerationResult result = new Generator(forward).generate(prompt, GenerationSettings.greedy(STEPS),
                    new GenerationListener() {
                        @Override
                        public void onToken(int token) {
                        }

                        @Override
                        public void onLogits(int step, float[] logits) {
                            int[] raw = new int[logits.length];
                            for (int i = 0; i < logits.length; i++) {
                                raw[i] = Float.floatToRawIntBits(logits[i]);
                            }
                            bits.add(raw);
                        }
                    });
            return new Run(weights.kind(), result.generatedTokens(), bits);
        }
    }
}
