package dev.df11.tornado.backend;

import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.weights.DecodeMode;
import dev.df11.tornado.forward.ProductKernel;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batched generation on the TornadoVM backend (PoCL): rows of several sequences, each in its own KV-cache slot at its
 * own position, share a step. A sequence's greedy tokens and every logit it sampled from are the same bits whether it
 * ran alone or beside others joining and leaving, prompt chunks and decoding rows mixed; DF11 gives BF16's bits; and
 * a slot reused after its sequence ended does not leak the old sequence's keys and values.
 */
class TornadoSequenceBatchingTest {

    private static final int CONTEXT = 32;
    private static final int ROWS = 6;
    private static final int SLOTS = 3;
    private static final int PLAIN_BATCH = 4;

    /**
     * Four sequences of different lengths through three slots: A's 7-token prompt is cut into two chunks, B's prompt
     * shares a step with A's last prompt token, C joins while A and B decode, B leaves and D takes its slot (a slot
     * with B's stale cache in it).
     */
    private static final List<RowSchedule.Sequence> SCHEDULE = List.of(
            new RowSchedule.Sequence(new int[] {3, 17, 42, 5, 88, 9, 21}, 9, 0),
            new RowSchedule.Sequence(new int[] {60, 2, 33}, 4, 1),
            new RowSchedule.Sequence(new int[] {11, 12, 13, 14, 15}, 6, 2),
            new RowSchedule.Sequence(new int[] {90, 45, 7, 1}, 5, 7));

