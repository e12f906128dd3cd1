package dev.df11.runtime.backend;

/** The KV cache of one sequence, made by {@link SequenceBatching#newSequenceCache}; dropped when it ends. */
public interface SequenceCache {

    /** Positions it can hold. */
    int positions();

    /** Bytes it takes. */
    long bytes();
}
