package dev.df11.runtime.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Token embedding: widens the looked-up BF16 embedding rows to fp32 as the batch's residual stream, times a scale
 * (Gemma's float32 sqrt(hidden); 1 for the other families).
 */
final class Embedding {

    private final int dim;
    private final float scale;

    Embedding(int dim, float scale) {
        this.dim = dim;
        this.scale = scale;
    }

    void load(MemorySegment bf16Rows, int count, float[] hidden) {
        if (bf16Rows.byteSize() != 2L * count * dim) {
            throw new IllegalArgumentException(count + " embedding rows of " + dim + " values need "
                    + 2L * count * dim + " bytes, got " + bf16Rows.byteSize());
        }
        Bf16Lanes.toFloats(bf16Rows, 0, hidden, 0, count * dim);
        if (scale != 1f) {
            for (int i = 0; i < count * dim; i++) {
                hidden[i] *= scale;
            }
        }
    }
}