    @ParameterizedTest
    @EnumSource(value = RandomModelWriter.Flavor.class, names = {"LLAMA3_UNTIED", "QWEN2", "QWEN3"})
    void aSequenceGivesTheSameBitsAloneOrBesideOthersAndDf11MatchesBf16(RandomModelWriter.Flavor flavor)
            throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("batched-" + flavor.name()), flavor, 21);
        var options = new WeightStores.Df11Options(2);
        List<RowSchedule.Result> bf16Together;
        try (WeightStore weights = WeightStores.open(dir, options); TornadoBackend backend = slots(SLOTS)) {
            backend.load(weights, CONTEXT, ROWS);
            assertEquals(SLOTS, backend.maxSequences());
            assertEquals(ROWS, backend.maxRows());
            // Alone: each sequence by itself through the single-sequence calls (slot 0), the path df11 generate takes.
            List<RowSchedule.Result> alone = new ArrayList<>();
            for (RowSchedule.Sequence s : SCHEDULE) {
                alone.add(RowSchedule.plain(backend, weights, s.prompt(), s.steps(), PLAIN_BATCH));
            }
            bf16Together = RowSchedule.run(backend, weights, SCHEDULE, ROWS);
            for (int s = 0; s < SCHEDULE.size(); s++) {
                assertSameBits(alone.get(s), bf16Together.get(s), flavor + " sequence " + s + " beside others");
            }
            // And the rows path with a sequence alone on the device gives the same bits too.
            RowSchedule.Sequence first = SCHEDULE.getFirst();
            RowSchedule.Result rowsAlone = RowSchedule.run(backend, weights,
                    List.of(new RowSchedule.Sequence(first.prompt(), first.steps(), 0)), ROWS).getFirst();
            assertSameBits(alone.getFirst(), rowsAlone, flavor + " sequence 0 alone through forwardRows");
        }
        try (WeightStore weights = WeightStores.open(TestModels.compress(dir), options);
             TornadoBackend backend = slots(SLOTS)) {
            backend.load(weights, CONTEXT, ROWS);
            List<RowSchedule.Result> df11Together = RowSchedule.run(backend, weights, SCHEDULE, ROWS);
            for (int s = 0; s < SCHEDULE.size(); s++) {
                assertSameBits(bf16Together.get(s), df11Together.get(s), flavor + " DF11 vs BF16, sequence " + s);
            }
        }
    }

    /**
     * A short sequence in a fresh slot, then a long one in the same slot, released, then the short one again: the
     * short one's bits do not change, although the slot now holds the long sequence's keys and values past its
     * positions.
     */
    @Test
    void aReusedSlotDoesNotLeakTheEndedSequencesKeysAndValues() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("batched-reuse"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 22);
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             TornadoBackend backend = slots(2)) {
            backend.load(weights, CONTEXT, ROWS);
            List<RowSchedule.Sequence> shortOne = List.of(new RowSchedule.Sequence(new int[] {5, 6, 7}, 4, 0));
            RowSchedule.Result fresh = RowSchedule.run(backend, weights, shortOne, ROWS).getFirst();
            RowSchedule.run(backend, weights, List.of(new RowSchedule.Sequence(
                    new int[] {40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50}, 16, 0)), ROWS);
            RowSchedule.Result reused = RowSchedule.run(backend, weights, shortOne, ROWS).getFirst();
            assertSameBits(fresh, reused, "the short sequence in a slot the long one used");
        }
    }

    /**
     * A table whose serving product (the staged kernel, sixteen rows a group, tiles of eight rows) differs from
     * generation's (the default): sequences whose prompts fill steps of twelve rows (a tile of eight, then single
     * rows) get the bits each gets alone on a single-sequence backend, which runs generation's kernel.
     */
    @Test
    void theServingProductGivesGenerationsBits() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("serving-product"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 22);
        var options = new WeightStores.Df11Options(2);
        KernelTuning base = KernelTuning.defaults();
        KernelTuning tuning = new KernelTuning("serving-staged", 128, 2, base.norm(), base.attention(),
                base.elementwise(), List.of(new KernelTuning.ShapeRule(0, 0, new KernelTuning.MatVecLaunch(128, 2),
                        null, 0, ProductKernel.STAGED)));
        int rows = 12;
        List<RowSchedule.Sequence> schedule = List.of(
                new RowSchedule.Sequence(new int[] {3, 17, 42, 5, 80, 9, 21, 60, 2, 33, 11, 12, 13}, 6, 0),
                new RowSchedule.Sequence(new int[] {14, 15, 70, 45, 7, 1, 8, 50, 6}, 5, 1),
                new RowSchedule.Sequence(new int[] {23, 31, 64, 77, 40}, 4, 2));
        List<RowSchedule.Result> alone = new ArrayList<>();
        try (WeightStore weights = WeightStores.open(dir, options);
             TornadoBackend backend = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT).withTuning(tuning), null)) {
            backend.load(weights, CONTEXT, rows);
            for (RowSchedule.Sequence s : schedule) {
                alone.add(RowSchedule.plain(backend, weights, s.prompt(), s.steps(), PLAIN_BATCH));
            }
        }
        try (WeightStore weights = WeightStores.open(dir, options);
             TornadoBackend backend = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT).withTuning(tuning), null)) {
            backend.reserveSequences(SLOTS);
            backend.load(weights, CONTEXT, rows);
            List<RowSchedule.Result> together = RowSchedule.run(backend, weights, schedule, rows);
            for (int s = 0; s < schedule.size(); s++) {
                assertSameBits(alone.get(s), together.get(s), "sequence " + s + " served with the staged kernel");
            }
        }
    }

    private static TornadoBackend slots(int sequences) {
        TornadoBackend backend = TornadoBackendAgreementTest.tornado();
        backend.reserveSequences(sequences);
        return backend;
    }

    private static void assertSameBits(RowSchedule.Result expected, RowSchedule.Result actual, String what) {
        assertArrayEquals(expected.tokens(), actual.tokens(), what + ": greedy tokens");
        assertEquals(expected.logits().size(), actual.logits().size(), what + ": sampled steps");
        for (int step = 0; step < expected.logits().size(); step++) {
            assertArrayEquals(TornadoBackendAgreementTest.bits(expected.logits().get(step)),
                    TornadoBackendAgreementTest.bits(actual.logits().get(step)), what + ": logits at step " + step);
        }
    }
}
