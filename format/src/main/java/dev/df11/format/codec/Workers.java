package dev.df11.format.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A small pool of daemon threads for the encoder and decoder. Threads start on first use and die after a few idle
 * seconds, so an encoder or decoder that is dropped without ceremony leaks nothing.
 */
final class Workers {

    private final int parallelism;
    private ThreadPoolExecutor pool;

    Workers(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        this.parallelism = parallelism;
    }

    int parallelism() {
        return parallelism;
    }

    /** An unstarted thread: a segment it may access is one that any worker thread may access. */
    private static final Thread PROBE = Thread.ofPlatform().unstarted(() -> { });

    /**
     * Whether pool threads may touch all these segments. A segment of a confined arena may only be used by its
     * owner, so work on it stays on the caller's thread.
     */
    static boolean shareable(java.lang.foreign.MemorySegment... segments) {
        for (java.lang.foreign.MemorySegment s : segments) {
            if (!s.isAccessibleBy(PROBE)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, count)} and waits for all of them. If any fail, the
     * failure of the lowest {@code i} is rethrown (so errors do not depend on scheduling).
     */
    void forEach(int count, IntConsumer task) {
        forEach(count, true, task);
    }

    /** As {@link #forEach(int, IntConsumer)}, on the caller's thread alone unless {@code mayShare}. */
    void forEach(int count, boolean mayShare, IntConsumer task) {
        if (parallelism == 1 || count <= 1 || !mayShare) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        ThreadPoolExecutor executor = executor();
        List<Future<?>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            futures.add(executor.submit(() -> task.accept(index)));
        }
        RuntimeException first = null;
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: tasks may still be writing into the caller's buffers
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException re ? re
                                : e.getCause() instanceof Error err ? rethrowError(err)
                                : new IllegalStateException(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first != null) {
            throw first;
        }
    }

    private static RuntimeException rethrowError(Error e) {
        throw e;
    }

    private synchronized ThreadPoolExecutor executor() {
        if (pool == null) {
            pool = new ThreadPoolExecutor(parallelism, parallelism, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    Thread.ofPlatform().daemon().name("df11-codec-", 0).factory());
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }
}
