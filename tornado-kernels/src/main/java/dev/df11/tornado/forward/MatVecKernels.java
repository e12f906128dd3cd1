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
 * <p>Launch: one work-group per output row ({@code rows * localSize} work-items, a power-of-two local size of at most
 * {@link ForwardKernels#MAX_LOCAL}). The group first copies the BF16 scale table into local memory. Then, for each
 * token of the batch, its work-items stride over the row (consecutive work-items read consecutive weights, so the
 * loads coalesce), and a tree reduction in local memory adds their partial sums. The token count is read on the
 * device from {@code batch[1]}, so the same compiled graph serves any batch up to the buffers' capacity; a batch
 * re-reads the row from cache rather than from DRAM.
 */
public final class MatVecKernels {

    private MatVecKernels() {
    }

    /**
     * @param weights    BF16 buffer holding the matrix
     * @param offset     element index of W[0, 0] in {@code weights}
     * @param rows       rows of W (= output width)
     * @param cols       columns of W (= input width)
     * @param x          {@code count x cols} inputs
     * @param output     {@code count x rows} outputs
     * @param accumulate 1 to add to {@code out} (a residual connection), 0 to overwrite it
     * @param batch       {@code [startPos, count]} ({@link ForwardKernels})
     * @param scales     {@link Bf16Scales#table()}
     */
    public static void matVec(KernelContext context, ShortArray weights, int offset, int rows, int cols,
            FloatArray x, FloatArray output, int accumulate, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int row = context.groupIdx;
        for (int i = lane; i < Bf16Scales.SIZE; i += size) {
            table[i] = scales.get(i);
        }
        context.localBarrier();
        int count = batch.get(1);
        int base = offset + row * cols;
        for (int b = 0; b < count; b++) {
            int xBase = b * cols;
            float sum = 0.0f;
            for (int k = lane; k < cols; k += size) {
                int bits = weights.get(base + k);
                float w = Bf16Scales.widen(bits, table[Bf16Scales.index(bits)]);
                sum += w * x.get(xBase + k);
            }
            partial[lane] = sum;
            context.localBarrier();
            for (int stride = size / 2; stride > 0; stride >>= 1) {
                if (lane < stride) {
                    partial[lane] += partial[lane + stride];
                }
                context.localBarrier();
            }
            if (lane == 0) {
                int o = b * rows + row;
                float value = partial[0];
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
            FloatArray x, FloatArray norm, float eps, FloatArray output, int lastOnly, IntArray batch,
            FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] dots = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        float[] squares = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int row = context.groupIdx;
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
            for (int k = lane; k < cols; k += size) {
                int bits = weights.get(base + k);
                float w = Bf16Scales.widen(bits, table[Bf16Scales.index(bits)]);
                float v = x.get(xBase + k);
                dot += w * (v * norm.get(k));
                sum += v * v;
            }
            dots[lane] = dot;
            squares[lane] = sum;
            context.localBarrier();
            for (int stride = size / 2; stride > 0; stride >>= 1) {
                if (lane < stride) {
                    dots[lane] += dots[lane + stride];
                    squares[lane] += squares[lane + stride];
                }
                context.localBarrier();
            }
            if (lane == 0) {
                float scale = 1.0f / TornadoMath.sqrt(squares[0] / cols + eps);
                output.set((b - first) * rows + row, dots[0] * scale);
            }
            context.localBarrier();
        }
    }
}
