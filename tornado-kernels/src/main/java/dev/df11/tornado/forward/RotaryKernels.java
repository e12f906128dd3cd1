package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Rotary position embedding in the Hugging Face "rotate half" convention: in a head of size d, elements i and
 * i + d/2 form a pair rotated by the angle of position p and frequency i. The cosines and sines come from tables the
 * host computed once ({@link RotaryTables}, Llama 3.1 scaling included), so the device does no transcendental math.
 *
 * <p>Work-items beyond the current batch do nothing.
 */
public final class RotaryKernels {

    private RotaryKernels() {
    }

    /**
     * Rotates the query and key heads of the batch's fused q|k|v rows (token b's row starts at
     * {@code b * tokenStride}; its query heads and key heads are consecutive) for token b's own position (from the
     * batch array, {@link ForwardKernels}), and appends the rotated keys and the values to the KV cache
     * ({@code slots x context x kvDim}, cache row = token b's slot's first row + its position) in the same pass: the
     * work-item of a key-head pair also writes that pair of the key and of the value to the cache, which saves a
     * separate copy launch.
     *
     * <p>Launch: one work-item per rotated pair of the largest batch ({@code maxBatch * (heads + kvHeads) * headDim /
     * 2}, rounded up to the local size).
     */
    public static void rotateAndCache(KernelContext context, FloatArray qkv, int heads, int kvHeads, int headDim,
            int tokenStride, FloatArray cosines, FloatArray sines, FloatArray keyCache, FloatArray valueCache,
            IntArray batch) {
        int id = context.globalIdx;
        int half = headDim / 2;
        int perToken = (heads + kvHeads) * half;
        if (id < batch.get(ForwardKernels.COUNT) * perToken) {
            int token = id / perToken;
            int rest = id - token * perToken;
            int head = rest / half;
            int i = rest - head * half;
            int position = batch.get(ForwardKernels.ROWS + 2 * token + 1);
            int table = position * half + i;
            float c = cosines.get(table);
            float s = sines.get(table);
            int base = token * tokenStride + head * headDim;
            float x1 = qkv.get(base + i);
            float x2 = qkv.get(base + half + i);
            float r1 = x1 * c - x2 * s;
            float r2 = x2 * c + x1 * s;
            qkv.set(base + i, r1);
            qkv.set(base + half + i, r2);
            if (head >= heads) {
                int kvDim = kvHeads * headDim;
                int slot = (batch.get(ForwardKernels.ROWS + 2 * token) + position) * kvDim
                        + (head - heads) * headDim + i;
                keyCache.set(slot, r1);
                keyCache.set(slot + half, r2);
                int value = base + kvDim;
                valueCache.set(slot, qkv.get(value + i));
                valueCache.set(slot + half, qkv.get(value + half + i));
            }
        }
    }
}
