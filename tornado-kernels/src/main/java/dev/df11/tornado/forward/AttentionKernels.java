package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Causal self-attention over a key/value cache that lives on the device (filled by
 * {@link RotaryKernels#rotateAndCache}): {@link #attend} computes, for every query head of every token, the softmax of
 * its scaled dot products with the keys of its own sequence's cache slot up to its own position (all of them, or in a
 * sliding-window layer the last {@code window}, its own included, as transformers masks them) and the weighted sum
 * of the values. Query heads share key/value heads in groups (GQA): head h reads key/value head
 * {@code h / (heads / kvHeads)}.
 *
 * <p>Batch invariance: a (token, head) pair is one work-group whose arithmetic depends only on its own query, slot,
 * position and the local size, never on the other rows of the step, so a row's output is the same bits alone or
 * beside other sequences' rows.
 */
public final class AttentionKernels {

    private AttentionKernels() {
    }

    /**
     * One work-group per (token, query head) of the largest batch ({@code maxBatch * heads} groups, power-of-two local
     * size of at most {@link ForwardKernels#MAX_LOCAL}). Scores go to a global scratch row of {@code context} floats
     * per group (so any context length works); the maximum and the sum of exponentials are reduced in local memory.
     *
     * @param queries     rotated queries, token b's heads from {@code b * tokenStride}
     * @param keyCache    {@code slots x contextLength x kvDim}; token b reads the slot the batch array names
     * @param scores      scratch, {@code maxBatch * heads * contextLength} floats
     * @param output      {@code count x heads x headDim}, packed, each token's row of {@code heads * headDim} (a
     *                    multiple of 4) quad-major ({@link MatVecKernels#quadMajor}): the output projection's input
     * @param window      positions a query attends to, its own included: the layer's sliding window, or
     *                    {@code contextLength} for a layer that attends to every earlier position
     * @param scale       {@code 1 / sqrt(headDim)}, or Gemma 3's {@code 1 / sqrt(query_pre_attn_scalar)}
     * @param tokenStride floats between two tokens' queries
     */
    public static void attend(KernelContext context, FloatArray queries, FloatArray keyCache, FloatArray valueCache,
            FloatArray scores, FloatArray output, int heads, int kvHeads, int headDim, int contextLength, int window,
            float scale, int tokenStride, IntArray batch) {
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int group = context.groupIdx;
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int token = group / heads;
        int head = group - token * heads;
        // Groups past the batch skip every loop but still meet every barrier: a barrier inside a condition, even a
        // uniform one, crashes PoCL's work-group compiler at work-group sizes above 64.
        int last = -1;
        if (token < batch.get(ForwardKernels.COUNT)) {
            last = batch.get(ForwardKernels.ROWS + 2 * token + 1);
        }
        int kvDim = kvHeads * headDim;
        // The token's slot: its first cache row (groups exist for every row of the largest batch, so the read is
        // in bounds; past the batch it is unused).
        int kvOffset = batch.get(ForwardKernels.ROWS + 2 * token) * kvDim + (head / (heads / kvHeads)) * headDim;
        int query = token * tokenStride + head * headDim;
        int row = group * contextLength;
        // The first key the window keeps, computed without a branch (values assigned in branches are what TornadoVM
        // 5.2 miscompiles); 0 for full attention, whose window is the whole context, and for groups past the batch.
        int first = TornadoMath.max(0, last + 1 - window);

        float max = -3.4028235e38f;
        for (int t = first + lane; t <= last; t += size) {
            int key = t * kvDim + kvOffset;
            float dot = 0.0f;
            for (int d = 0; d < headDim; d++) {
                dot += queries.get(query + d) * keyCache.get(key + d);
            }
            float score = dot * scale;
            scores.set(row + t, score);
            max = TornadoMath.max(max, score);
        }
        partial[lane] = max;
        context.localBarrier();
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                partial[lane] = TornadoMath.max(partial[lane], partial[lane + stride]);
            }
            context.localBarrier();
        }
        float rowMax = partial[0];
        context.localBarrier();

        float sum = 0.0f;
        for (int t = first + lane; t <= last; t += size) {
            float e = TornadoMath.exp(scores.get(row + t) - rowMax);
            scores.set(row + t, e);
            sum += e;
        }
        partial[lane] = sum;
        context.localBarrier();
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                partial[lane] += partial[lane + stride];
            }
            context.localBarrier();
        }
        float inverse = 1.0f / partial[0];
        // The exponentials were written to global memory by other work-items of the group.
        context.globalBarrier();

        if (last >= 0) {
            int queryDim = heads * headDim;
            int quarter = queryDim / 4;
            int rowStart = token * queryDim;
            int column = head * headDim;
            for (int d = lane; d < headDim; d += size) {
                float acc = 0.0f;
                for (int t = first; t <= last; t++) {
                    float weight = scores.get(row + t) * inverse;
                    acc += weight * valueCache.get(t * kvDim + kvOffset + d);
                }
                int c = column + d;
                output.set(rowStart + (c & 3) * quarter + (c >> 2), acc);
            }
        }
    }
}
