package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Root-mean-square norm {@code y = x * (1 / sqrt(mean(x^2) + eps)) * weight} over rows of {@code length} values, with
 * the sum of squares reduced in local memory. The same kernel normalises whole hidden states (one row per token) and,
 * for Qwen3, each query or key head (one row per head). In place is allowed: each work-item reads an element before
 * it writes it, and only after the reduction.
 *
 * <p>Launch: one work-group per row of the largest batch ({@code maxRows * localSize} work-items, power-of-two local
 * size of at most {@link #MAX_LOCAL}); groups beyond the current batch do nothing.
 */
public final class NormKernels {

    /**
     * Largest work-group: a 4,096-value row is one group's work at batch 1, so a wider group than the other kernels'
     * ({@link ForwardKernels#MAX_LOCAL}) shortens each work-item's chain of loads (a device's own limit still holds:
     * 1,024 on NVIDIA).
     */
    public static final int MAX_LOCAL = 1024;

    private NormKernels() {
    }

    /**
     * Normalises the batch's {@code count * rowsPerToken} rows of {@code input} into the same places of
     * {@code output}: row r of token b starts at {@code b * tokenStride + r * width}.
     *
     * @param weight       {@code rowsPerToken * width} fp32 weights, row r normalised with {@code weight[r * width ..]}
     *                     (per-head norms repeat the head's weights once per head)
     * @param rowsPerToken rows of each token (1 for hidden states, the query plus key heads for per-head norms)
     * @param tokenStride  floats from one token's first row to the next token's
     * @param batch         {@code [startPos, count]} ({@link ForwardKernels})
     */
    public static void rmsNorm(KernelContext context, FloatArray input, FloatArray output, FloatArray weight, int width,
            int rowsPerToken, int tokenStride, float eps, IntArray batch) {
        int group = context.groupIdx;
        int token = group / rowsPerToken;
        int row = group - token * rowsPerToken;
        int base = token * tokenStride + row * width;
        // Groups past the batch normalise an empty row but still meet every barrier (see normalizeRow).
        int active = 0;
        if (group < batch.get(ForwardKernels.COUNT) * rowsPerToken) {
            active = width;
        }
        normalizeRow(context, input, base, output, base, weight, row * width, width, active, eps, 1, 4);
    }

    /**
     * {@link #rmsNorm} of the batch's hidden states (one row of {@code width} values per token, packed) into
     * {@code output} with each row stored quad-major ({@link MatVecKernels#quadMajor}; {@code width} a multiple of 4):
     * the input of a matrix-vector product. The same values as {@link #rmsNorm}, bit for bit, in other places.
     */
    public static void rmsNormQuadMajor(KernelContext context, FloatArray input, FloatArray output, FloatArray weight,
            int width, float eps, IntArray batch) {
        int group = context.groupIdx;
        int base = group * width;
        int active = 0;
        if (group < batch.get(ForwardKernels.COUNT)) {
            active = width;
        }
        normalizeRow(context, input, base, output, base, weight, 0, width, active, eps, width / 4, 1);
    }

    /**
     * {@link #rmsNormQuadMajor} of the rows {@code select} names ({@code [_, n, row 0, ..., row n-1]},
     * {@link Activations#outputRows}) of {@code input} into rows 0..n-1 of {@code output}: the final norm of the rows
     * whose logits a step returns, gathered and normalised in one launch (no in-place pass over a permuted row).
     * Launch: one group per entry {@code select} can hold.
     */
    public static void rmsNormRowsQuadMajor(KernelContext context, FloatArray input, FloatArray output,
            FloatArray weight, int width, float eps, IntArray select) {
        int group = context.groupIdx;
        int active = 0;
        if (group < select.get(ForwardKernels.COUNT)) {
            active = width;
        }
        // In bounds for every group (select holds one entry per group); unused past n.
        int inBase = select.get(ForwardKernels.ROWS + group) * width;
        normalizeRow(context, input, inBase, output, group * width, weight, 0, width, active, eps, width / 4, 1);
    }

    /**
     * Normalises the row at {@code inBase} into {@code outBase}, touching only its first {@code active} values (0 or
     * {@code width}). Every work-item of the group reaches every barrier whatever {@code active} is: barriers inside
     * a condition, even a uniform one, crash PoCL's work-group compiler. Value {@code i = 4k + j} goes to
     * {@code outBase + j * laneStride + k * quadStride}: natural with {@code (1, 4)}, quad-major with
     * {@code (width / 4, 1)} (strides rather than a branch: values assigned in branches are what TornadoVM 5.2
     * miscompiles).
     */
    private static void normalizeRow(KernelContext context, FloatArray input, int inBase, FloatArray output,
            int outBase, FloatArray weight, int weightBase, int width, int active, float eps, int laneStride,
            int quadStride) {
        float[] partial = context.allocateFloatLocalArray(MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        float sum = 0.0f;
        for (int i = lane; i < active; i += size) {
            float v = input.get(inBase + i);
            sum += v * v;
        }
        partial[lane] = sum;
        context.localBarrier();
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                partial[lane] += partial[lane + stride];
            }
            context.localBarrier();
        }
        float meanSquare = partial[0] / width;
        float scale = 1.0f / TornadoMath.sqrt(meanSquare + eps);
        for (int i = lane; i < active; i += size) {
            output.set(outBase + (i & 3) * laneStride + (i >> 2) * quadStride,
                    input.get(inBase + i) * scale * weight.get(weightBase + i));
        }
    }
}
