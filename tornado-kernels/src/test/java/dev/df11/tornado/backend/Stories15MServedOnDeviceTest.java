package dev.df11.tornado.backend;

import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.serving.BatchScheduler;
import dev.df11.runtime.serving.FinishReason;
import dev.df11.runtime.serving.SequenceListener;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server's scheduler on the TornadoVM backend (PoCL) with stories15M (DF11): four prompts of different lengths
 * through two KV-cache slots (so sequences wait for a slot, join a decoding batch and leave, their slots reused),
 * in steps of at most 8 rows (long prompts in chunks beside decoding rows), give exactly the greedy tokens each gives
 * alone through the single-sequence generator; every slot is free again afterwards.
 */
class Stories15MServedOnDeviceTest {

    private static final int CONTEXT = 128;
    private static final int SLOTS = 2;
    private static final String[] PROMPTS = {
            "Once upon a time",
            "The little dog ran to the park and saw a big red ball. He",
            "Tom",
            "One day, a girl named Sue found a shiny key under her bed. She wondered what it could open, so she",
    };
    private static final int[] MAX_TOKENS = {10, 4, 12, 6};

    /** Collects one sequence's tokens and its end. */
    private static final class Collector implements SequenceListener {
        final List<Integer> tokens = new ArrayList<>();
        final CompletableFuture<FinishReason> end = new CompletableFuture<>();

        @Override
        public void onToken(int token) {
            tokens.add(token);
        }

        @Override
        public void onEnd(FinishReason reason, Throwable error) {
            if (error != null) {
                end.completeExceptionally(error);
            } else {
                end.complete(reason);
            }
        }
    }

    @Test
    void servedSequencesGiveTheirAloneTokensThroughTwoSlots() throws Exception {
        Path dir = TestModels.stories15MDf11();
        Tokenizer tokenizer = Tokenizers.load(dir, null);
        int[][] prompts = Arrays.stream(PROMPTS).map(p -> tokenizer.encode(p, true)).toArray(int[][]::new);
        TornadoBackend backend = TornadoBackendAgreementTest.tornado();
        backend.reserveSequences(SLOTS);
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(backend, weights, CONTEXT, 8)) {
            int[][] alone = new int[prompts.length][];
            for (int i = 0; i < prompts.length; i++) {
                alone[i] = new Generator(forward).generate(prompts[i], GenerationSettings.greedy(MAX_TOKENS[i]),
                        token -> { }).generatedTokens();
            }
            long slotBytes = backend.sequenceCacheBytes(CONTEXT);
            try (BatchScheduler scheduler = new BatchScheduler(weights, backend, forward, CONTEXT, 4, 64,
                    SLOTS * slotBytes)) {
                assertEquals(SLOTS, scheduler.maxBatch(), "the scheduler runs no more sequences than slots");
                Collector[] together = new Collector[prompts.length];
                for (int i = 0; i < prompts.length; i++) {
                    together[i] = new Collector();
                    scheduler.submit(prompts[i], GenerationSettings.greedy(MAX_TOKENS[i]), together[i]);
                }
                for (int i = 0; i < prompts.length; i++) {
                    together[i].end.get(120, TimeUnit.SECONDS);
                    assertArrayEquals(alone[i], together[i].tokens.stream().mapToInt(Integer::intValue).toArray(),
                            "prompt " + i + ": " + PROMPTS[i]);
                }
                assertEquals(0, scheduler.kvBytesInUse());
            }
            List<SequenceCache> all = new ArrayList<>();
            for (int i = 0; i < SLOTS; i++) {
                all.add(backend.newSequenceCache(CONTEXT));   // throws if an ended sequence kept its slot
            }
            all.forEach(SequenceCache::release);
        }
    }
}
