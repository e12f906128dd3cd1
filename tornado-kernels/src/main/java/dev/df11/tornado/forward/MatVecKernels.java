package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * {@code out = W x} for a BF16 weight matrix W ({@code rows x cols}, row-major, starting at element {@code offset}
 * of a BF16 buffer) and a batch of fp32 activation rows x ({@code count x cols}, packed), accumulating in fp32.
 *
 * <p>Launch: {@code ceil(rows / rowsPerGroup)} work-groups of a power-of-two local size of at most
 * {@link ForwardKernels#MAX_LOCAL}, which {@code rowsPerGroup} (a power of two) divides: each group serves
 * {@code rowsPerGroup} consecutive rows, each row by {@code localSize / rowsPerGroup} work-items (with 128 work-items
 * and 4 rows, one 32-wide warp per row). The group first copies the BF16 scale table into local memory. Then, for
 * each token of the batch, a row's work-items stride over it (consecutive work-items read consecutive weights, so the
 * loads coalesce), and a tree reduction in local memory adds their partial sums. The token count is read on the device
 * from {@code batch[1]}, so the same compiled graph serves any batch up to the buffers' capacity; a batch re-reads the
 * rows from cache rather than from DRAM. Rows past the matrix (in the last group) run empty loops but meet every
 * barrier.
 */
public final class MatVecKernels {

    private MatVecKernels() {
    }

    /**
     * @param weights      BF16 buffer holding the matrix
     * @param offset       element index of W[0, 0] in {@code weights}
     * @param rows         rows of W (= output width)
     * @param cols         columns of W (= input width)
     * @param x            {@code count x cols} inputs
     * @param output       {@code count x rows} outputs
     * @param accumulate   1 to add to {@code output} (a residual connection), 0 to overwrite it
     * @param rowsPerGroup rows each work-group serves
     * @param batch        {@code [startPos, count]} ({@link ForwardKernels})
     * @param scales       {@link Bf16Scales#table()}
     */
    public static void matVec(KernelContext context, ShortArray weights, int offset, int rows, int cols,
            FloatArray x, FloatArray output, int accumulate, int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int width = size / rowsPerGroup;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row = context.groupIdx * rowsPerGroup + slot;
        int limit = 0;
        if (row < rows) {
            limit = cols;
        }
        for (int i = lane; i < Bf16Scales.SIZE; i += size) {
            table[i] = scales.get(i);
        }
        context.localBarrier();
        int count = batch.get(ForwardKernels.COUNT);
        int base = offset + row * cols;
        for (int b = 0; b < count; b++) {
            int xBase = b * cols;
            float sum = 0.0f;
            for (int k = sub; k < limit; k += width) {
                int bits = weights.get(base + k);
                float w = Bf16Scales.widen(bits, table[Bf16Scales.index(bits)]);
                sum += w * x.get(xBase + k);
            }
            partial[lane] = sum;
            context.localBarrier();
            for (int stride = width / 2; stride > 0; stride >>= 1) {
                if (sub < stride) {
                    partial[lane] += partial[lane + stride];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = b * rows + row;
                float value = partial[lane];
                if (accumulate == 1) {
                    value = output.get(o) + value;
                }
                output.set(o, value);
            }
            context.localBarrier();
        }
    }

    /**
     * RMSNorm fused into the product that follows it: {@code out = W (x * rsqrt(mean(x^2) + eps) * norm)}, computed as
     * {@code (W (x * norm)) * rsqrt(mean(x^2) + eps)}. Each work-group sums {@code x^2} while it streams its row anyway
     * (the activations are read for the dot product already), so the norm costs no launch and no buffer. Same launch
     * as {@link #matVec}.
     *
     * @param norm     the norm's {@code cols} fp32 weights
     * @param lastOnly 1 to run only the batch's last token, writing output row 0 (the output projection); 0 for all
     */
    public static void normMatVec(KernelContext context, ShortArray weights, int offset, int rows, int cols,
            FloatArray x, FloatArray norm, float eps, FloatArray output, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] dots = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        float[] squares = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int width = size / rowsPerGroup;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row = context.groupIdx * rowsPerGroup + slot;
        int limit = 0;
        if (row < rows) {
            limit = cols;
        }
        for (int i = lane; i < Bf16Scales.SIZE; i += size) {
            table[i] = scales.get(i);
        }
        context.localBarrier();
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        int base = offset + row * cols;
        for (int b = first; b < count; b++) {
            int xBase = b * cols;
            float dot = 0.0f;
            float sum = 0.0f;
            for (int k = sub; k < limit; k += width) {
                int bits = weights.get(base + k);
                float w = Bf16Scales.widen(bits, table[Bf16Scales.index(bits)]);
                float v = x.get(xBase + k);
                dot += w * (v * norm.get(k));
                sum += v * v;
            }
            dots[lane] = dot;
            squares[lane] = sum;
            context.localBarrier();
            for (int stride = width / 2; stride > 0; stride >>= 1) {
                if (sub < stride) {
                    dots[lane] += dots[lane + stride];
                    squares[lane] += squares[lane + stride];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                float scale = 1.0f / TornadoMath.sqrt(squares[lane] / cols + eps);
                output.set((b - first) * rows + row, dots[lane] * scale);
            }
            context.localBarrier();
        }
    }
}
