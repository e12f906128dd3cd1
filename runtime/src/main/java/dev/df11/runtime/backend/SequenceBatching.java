package dev.df11.runtime.backend;

import java.lang.foreign.MemorySegment;

/**
 * A backend that can run one forward step over rows of several sequences at once (continuous batching, as
 * {@code df11 serve} does): each sequence has its own KV cache ({@link SequenceCache}) and its own positions, and the
 * weights of each layer are made available once per step for all rows. Only backends that offer it batch
 * sequences; the others serve one sequence at a time through the plain {@link Backend} calls.
 *
 * <p>Contract: a row's results (the keys and values it stores, its logits) are bit-for-bit the same whatever
 * other rows share the step ("batch invariance"), so a request's greedy tokens do not depend on the load.
 */
public interface SequenceBatching {

    /** Most rows one {@link #forwardRows} call takes (the {@code maxBatch} given to {@link Backend#load}). */
    int maxRows();

    /**
     * Called before {@link Backend#load} by a caller that will run up to {@code sequences} sequences at once (the
     * server's {@code --max-batch}). A backend whose KV storage is a fixed number of sequence slots allocated at load
     * (the TornadoVM backend: one region of device memory per layer) sizes it for that many, or fewer where they do
     * not fit its memory ({@link #maxSequences()} says how many it got); a backend that makes caches on demand
     * ignores it.
     */
    default void reserveSequences(int sequences) {
    }

    /**
     * Sequences whose caches can exist at once: the slot count of a backend with fixed KV slots (known after
     * {@link Backend#load}), {@link Integer#MAX_VALUE} for one that makes caches on demand (only the caller's memory
     * budget limits those). {@link #newSequenceCache} refuses more.
     */
    default int maxSequences() {
        return Integer.MAX_VALUE;
    }

    /** Bytes a cache for {@code positions} positions takes (to plan a memory budget before creating any). */
    long sequenceCacheBytes(int positions);

    /**
     * A new, empty KV cache for one sequence of up to {@code positions} tokens (at most the loaded context). The caller
     * {@link SequenceCache#release() releases} it when the sequence ends, which frees a fixed slot for the next one.
     *
     * @throws IllegalStateException when {@link #maxSequences()} caches are in use already
     */
    SequenceCache newSequenceCache(int positions);

    /**
     * One forward step over {@code count} rows: row {@code i} is the token whose embedding row is row {@code i} of
     * {@code bf16Rows}, at position {@code positions[i]} of the sequence owning {@code caches[i]}; its key and value
     * join that cache. Rows of one sequence must be consecutive and in position order, and every earlier position
     * of each cache must already be filled. For each {@code j}, the logits after row {@code logitRows[j]} are
     * written into {@code logits[j]} (vocabulary size floats).
     */
    void forwardRows(MemorySegment bf16Rows, int count, SequenceCache[] caches, int[] positions, int[] logitRows,
                     float[][] logits);
}
