package dev.df11.tornado.backend;

import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Misuse of the TornadoVM backend's sequence slots, each refused with a message before anything runs on the device.
 * One backend with two slots serves every test; each test gives back the slots it took.
 */
class TornadoSequenceBatchingMisuseTest {

    private static final int CONTEXT = 16;
    private static final int ROWS = 4;

    private static WeightStore weights;
    private static TornadoBackend backend;
    private final List<SequenceCache> taken = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("slots-misuse"), RandomModelWriter.Flavor.QWEN2, 23);
        weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
        backend = TornadoBackendAgreementTest.tornado();
        backend.reserveSequences(2);
        backend.load(weights, CONTEXT, ROWS);
    }

    @AfterAll
    static void close() {
        backend.close();
        weights.close();
    }

    @AfterEach
    void giveBack() {
        taken.forEach(SequenceCache::release);
        taken.clear();
    }

    private SequenceCache take(int positions) {
        SequenceCache cache = backend.newSequenceCache(positions);
        taken.add(cache);
        return cache;
    }

    private static float[][] logits(int rows) {
        return new float[rows][weights.config().vocabSize()];
    }

    @Test
    void oneCacheMoreThanTheSlotsIsRefusedNamingTheSlotCount() {
        take(CONTEXT);
        take(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.newSequenceCache(CONTEXT));
        assertTrue(e.getMessage().contains("all 2 KV-cache slots"), e.getMessage());
    }

    @Test
    void aReleasedSlotCanBeTakenAgainAndReleasingTwiceDoesNothing() {
        SequenceCache first = take(CONTEXT);
        take(CONTEXT);
        first.release();
        first.release();
        take(CONTEXT);
        assertThrows(IllegalStateException.class, () -> backend.newSequenceCache(CONTEXT),
                "a second release of the same cache must not free a slot another sequence holds");
    }

    @Test
    void aCacheLongerThanTheLoadedContextIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.newSequenceCache(CONTEXT + 1));
        assertTrue(e.getMessage().contains("loaded context"), e.getMessage());
    }

    @Test
    void aReleasedCacheIsRefusedInAStep() {
        SequenceCache cache = take(CONTEXT);
        cache.release();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.forwardRows(
                weights.embeddingRows(new int[] {1}), 1, new SequenceCache[] {cache}, new int[] {0}, new int[] {0},
                logits(1)));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    @Test
    void aCacheOfAnotherBackendIsRefused() {
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.forwardRows(
                weights.embeddingRows(new int[] {1}), 1, new SequenceCache[] {foreign}, new int[] {0}, new int[] {0},
                logits(1)));
        assertTrue(e.getMessage().contains("did not make"), e.getMessage());
    }

    @Test
    void aPositionPastTheCacheIsRefused() {
        SequenceCache cache = take(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.forwardRows(
                weights.embeddingRows(new int[] {1}), 1, new SequenceCache[] {cache}, new int[] {10}, new int[0],
                logits(0)));
        assertTrue(e.getMessage().contains("position 10"), e.getMessage());
    }

    @Test
    void rowsOfOneSequenceThatAreNotConsecutivePositionsAreRefused() {
        SequenceCache cache = take(CONTEXT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.forwardRows(
                weights.embeddingRows(new int[] {1, 2}), 2, new SequenceCache[] {cache, cache}, new int[] {0, 2},
                new int[] {1}, logits(1)));
        assertTrue(e.getMessage().contains("consecutive"), e.getMessage());
    }

    @Test
    void moreLogitRowsThanSequenceSlotsAreRefused() {
        SequenceCache a = take(CONTEXT);
        SequenceCache b = take(CONTEXT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.forwardRows(
                weights.embeddingRows(new int[] {1, 2, 3}), 3, new SequenceCache[] {a, a, b}, new int[] {0, 1, 0},
                new int[] {0, 1, 2}, logits(3)));
        assertTrue(e.getMessage().contains("at most 2"), e.getMessage());
    }

    @Test
    void moreRowsThanTheStepHoldsAreRefused() {
        SequenceCache cache = take(CONTEXT);
        int[] tokens = {1, 2, 3, 4, 5};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.forwardRows(
                weights.embeddingRows(tokens), 5, new SequenceCache[] {cache, cache, cache, cache, cache},
                new int[] {0, 1, 2, 3, 4}, new int[] {4}, logits(1)));
        assertTrue(e.getMessage().contains("expected 1.." + ROWS), e.getMessage());
    }

    @Test
    void theSingleSequenceCallsAreRefusedWhileAServedSequenceHoldsSlotZero() {
        take(CONTEXT);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend.embed(weights.embeddingRows(new int[] {1}), 1));
        assertTrue(e.getMessage().contains("slot 0"), e.getMessage());
    }

    @Test
    void reservingSequencesAfterLoadIsRefused() {
        assertThrows(IllegalStateException.class, () -> backend.reserveSequences(4));
        assertEquals(2, backend.maxSequences());
    }
}
