package dev.df11.runtime.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Spreads loop iterations over a fixed set of threads: the caller plus {@code threads - 1} pooled workers that
 * live as long as this object (no thread is created per call). Iterations are handed out dynamically, but each
 * iteration is computed entirely by one thread, so results do not depend on scheduling.
 */
public final class ParallelLoop implements AutoCloseable {

    /** A contiguous range of iterations {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private final int threads;
    private final ForkJoinPool workers;

    public ParallelLoop(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : new ForkJoinPool(threads - 1);
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task.accept(i)} for every i in [0, count) and returns when all have finished. */
    public void forEach(int count, IntConsumer task) {
        if (count <= 0) {
            return;
        }
        if (workers == null || count == 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        // The first failure, as thrown: ForkJoinTask.join() would rethrow a worker's exception as a copy made on the
        // joining thread, so every thread records its own failure here instead of letting it escape.
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Runnable drain = () -> {
            try {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                    task.accept(i);
                }
            } catch (Throwable t) {
                firstFailure.compareAndSet(null, t);
                next.set(count); // stop handing out work
            }
        };
        int helpers = Math.min(threads, count) - 1;
        ForkJoinTask<?>[] submitted = new ForkJoinTask<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            submitted[h] = workers.submit(drain);
        }
        drain.run();
        // Always wait for the helpers: they may still be writing into the caller's buffers.
        for (ForkJoinTask<?> helper : submitted) {
            helper.join();
        }
        Throwable failure = firstFailure.get();
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /**
     * Splits [0, n) into contiguous ranges of at least {@code minPerTask} iterations (a few per thread, so a busy
     * core does not hold everyone up) and runs them in parallel.
     */
    public void forRanges(int n, int minPerTask, RangeTask body) {
        if (n <= 0) {
            return;
        }
        int tasks = Math.max(1, Math.min(threads * 4, n / Math.max(1, minPerTask)));
        if (tasks == 1) {
            body.run(0, n);
            return;
        }
        forEach(tasks, t -> body.run((int) ((long) n * t / tasks), (int) ((long) n * (t + 1) / tasks)));
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
