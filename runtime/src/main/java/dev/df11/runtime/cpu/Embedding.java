package dev.df11.runtime.cpu;

import java.lang.foreign.MemorySegment;

/** Token embedding: widens the looked-up BF16 embedding rows to fp32 as the batch's residual stream. */
final class Embedding {

    private final int dim;

    Embedding(int dim) {
        this.dim = dim;
    }

    void load(MemorySegment bf16Rows, int count, float[] hidden) {
        if (bf16Rows.byteSize() != 2L * count * dim) {
            throw new IllegalArgumentException(count + " embedding rows of " + dim + " values need "
                    + 2L * count * dim + " bytes, got " + bf16Rows.byteSize());
        }
        Bf16Lanes.toFloats(bf16Rows, 0, hidden, 0, count * dim);
    }
}
