package dev.df11.runtime.serving;

import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Continuous batching on stories15M (DF11): batch invariance, cancellation, the queue limit. */
class BatchSchedulerTest {

    private static final int CONTEXT = 256;
    private static final String[] PROMPTS = {
            "Once upon a time",
            "The little dog ran to the park and saw a big red ball. He",
            "Tom",
            "One day, a girl named Sue found a shiny key under her bed. She wondered what it could open, so she",
            "The sun was hot",
            "Lily and Ben were best friends. Every day they played in the garden with their toys and",
    };

    /** Collects one sequence's tokens and its end. */
    private static class Collector implements SequenceListener {
        final List<Integer> tokens = new ArrayList<>();
        final CompletableFuture<FinishReason> end = new CompletableFuture<>();

        @Override
        public void onToken(int token) {
            tokens.add(token);
        }

        @Override
        public void onEnd(FinishReason reason, Throwable error) {
            end.complete(reason);
        }

        int[] ids() {
            return tokens.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Batch invariance: six prompts of different lengths, generated greedily beside each other (at most four at a
     * time, so sequences join and leave; steps of at most 8 rows, so long prompts run in chunks beside decoding
     * sequences) give exactly the tokens each gives alone through the single-sequence Generator.
     */
    @Test
    void greedyTokensAreTheSameAloneAndBesideOthers() throws Exception {
        Path dir = TestModels.stories15MDf11();
        Tokenizer tokenizer = Tokenizers.load(dir, null);
        int[][] prompts = Arrays.stream(PROMPTS).map(p -> tokenizer.encode(p, true)).toArray(int[][]::new);
        int[] maxTokens = {16, 6, 20, 12, 18, 9};
        int[][] alone = new int[prompts.length][];
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 16)) {
            for (int i = 0; i < prompts.length; i++) {
                alone[i] = new Generator(forward).generate(prompts[i], GenerationSettings.greedy(maxTokens[i]),
                        token -> { }).generatedTokens();
            }
        }
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 8);
             BatchScheduler scheduler = new BatchScheduler(weights, forward.backend(), forward, CONTEXT, 4, 64,
                     1L << 30)) {
            Collector[] together = new Collector[prompts.length];
            for (int i = 0; i < prompts.length; i++) {
                together[i] = new Collector();
                scheduler.submit(prompts[i], GenerationSettings.greedy(maxTokens[i]), together[i]);
                if (i == 2) {
                    Thread.sleep(50);   // later arrivals join a batch that is already decoding
                }
            }
            for (int i = 0; i < prompts.length; i++) {
                together[i].end.get(60, TimeUnit.SECONDS);
                assertArrayEquals(alone[i], together[i].ids(), "prompt " + i + ": " + PROMPTS[i]);
            }
            assertEquals(0, scheduler.kvBytesInUse());
        }
    }

    /** Sampled sequences with a seed give the same tokens alone and beside others too. */
    @Test
    void seededSamplingIsTheSameAloneAndBesideOthers() throws Exception {
        Path dir = TestModels.stories15MDf11();
        Tokenizer tokenizer = Tokenizers.load(dir, null);
        int[] prompt = tokenizer.encode(PROMPTS[0], true);
        GenerationSettings sampled = new GenerationSettings(20, 0.9f, 0.9f, 1234);
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 8);
             BatchScheduler scheduler = new BatchScheduler(weights, forward.backend(), forward, CONTEXT, 4, 64,
                     1L << 30)) {
            Collector alone = new Collector();
            scheduler.submit(prompt, sampled, alone);
            alone.end.get(60, TimeUnit.SECONDS);
            Collector first = new Collector();
            Collector beside = new Collector();
            scheduler.submit(tokenizer.encode(PROMPTS[3], true), new GenerationSettings(20, 1f, 1f, 99), first);
            scheduler.submit(prompt, sampled, beside);
            beside.end.get(60, TimeUnit.SECONDS);
            first.end.get(60, TimeUnit.SECONDS);
            assertArrayEquals(alone.ids(), beside.ids());
        }
    }

    /** A cancelled sequence leaves the batch before the next step and its KV cache is freed. */
    @Test
    void cancelledSequenceLeavesAndFreesItsCache() throws Exception {
        Path dir = TestModels.stories15MDf11();
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 8);
             BatchScheduler scheduler = new BatchScheduler(weights, forward.backend(), forward, CONTEXT, 4, 64,
                     1L << 30)) {
            CountDownLatch firstToken = new CountDownLatch(1);
            Collector collector = new Collector() {
                @Override
                public void onToken(int token) {
                    super.onToken(token);
                    firstToken.countDown();
                }
            };
            ServedSequence sequence = scheduler.submit(new int[] {1}, GenerationSettings.greedy(200), collector);
            assertTrue(firstToken.await(30, TimeUnit.SECONDS));
            assertTrue(scheduler.kvBytesInUse() > 0);
            sequence.cancel();
            assertEquals(FinishReason.CANCELLED, collector.end.get(30, TimeUnit.SECONDS));
            assertTrue(collector.tokens.size() < 200, "stopped early: " + collector.tokens.size());
            assertEquals(0, scheduler.kvBytesInUse());
            assertEquals(0, scheduler.active());
        }
    }

    /** With one running sequence and --max-queue 1 waiting, the next request is refused. */
    @Test
    void fullQueueRefusesTheNextSequence() throws Exception {
        Path dir = TestModels.stories15MDf11();
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 8);
             BatchScheduler scheduler = new BatchScheduler(weights, forward.backend(), forward, CONTEXT, 1, 1,
                     1L << 30)) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // The listener holds the scheduler's thread inside a step, so the first sequence stays running.
            Collector blocking = new Collector() {
                @Override
                public void onToken(int token) {
                    super.onToken(token);
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            scheduler.submit(new int[] {1}, GenerationSettings.greedy(3), blocking);
            assertTrue(running.await(30, TimeUnit.SECONDS));
            Collector queued = new Collector();
            scheduler.submit(new int[] {1}, GenerationSettings.greedy(2), queued);
            assertThrows(QueueFullException.class,
                    () -> scheduler.submit(new int[] {1}, GenerationSettings.greedy(2), new Collector()));
            release.countDown();
            assertEquals(FinishReason.LENGTH, queued.end.get(30, TimeUnit.SECONDS));
        }
    }

    /** The KV budget admits sequences only while their caches fit: never more bytes in use than the budget. */
    @Test
    void runningCachesStayWithinTheBudget() throws Exception {
        Path dir = TestModels.stories15MDf11();
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 8)) {
            CpuBackend backend = (CpuBackend) forward.backend();
            long budget = backend.sequenceCacheBytes(CONTEXT) + backend.sequenceCacheBytes(40);
            try (BatchScheduler scheduler = new BatchScheduler(weights, backend, forward, CONTEXT, 8, 64, budget)) {
                long[] most = {0};
                List<Collector> all = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Collector c = new Collector() {
                        @Override
                        public void onToken(int token) {
                            super.onToken(token);
                            most[0] = Math.max(most[0], scheduler.kvBytesInUse());
                        }
                    };
                    all.add(c);
                    scheduler.submit(new int[] {1}, GenerationSettings.greedy(30), c);
                }
                for (Collector c : all) {
                    c.end.get(60, TimeUnit.SECONDS);
                }
                assertTrue(most[0] > 0 && most[0] <= budget, most[0] + " bytes in use, budget " + budget);
                assertTrue(most[0] > backend.sequenceCacheBytes(30), "more than one sequence ran at once");
            }
        }
    }

    /** Bad prompts are refused at submit, before they could fail a step shared with other sequences. */
    @Test
    void promptsThatCannotRunAreRefusedAtSubmit() throws Exception {
        Path dir = TestModels.stories15MDf11();
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(1), weights, 32, 8);
             BatchScheduler scheduler = new BatchScheduler(weights, forward.backend(), forward, 32, 4, 8, 1L << 30)) {
            GenerationSettings greedy = GenerationSettings.greedy(4);
            assertThrows(IllegalArgumentException.class, () -> scheduler.submit(new int[] {1, 32000}, greedy,
                    new Collector()));
            assertThrows(IllegalArgumentException.class, () -> scheduler.submit(new int[] {1, -1}, greedy,
                    new Collector()));
            assertThrows(IllegalArgumentException.class, () -> scheduler.submit(new int[0], greedy, new Collector()));
            assertThrows(IllegalArgumentException.class, () -> scheduler.submit(new int[33], greedy, new Collector()));
            assertEquals(0, scheduler.queued());
        }
    }

    /**
     * A backend that cannot batch sequences (one that holds a single KV cache) serves them one after another on its
     * own cache, with the same tokens as alone.
     */
    @Test
    void aBackendWithoutSequenceBatchingServesOneSequenceAtATime() throws Exception {
        Path dir = TestModels.stories15MDf11();
        Tokenizer tokenizer = Tokenizers.load(dir, null);
        int[][] prompts = {tokenizer.encode(PROMPTS[1], true), tokenizer.encode(PROMPTS[3], true)};
        int[][] alone = new int[prompts.length][];
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 16)) {
            for (int i = 0; i < prompts.length; i++) {
                alone[i] = new Generator(forward).generate(prompts[i], GenerationSettings.greedy(15), token -> { })
                        .generatedTokens();
            }
        }
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new OneCacheBackend(new CpuBackend(2)), weights, CONTEXT, 16);
             BatchScheduler scheduler = new BatchScheduler(weights, forward.backend(), forward, CONTEXT, 8, 64,
                     1L << 30)) {
            assertEquals(1, scheduler.maxBatch());
            Collector[] collectors = {new Collector(), new Collector()};
            for (int i = 0; i < prompts.length; i++) {
                scheduler.submit(prompts[i], GenerationSettings.greedy(15), collectors[i]);
            }
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(FinishReason.LENGTH, collectors[i].end.get(60, TimeUnit.SECONDS));
                assertArrayEquals(alone[i], collectors[i].ids(), "prompt " + i);
            }
        }
    }

    /**
     * A backend with a fixed number of KV slots (as the TornadoVM backend): the scheduler runs at most that many
     * sequences at once whatever {@code maxBatch} says, releases each sequence's cache when it ends (so later
     * sequences get a slot), and the tokens are still those each gives alone.
     */
    @Test
    void aBackendWithFixedSlotsRunsAtMostThatManyAndGetsEverySlotBack() throws Exception {
        Path dir = TestModels.stories15MDf11();
        Tokenizer tokenizer = Tokenizers.load(dir, null);
        int[][] prompts = Arrays.stream(PROMPTS).map(p -> tokenizer.encode(p, true)).toArray(int[][]::new);
        int[][] alone = new int[prompts.length][];
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, CONTEXT, 16)) {
            for (int i = 0; i < prompts.length; i++) {
                alone[i] = new Generator(forward).generate(prompts[i], GenerationSettings.greedy(8), token -> { })
                        .generatedTokens();
            }
        }
        TwoSlotBackend slots = new TwoSlotBackend(new CpuBackend(2));
        try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(slots, weights, CONTEXT, 8);
             BatchScheduler scheduler = new BatchScheduler(weights, slots, forward, CONTEXT, 8, 64, 1L << 30)) {
            assertEquals(2, scheduler.maxBatch());
            Collector[] collectors = new Collector[prompts.length];
            for (int i = 0; i < prompts.length; i++) {
                collectors[i] = new Collector();
                scheduler.submit(prompts[i], GenerationSettings.greedy(8), collectors[i]);
            }
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(FinishReason.LENGTH, collectors[i].end.get(60, TimeUnit.SECONDS));
                assertArrayEquals(alone[i], collectors[i].ids(), "prompt " + i);
            }
            assertEquals(0, slots.inUse.get(), "every ended sequence released its cache");
            assertEquals(prompts.length, slots.made.get());
        }
    }

    /** A CPU backend limited to two sequence caches at a time, counting the caches made and released. */
    private static final class TwoSlotBackend extends ForwardingBackend
            implements dev.df11.runtime.backend.SequenceBatching {
        private final CpuBackend cpu;
        final java.util.concurrent.atomic.AtomicInteger inUse = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();

        TwoSlotBackend(CpuBackend cpu) {
            super(cpu);
            this.cpu = cpu;
        }

        @Override
        public int maxSequences() {
            return 2;
        }

        @Override
        public int maxRows() {
            return cpu.maxRows();
        }

        @Override
        public long sequenceCacheBytes(int positions) {
            return cpu.sequenceCacheBytes(positions);
        }

        @Override
        public dev.df11.runtime.backend.SequenceCache newSequenceCache(int positions) {
            if (inUse.incrementAndGet() > 2) {
                throw new IllegalStateException("a third cache while two are in use");
            }
            made.incrementAndGet();
            dev.df11.runtime.backend.SequenceCache inner = cpu.newSequenceCache(positions);
            return new Counted(inner);
        }

        @Override
        public void forwardRows(java.lang.foreign.MemorySegment bf16Rows, int count,
                                dev.df11.runtime.backend.SequenceCache[] caches, int[] positions, int[] logitRows,
                                float[][] logits) {
            dev.df11.runtime.backend.SequenceCache[] inner = new dev.df11.runtime.backend.SequenceCache[count];
            for (int i = 0; i < count; i++) {
                inner[i] = ((Counted) caches[i]).inner;
            }
            cpu.forwardRows(bf16Rows, count, inner, positions, logitRows, logits);
        }

        private final class Counted implements dev.df11.runtime.backend.SequenceCache {
            final dev.df11.runtime.backend.SequenceCache inner;
            boolean released;

            Counted(dev.df11.runtime.backend.SequenceCache inner) {
                this.inner = inner;
            }

            @Override
            public int positions() {
                return inner.positions();
            }

            @Override
            public long bytes() {
                return inner.bytes();
            }

            @Override
            public void release() {
                if (!released) {
                    released = true;
                    inUse.decrementAndGet();
                }
            }
        }
    }

    /** The plain Backend calls of another backend. */
    private static class ForwardingBackend implements dev.df11.runtime.backend.Backend {
        private final dev.df11.runtime.backend.Backend inner;

        ForwardingBackend(dev.df11.runtime.backend.Backend inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void load(WeightStore weights, int contextLength, int maxBatch) {
            inner.load(weights, contextLength, maxBatch);
        }

        @Override
        public void embed(java.lang.foreign.MemorySegment bf16Rows, int count) {
            inner.embed(bf16Rows, count);
        }

        @Override
        public void block(int layer, int startPos) {
            inner.block(layer, startPos);
        }

        @Override
        public void finalNorm() {
            inner.finalNorm();
        }

        @Override
        public void logits(float[] out) {
            inner.logits(out);
        }

        @Override
        public long workingBytes() {
            return inner.workingBytes();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** Hides {@link dev.df11.runtime.backend.SequenceBatching}: only the plain Backend calls. */
    private static final class OneCacheBackend extends ForwardingBackend {
        OneCacheBackend(dev.df11.runtime.backend.Backend inner) {
            super(inner);
        }

        @Override
        public String name() {
            return "one-cache";
        }
    }
}
