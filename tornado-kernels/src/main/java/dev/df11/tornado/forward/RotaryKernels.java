package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Rotary position embedding in the Hugging Face "rotate half" convention: in a head of size d, elements i and
 * i + d/2 form a pair rotated by the angle of position p and frequency i. The cosines and sines come from tables the
 * host computed once ({@link RotaryTables}, Llama 3.1 scaling included), so the device does no transcendental math.
 *
 * <p>Launch: one work-item per rotated pair of the largest batch ({@code maxBatch * heads * headDim / 2}, rounded up to the
 * local size); work-items beyond the current batch do nothing.
 */
public final class RotaryKernels {

    private RotaryKernels() {
    }

    /**
     * Rotates the first {@code heads} heads of each token of the batch in {@code vec}, token b at position
     * {@code batch[0] + b}, its heads starting at {@code b * tokenStride}. With the fused q|k|v layout, the query heads
     * and the key heads are consecutive, so one launch rotates both.
     *
     * @param cosines {@code context x headDim/2} cosines, row p for position p
     * @param sines the sines, same layout
     */
    public static void rotateHalves(KernelContext context, FloatArray vec, int heads, int headDim, int tokenStride,
            FloatArray cosines, FloatArray sines, IntArray batch) {
        int id = context.globalIdx;
        int half = headDim / 2;
        int perToken = heads * half;
        if (id < batch.get(ForwardKernels.COUNT) * perToken) {
            int token = id / perToken;
            int rest = id - token * perToken;
            int head = rest / half;
            int i = rest - head * half;
            int table = (batch.get(ForwardKernels.START) + token) * half + i;
            float c = cosines.get(table);
            float s = sines.get(table);
            int base = token * tokenStride + head * headDim;
            float x1 = vec.get(base + i);
            float x2 = vec.get(base + half + i);
            vec.set(base + i, x1 * c - x2 * s);
            vec.set(base + half + i, x2 * c + x1 * s);
        }
    }
}
