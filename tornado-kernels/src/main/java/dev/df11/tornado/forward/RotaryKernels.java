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
    /**
     * {@link #rotateAndCache} for heads of which only the first {@code rotaryDim} values rotate (Phi-3's
     * {@code partial_rotary_factor}): value i pairs with value {@code i + rotaryDim / 2} for {@code i < rotaryDim / 2},
     * as transformers' rotate_half on the rotary part, with the tables' {@code rotaryDim / 2} angles per position;
     * the other values pass unchanged (and, for key heads, to the cache as they are).
     *
     * <p>Launch: one work-item per pair slot, {@code maxBatch * (heads + kvHeads) * headDim / 2} (rounded up to the
     * local size). Slot j of a head below {@code rotaryDim / 2} rotates a pair; a slot above it copies the two
     * pass-through values {@code rotaryDim + 2 (j - rotaryDim / 2)} and the next one to the key cache. Every slot of
     * a key head also copies values j and {@code j + headDim / 2} of its value head to the value cache.
     */
    public static void rotatePartAndCache(KernelContext context, FloatArray qkv, int heads, int kvHeads, int headDim,
            int rotaryDim, int tokenStride, FloatArray cosines, FloatArray sines, FloatArray keyCache,
            FloatArray valueCache, IntArray batch) {
        int id = context.globalIdx;
        int half = headDim / 2;
        int rotaryHalf = rotaryDim / 2;
        int perToken = (heads + kvHeads) * half;
        if (id < batch.get(ForwardKernels.COUNT) * perToken) {
            int token = id / perToken;
            int rest = id - token * perToken;
            int head = rest / half;
            int j = rest - head * half;
            int position = batch.get(ForwardKernels.START) + token;
            int base = token * tokenStride + head * headDim;
            int kvDim = kvHeads * headDim;
            int slot = position * kvDim + (head - heads) * headDim;
            // Each branch stores its own results; nothing assigned in a branch is read after it (TornadoVM 5.2).
            if (j < rotaryHalf) {
                int table = position * rotaryHalf + j;
                float c = cosines.get(table);
                float s = sines.get(table);
                float x1 = qkv.get(base + j);
                float x2 = qkv.get(base + rotaryHalf + j);
                float r1 = x1 * c - x2 * s;
                float r2 = x2 * c + x1 * s;
                qkv.set(base + j, r1);
                qkv.set(base + rotaryHalf + j, r2);
                if (head >= heads) {
                    keyCache.set(slot + j, r1);
                    keyCache.set(slot + rotaryHalf + j, r2);
                }
            } else {
                int e = rotaryDim + 2 * (j - rotaryHalf);
                if (head >= heads) {
                    keyCache.set(slot + e, qkv.get(base + e));
                    keyCache.set(slot + e + 1, qkv.get(base + e + 1));
                }
            }
            if (head >= heads) {
                int value = base + kvDim;
                valueCache.set(slot + j, qkv.get(value + j));
                valueCache.set(slot + half + j, qkv.get(value + half + j));
            }
        }
    }
}
