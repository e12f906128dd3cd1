package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@code out = W x} for a BF16 weight matrix W ({@code rows x cols}, row-major, starting at element {@code offset} of a
 * buffer of BF16 pairs: element {@code 2i} in the low 16 bits of int {@code i}, {@code 2i + 1} in the high bits, the
 * layout the word-writing DF11 decoder produces and {@link Bf16Words} packs on the host) and a batch of fp32 activation
 * rows x ({@code count x cols}, packed), accumulating in fp32.
 *
 * <p>Launch: {@code ceil(rows / rowsPerGroup)} work-groups of a power-of-two local size of at most
 * {@link ForwardKernels#MAX_LOCAL}, which {@code rowsPerGroup} (a power of two) divides: each group serves {@code
 * rowsPerGroup} consecutive rows, each row by {@code localSize / rowsPerGroup} work-items (with 128 work-items and 4
 * rows, one 32-wide warp per row). The group first copies the BF16 scale table into local memory. Then, for each token
 * of the batch, a row's work-items stride over its words (consecutive work-items read consecutive 4-byte words, two
 * weights per load, so the loads coalesce); each iteration issues {@link #UNROLL} loads a stride apart before it
 * multiplies, to keep more loads in flight, and adds the products in the order of a plain strided loop. {@code offset}
 * and {@code cols} must be even (every row starts on a word; the host checks, {@link Bf16Words#checkEven}). A tree
 * reduction in local memory adds their partial sums. The token count is read on the device from {@code batch[1]}, so
 * the same compiled graph serves any batch up to the buffers' capacity; a batch re-reads the rows from cache rather
 * than from DRAM. Rows past the matrix (in the last group) run empty loops but meet every barrier.
 */
public final class MatVecKernels {

    /** Words each work-item loads per iteration of its row loop. */
    public static final int UNROLL = 4;

    private MatVecKernels() {
    }

    /**
     * @param weights      BF16 pairs holding the matrix
     * @param offset       element index of W[0, 0] in {@code weights} (even)
     * @param rows         rows of W (= output width)
     * @param cols         columns of W (= input width, even)
     * @param x            {@code count x cols} inputs
     * @param output       {@code count x rows} outputs
     * @param accumulate   1 to add to {@code output} (a residual connection), 0 to overwrite it
     * @param lastOnly     1 to multiply only the batch's last token, into output row 0 (the output projection: only
     *                     the last token's logits are needed); 0 for every token
     * @param rowsPerGroup rows each work-group serves
     * @param batch        {@code [startPos, count]} ({@link ForwardKernels})
     * @param scales       {@link Bf16Scales#table()}
     */
    public static void matVec(KernelContext context, IntArray weights, int offset, int rows, int cols,
            FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup, IntArray batch,
            FloatArray scales) {
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
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        int base = (offset + row * cols) / 2;
        int words = limit / 2;
        int step = UNROLL * width;
        int remaining = words - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        for (int b = first; b < count; b++) {
            int xBase = b * cols;
            float sum = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int w0 = weights.get(base + k);
                int w1 = weights.get(base + k + width);
                int w2 = weights.get(base + k + 2 * width);
                int w3 = weights.get(base + k + 3 * width);
                int lw0 = low(w0);
                int hw0 = high(w0);
                sum += Bf16Scales.widen(lw0, table[Bf16Scales.index(lw0)]) * x.get(xBase + 2 * k)
                        + Bf16Scales.widen(hw0, table[Bf16Scales.index(hw0)]) * x.get(xBase + 2 * k + 1);
                int lw1 = low(w1);
                int hw1 = high(w1);
                sum += Bf16Scales.widen(lw1, table[Bf16Scales.index(lw1)]) * x.get(xBase + 2 * (k + width))
                        + Bf16Scales.widen(hw1, table[Bf16Scales.index(hw1)]) * x.get(xBase + 2 * (k + width) + 1);
                int lw2 = low(w2);
                int hw2 = high(w2);
                sum += Bf16Scales.widen(lw2, table[Bf16Scales.index(lw2)]) * x.get(xBase + 2 * (k + 2 * width))
                        + Bf16Scales.widen(hw2, table[Bf16Scales.index(hw2)]) * x.get(xBase + 2 * (k + 2 * width) + 1);
                int lw3 = low(w3);
                int hw3 = high(w3);
                sum += Bf16Scales.widen(lw3, table[Bf16Scales.index(lw3)]) * x.get(xBase + 2 * (k + 3 * width))
                        + Bf16Scales.widen(hw3, table[Bf16Scales.index(hw3)]) * x.get(xBase + 2 * (k + 3 * width) + 1);
            }
            for (int k = unrolled; k < words; k += width) {
                int w = weights.get(base + k);
                int lw = low(w);
                int hw = high(w);
                sum += Bf16Scales.widen(lw, table[Bf16Scales.index(lw)]) * x.get(xBase + 2 * k)
                        + Bf16Scales.widen(hw, table[Bf16Scales.index(hw)]) * x.get(xBase + 2 * k + 1);
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
                int o = (b - first) * rows + row;
                float value = partial[lane];
                if (accumulate == 1) {
                    value = output.get(o) + value;
                }
                output.set(o, value);
            }
            context.localBarrier();
        }
    }

    /** BF16 bits of the pair's first element (low half of {@code word}). Kernel-safe. */
    private static int low(int word) {
        return word & 0xFFFF;
    }

    /** BF16 bits of the pair's second element (high half of {@code word}). Kernel-safe. */
    private static int high(int word) {
        return (word >> 16) & 0xFFFF;
    }
}
