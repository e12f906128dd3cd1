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

    /** Bytes a cache for {@code positions} positions takes (to plan a memory budget before creating any). */
    long sequenceCacheBytes(int positions);

    /** A new, empty KV cache for one sequence of up to {@code positions} tokens (at most the loaded context). */
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
