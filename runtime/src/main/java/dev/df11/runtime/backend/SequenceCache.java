package dev.df11.runtime.backend;

/** The KV cache of one sequence, made by {@link SequenceBatching#newSequenceCache}; released when it ends. */
public interface SequenceCache {

    /** Positions it can hold. */
    int positions();

    /** Bytes it takes. */
    long bytes();

    /**
     * Ends the cache's use: a backend with fixed KV slots makes the slot available to {@link
     * SequenceBatching#newSequenceCache} again (its stale keys and values are never read: a sequence attends only to
     * positions it wrote itself). Releasing twice does nothing; a released cache must not be passed to
     * {@link SequenceBatching#forwardRows} again. The default does nothing (the garbage collector frees the cache).
     */
    default void release() {
    }
}
