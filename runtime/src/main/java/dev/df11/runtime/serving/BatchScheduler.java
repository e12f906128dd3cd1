package dev.df11.runtime.serving;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.SequenceBatching;
import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.weights.WeightStore;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching: one thread runs forward steps over every running sequence at once. Between steps, waiting
 * sequences join (while fewer than {@code maxBatch} run and their KV caches fit the memory budget) and finished or
 * cancelled ones leave, freeing their caches. In a step each decoding sequence contributes its last sampled token,
 * and sequences still in their prompt contribute as many prompt tokens as the step has rows left (prompt processing
 * is batched too, in chunks). The backend makes each layer's weights available once per step for all rows.
 *
 * <p>With a backend that cannot batch sequences ({@link SequenceBatching} missing), sequences run one after another
 * on the backend's one cache: {@code maxBatch} is 1. A backend with a fixed number of KV slots (the TornadoVM backend,
 * {@link SequenceBatching#maxSequences()}) runs at most that many at once, and a sequence's slot is released when it
 * ends.
 *
 * <p>A sequence's tokens do not depend on what runs beside it: the backend guarantees each row's bits are the same
 * in any batch, and each sequence samples with its own seeded sampler.
 */
public final class BatchScheduler implements AutoCloseable {

    private final WeightStore weights;
    private final ModelConfig config;
    private final SequenceBatching batching;
    private final ForwardPass single;
    private final int contextLength;
    private final int maxBatch;
    private final int maxQueue;
    private final long kvBudgetBytes;
    private final ServingStats stats = new ServingStats();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<ServedSequence> queue = new ArrayDeque<>();
    private final List<ServedSequence> running = new ArrayList<>();
    private long kvBytesInUse;
    private boolean accepting = true;
    private boolean stopping;
    private volatile boolean abortRunning;
    private final Thread thread;
    /** Logits of a step's sampled rows, reused (a step samples at most maxBatch sequences). */
    private float[][] logits = new float[0][];

    /**
     * @param backend       a loaded backend: with {@link SequenceBatching} sequences share steps, else they run one
     *                      at a time (then {@code single} must drive it)
     * @param single        the forward pass over {@code backend}, used only without {@link SequenceBatching}
     * @param kvBudgetBytes the most bytes all running sequences' KV caches may take together
     */
    public BatchScheduler(WeightStore weights, Backend backend, ForwardPass single, int contextLength, int maxBatch,
                          int maxQueue, long kvBudgetBytes) {
        if (maxBatch < 1 || maxQueue < 1 || contextLength < 1) {
            throw new IllegalArgumentException("max batch " + maxBatch + ", max queue " + maxQueue + ", context "
                    + contextLength);
        }
        this.weights = weights;
        this.config = weights.config();
        this.batching = backend instanceof SequenceBatching b ? b : null;
        if (batching == null && single == null) {
            throw new IllegalArgumentException("backend " + backend.name() + " cannot batch sequences and no forward "
                    + "pass was given to run them one at a time");
        }
        this.single = single;
        this.contextLength = contextLength;
        this.maxBatch = batching == null ? 1
                : Math.min(maxBatch, Math.min(batching.maxRows(), batching.maxSequences()));
        this.maxQueue = maxQueue;
        this.kvBudgetBytes = kvBudgetBytes;
        stats.budget(kvBudgetBytes);
        if (batching != null && kvBudgetBytes < batching.sequenceCacheBytes(contextLength)) {
            throw new IllegalArgumentException("a KV memory budget of " + kvBudgetBytes + " bytes does not hold one "
                    + "sequence of the whole context (" + batching.sequenceCacheBytes(contextLength) + " bytes); "
                    + "give the JVM more heap (DF11_HEAP) or a smaller --context");
        }
        this.thread = Thread.ofPlatform().name("df11-batch").daemon(true).start(this::loop);
    }

    /** Sequences that may run at once (1 for a backend that cannot batch). */
    public int maxBatch() {
        return maxBatch;
    }

    public int contextLength() {
        return contextLength;
    }

    public long kvBudgetBytes() {
        return kvBudgetBytes;
    }

    public ServingStats stats() {
        return stats;
    }

    /**
     * Queues a sequence.
     *
     * @throws IllegalArgumentException an empty prompt, one longer than the context, or a token id outside the
     *                                  model's vocabulary
     * @throws QueueFullException    when {@code maxQueue} sequences wait already
     * @throws IllegalStateException when the scheduler is shutting down
     */
    public ServedSequence submit(int[] prompt, GenerationSettings settings, SequenceListener listener)
            throws QueueFullException {
        if (prompt.length == 0 || prompt.length > contextLength) {
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens does not fit the context of "
                    + contextLength);
        }
        // Checked here, not in the step: one bad id would fail the step of every sequence beside it.
        for (int token : prompt) {
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("prompt token id " + token + " is outside the model's vocabulary"
                        + " 0.." + (config.vocabSize() - 1));
            }
        }
        ServedSequence sequence = new ServedSequence(prompt, settings, listener, contextLength);
        lock.lock();
        try {
            if (!accepting) {
                throw new IllegalStateException("the server is shutting down");
            }
            if (queue.size() >= maxQueue) {
                throw new QueueFullException(maxQueue);
            }
            queue.add(sequence);
            stats.queued(queue.size());
            work.signal();
        } finally {
            lock.unlock();
        }
        return sequence;
    }

    /** Sequences waiting to join the batch. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Sequences in the running batch. */
    public int active() {
        lock.lock();
        try {
            return running.size();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the running sequences' KV caches take. */
    public long kvBytesInUse() {
        lock.lock();
        try {
            return kvBytesInUse;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Graceful shutdown: refuses new sequences, ends the queued ones with {@link FinishReason#SHUTDOWN}, lets the
     * running ones finish for up to {@code grace}, then ends the rest with {@link FinishReason#SHUTDOWN} and stops.
     */
    public void shutdown(Duration grace) {
        List<ServedSequence> dropped;
        lock.lock();
        try {
            accepting = false;
            dropped = new ArrayList<>(queue);
            queue.clear();
            stats.queued(0);
            long deadline = System.nanoTime() + grace.toNanos();
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    idle.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            abortRunning = true;
            stopping = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        for (ServedSequence s : dropped) {
            s.listener.onEnd(FinishReason.SHUTDOWN, null);
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            shutdown(Duration.ZERO);
        }
    }

    private void loop() {
        while (true) {
            lock.lock();
            try {
                admit();
                if (stopping && (abortRunning || running.isEmpty())) {
                    break;
                }
                if (running.isEmpty()) {
                    idle.signalAll();
                    work.awaitUninterruptibly();
                    continue;
                }
            } finally {
                lock.unlock();
            }
            dropCancelled();
            if (!runningSnapshot().isEmpty()) {
                try {
                    step();
                } catch (RuntimeException | Error e) {
                    failAll(e);
                }
            }
        }
        for (ServedSequence s : runningSnapshot()) {
            end(s, FinishReason.SHUTDOWN, null);
        }
    }

    /** Moves waiting sequences into the batch while there is room and KV budget; called with the lock held. */
    private void admit() {
        while (!queue.isEmpty() && running.size() < maxBatch) {
            ServedSequence next = queue.peek();
            if (next.cancelled()) {
                queue.poll();
                next.listener.onEnd(FinishReason.CANCELLED, null);
                continue;
            }
            long bytes = batching == null ? 0 : batching.sequenceCacheBytes(next.positions);
            if (kvBytesInUse + bytes > kvBudgetBytes) {
                break;      // first come, first served: the head waits for memory, nobody overtakes it
            }
            queue.poll();
            next.cache = batching == null ? null : batching.newSequenceCache(next.positions);
            next.reservedBytes = bytes;
            kvBytesInUse += bytes;
            running.add(next);
            if (next.settings.maxTokens() == 0) {
                running.remove(next);
                kvBytesInUse -= bytes;
                release(next);
                next.listener.onEnd(FinishReason.LENGTH, null);
            }
        }
        stats.queued(queue.size());
        stats.active(running.size(), kvBytesInUse);
    }

    private List<ServedSequence> runningSnapshot() {
        lock.lock();
        try {
            return new ArrayList<>(running);
        } finally {
            lock.unlock();
        }
    }

    private void dropCancelled() {
        for (ServedSequence s : runningSnapshot()) {
            if (s.cancelled()) {
                end(s, FinishReason.CANCELLED, null);
            }
        }
    }

    /** Removes a running sequence, frees its cache, tells its listener. */
    private void end(ServedSequence s, FinishReason reason, Throwable error) {
        lock.lock();
        try {
            if (!running.remove(s)) {
                return;
            }
            kvBytesInUse -= s.reservedBytes;
            release(s);
            stats.active(running.size(), kvBytesInUse);
        } finally {
            lock.unlock();
        }
        stats.finished(reason);
        s.listener.onEnd(reason, error);
    }

    /** Gives a sequence's cache back to the backend (a fixed slot becomes free for the next sequence). */
    private static void release(ServedSequence s) {
        if (s.cache != null) {
            s.cache.release();
            s.cache = null;
        }
    }

    private void failAll(Throwable e) {
        for (ServedSequence s : runningSnapshot()) {
            end(s, FinishReason.ERROR, e);
        }
    }

    /** One forward step over every running sequence, then one sampled token for each that reached its end. */
    private void step() {
        List<ServedSequence> batch = runningSnapshot();
        if (batching == null) {
            stepAlone(batch.getFirst());
            return;
        }
        int capacity = batching.maxRows();
        int rows = 0;
        List<ServedSequence> members = new ArrayList<>();
        List<int[]> chunks = new ArrayList<>();
        // Decoding sequences first (one row each, and there are at most maxBatch <= capacity of them), then prompt
        // chunks in arrival order with the rows left.
        for (ServedSequence s : batch) {
            if (s.nextToken >= 0) {
                members.add(s);
                chunks.add(new int[] {s.nextToken});
                rows++;
            }
        }
        for (ServedSequence s : batch) {
            if (s.nextToken < 0 && rows < capacity) {
                int take = Math.min(capacity - rows, s.prompt.length - s.promptDone);
                members.add(s);
                chunks.add(java.util.Arrays.copyOfRange(s.prompt, s.promptDone, s.promptDone + take));
                rows += take;
            }
        }
        int[] tokens = new int[rows];
        SequenceCache[] caches = new SequenceCache[rows];
        int[] positions = new int[rows];
        List<ServedSequence> sampling = new ArrayList<>();
        List<Integer> logitRows = new ArrayList<>();
        int row = 0;
        for (int m = 0; m < members.size(); m++) {
            ServedSequence s = members.get(m);
            int[] chunk = chunks.get(m);
            for (int token : chunk) {
                tokens[row] = token;
                caches[row] = s.cache;
                positions[row] = s.position++;
                row++;
            }
            if (s.nextToken < 0) {
                s.promptDone += chunk.length;
            }
            if (s.nextToken >= 0 || s.promptDone == s.prompt.length) {
                sampling.add(s);
                logitRows.add(row - 1);
            }
        }
        if (logits.length < sampling.size()) {
            logits = new float[Math.max(sampling.size(), maxBatch)][config.vocabSize()];
        }
        MemorySegment embeddings = weights.embeddingRows(tokens);
        long start = System.nanoTime();
        batching.forwardRows(embeddings, rows, caches, positions,
                logitRows.stream().mapToInt(Integer::intValue).toArray(), logits);
        stats.step(rows, sampling.size(), System.nanoTime() - start);
        for (int j = 0; j < sampling.size(); j++) {
            afterLogits(sampling.get(j), logits[j]);
        }
    }

    /** A backend without sequence batching: the one sequence runs on the backend's own cache, from position 0. */
    private void stepAlone(ServedSequence s) {
        int[] tokens = s.nextToken < 0 ? s.prompt : new int[] {s.nextToken};
        long start = System.nanoTime();
        float[] logits = single.forward(tokens, s.position);
        stats.step(tokens.length, 1, System.nanoTime() - start);
        s.position += tokens.length;
        s.promptDone = s.prompt.length;
        afterLogits(s, logits);
    }

    /** Samples the next token of a sequence whose last row just ran, delivers it, or ends the sequence. */
    private void afterLogits(ServedSequence s, float[] logits) {
        if (s.generated == 0) {
            stats.firstToken(System.nanoTime() - s.submittedNanos);
            s.listener.onPromptDone();
        }
        int token = s.sampler.sample(logits);
        // As in Generator: a generated BOS opens a new document (llama2.c's TinyStories models end stories that way).
        if (config.isEos(token) || token == config.bosTokenId() || s.settings.stopTokenIds().contains(token)) {
            end(s, FinishReason.STOP, null);
            return;
        }
        s.generated++;
        stats.token();
        s.listener.onToken(token);
        if (s.generated >= s.settings.maxTokens() || s.position >= s.positions) {
            end(s, FinishReason.LENGTH, null);
            return;
        }
        s.nextToken = token;
    }
}
