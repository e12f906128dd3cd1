package dev.df11.runtime.cpu;

import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link CpuBackend#forwardRows}: rows of several sequences in one step get exactly the bits they get alone (batch
 * invariance, at the level of logits, where a changed reduction order shows even when greedy tokens do not change).
 */
class BatchedRowsTest {

    private static final int CONTEXT = 64;

    @Test
    void eachSequenceGetsTheSameLogitsAloneAndInAMixedStep() throws Exception {
        Path dir = TestModels.stories15MDf11();
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             CpuBackend backend = new CpuBackend(2)) {
            backend.load(weights, CONTEXT, 16);
            int vocab = weights.config().vocabSize();
            // History: A has run 5 prompt tokens, B 2; each alone.
            SequenceCache a = backend.newSequenceCache(CONTEXT);
            SequenceCache b = backend.newSequenceCache(CONTEXT);
            run(backend, weights, a, new int[] {1, 100, 200, 300, 400}, 0, vocab);
            run(backend, weights, b, new int[] {1, 50}, 0, vocab);
            SequenceCache aAlone = backend.newSequenceCache(CONTEXT);
            SequenceCache bAlone = backend.newSequenceCache(CONTEXT);
            run(backend, weights, aAlone, new int[] {1, 100, 200, 300, 400}, 0, vocab);
            run(backend, weights, bAlone, new int[] {1, 50}, 0, vocab);
            // One mixed step: A decodes one token, B runs three more prompt tokens, C starts with four.
            SequenceCache c = backend.newSequenceCache(CONTEXT);
            int[] tokens = {7, 60, 70, 80, 1, 9, 10, 11};
            SequenceCache[] caches = {a, b, b, b, c, c, c, c};
            int[] positions = {5, 2, 3, 4, 0, 1, 2, 3};
            float[][] mixed = new float[3][vocab];
            backend.forwardRows(weights.embeddingRows(tokens), tokens.length, caches, positions, new int[] {0, 3, 7},
                    mixed);
            // The same rows, each sequence in a step of its own.
            float[] aOnly = run(backend, weights, aAlone, new int[] {7}, 5, vocab);
            float[] bOnly = run(backend, weights, bAlone, new int[] {60, 70, 80}, 2, vocab);
            float[] cOnly = run(backend, weights, backend.newSequenceCache(CONTEXT), new int[] {1, 9, 10, 11}, 0,
                    vocab);
            assertArrayEquals(aOnly, mixed[0], "sequence A");
            assertArrayEquals(bOnly, mixed[1], "sequence B");
            assertArrayEquals(cOnly, mixed[2], "sequence C");
        }
    }

    @Test
    void aCacheOfAnotherBackendIsRefused() throws Exception {
        Path dir = TestModels.stories15MDf11();
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             CpuBackend backend = new CpuBackend(1)) {
            backend.load(weights, CONTEXT, 4);
            SequenceCache foreign = new SequenceCache() {
                @Override
                public int positions() {
                    return CONTEXT;
                }

                @Override
                public long bytes() {
                    return 0;
                }
            };
            assertThrows(IllegalArgumentException.class, () -> backend.forwardRows(weights.embeddingRows(new int[] {1}),
                    1, new SequenceCache[] {foreign}, new int[] {0}, new int[] {0}, new float[1][32000]));
            assertThrows(IllegalArgumentException.class, () -> backend.newSequenceCache(CONTEXT + 1));
        }
    }

    /** Runs {@code tokens} of one sequence from {@code start} in one step; returns the logits after the last. */
    private static float[] run(CpuBackend backend, WeightStore weights, SequenceCache cache, int[] tokens, int start,
                               int vocab) {
        SequenceCache[] caches = new SequenceCache[tokens.length];
        int[] positions = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            caches[i] = cache;
            positions[i] = start + i;
        }
        float[][] logits = new float[1][vocab];
        backend.forwardRows(weights.embeddingRows(tokens), tokens.length, caches, positions,
                new int[] {tokens.length - 1}, logits);
        return logits[0];
    }
}
