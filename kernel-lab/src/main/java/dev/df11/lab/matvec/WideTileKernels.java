package dev.df11.lab.matvec;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.MatVecKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Lab rung of {@link MatVecKernels#matVec} for serving's large batches: a tier of {@link #WIDE} tokens before the
 * product's tiles of {@link MatVecKernels#TILE} and its single tokens, so each quad of weights is loaded and widened
 * once per sixteen tokens instead of once per four. At batch 64 the planes kernel executes about 12 instructions per
 * product (KERNEL-NOTES, "Counters at last"); widening a quad costs about 20 of them, so amortising it over four times
 * as many tokens should remove about a third of them, and sixteen independent accumulators give the scheduler more
 * activation loads to overlap (a warp there waits on L1 more than half the time).
 *
 * <p>Same launch, work-items per row, quads per work-item, order of each token's products ({@link
 * MatVecKernels#addQuad}, quads {@code sub, sub + width, ...}) and reduction tree as the planes kernel, in loops of its
 * shape ({@link MatVecKernels#UNROLL} quads per iteration, then a tail): a token gets the planes kernel's bits in any
 * tier. Two layouts of the activations:
 * <ul>
 * <li>{@link #matVecWide}: the forward pass's, each token's row quad-major ({@link MatVecKernels#quadMajor});</li>
 * <li>{@link #matVecWideInterleaved}: token-interleaved, element {@code c} of token {@code t} at {@code
 * quadMajor(c, cols) * count + t} ({@link #toInterleaved}), so a tier's tokens read consecutive floats from one
 * address computation instead of sixteen; with one token it is the quad-major layout.</li>
 * </ul>
 * The body is written out by hand (three tiers, each with the one-row loop's unroll): TornadoVM 5.2 cannot pass local
 * arrays to helper methods (decode package javadoc), so no helper can do a quad's table lookups.
 */
public final class WideTileKernels {

    /** Tokens of the widest tier. */
    public static final int WIDE = 16;

    private WideTileKernels() {
    }

    /**
     * Host side: {@code count} natural-order rows of {@code cols} values in the token-interleaved layout of {@link
     * #matVecWideInterleaved}.
     */
    public static FloatArray toInterleaved(FloatArray rows, int cols) {
        int count = rows.getSize() / cols;
        FloatArray interleaved = new FloatArray(rows.getSize());
        for (int t = 0; t < count; t++) {
            for (int c = 0; c < cols; c++) {
                interleaved.set(MatVecKernels.quadMajor(c, cols) * count + t, rows.get(t * cols + c));
            }
        }
        return interleaved;
    }

    /** @see MatVecKernels#matVec for the parameters; {@code x} quad-major per token. */
    public static void matVecWide(KernelContext context, IntArray exponents, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(WIDE * ForwardKernels.MAX_LOCAL);
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
        int base = (offset + row * cols) / 4;
        int quads = limit / 4;
        int step = MatVecKernels.UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        int stride = cols / 4;
        int b = first;
        for (; b + WIDE <= count; b += WIDE) {
            int xBase0 = b * cols;
            int xBase1 = (b + 1) * cols;
            int xBase2 = (b + 2) * cols;
            int xBase3 = (b + 3) * cols;
            int xBase4 = (b + 4) * cols;
            int xBase5 = (b + 5) * cols;
            int xBase6 = (b + 6) * cols;
            int xBase7 = (b + 7) * cols;
            int xBase8 = (b + 8) * cols;
            int xBase9 = (b + 9) * cols;
            int xBase10 = (b + 10) * cols;
            int xBase11 = (b + 11) * cols;
            int xBase12 = (b + 12) * cols;
            int xBase13 = (b + 13) * cols;
            int xBase14 = (b + 14) * cols;
            int xBase15 = (b + 15) * cols;
            float sum0 = 0.0f;
            float sum1 = 0.0f;
            float sum2 = 0.0f;
            float sum3 = 0.0f;
            float sum4 = 0.0f;
            float sum5 = 0.0f;
            float sum6 = 0.0f;
            float sum7 = 0.0f;
            float sum8 = 0.0f;
            float sum9 = 0.0f;
            float sum10 = 0.0f;
            float sum11 = 0.0f;
            float sum12 = 0.0f;
            float sum13 = 0.0f;
            float sum14 = 0.0f;
            float sum15 = 0.0f;
            int lane1 = 1 * ForwardKernels.MAX_LOCAL + lane;
            int lane2 = 2 * ForwardKernels.MAX_LOCAL + lane;
            int lane3 = 3 * ForwardKernels.MAX_LOCAL + lane;
            int lane4 = 4 * ForwardKernels.MAX_LOCAL + lane;
            int lane5 = 5 * ForwardKernels.MAX_LOCAL + lane;
            int lane6 = 6 * ForwardKernels.MAX_LOCAL + lane;
            int lane7 = 7 * ForwardKernels.MAX_LOCAL + lane;
            int lane8 = 8 * ForwardKernels.MAX_LOCAL + lane;
            int lane9 = 9 * ForwardKernels.MAX_LOCAL + lane;
            int lane10 = 10 * ForwardKernels.MAX_LOCAL + lane;
            int lane11 = 11 * ForwardKernels.MAX_LOCAL + lane;
            int lane12 = 12 * ForwardKernels.MAX_LOCAL + lane;
            int lane13 = 13 * ForwardKernels.MAX_LOCAL + lane;
            int lane14 = 14 * ForwardKernels.MAX_LOCAL + lane;
            int lane15 = 15 * ForwardKernels.MAX_LOCAL + lane;
            for (int k = sub; k < quads; k += width) {
                int e = exponents.get(base + k);
                int s = signMantissa.get(base + k);
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                float w0 = Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]);
                float w1 = Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]);
                float w2 = Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]);
                float w3 = Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]);
                int xq = k;
                sum0 = MatVecKernels.addQuad(sum0, w0, w1, w2, w3, x, xBase0 + xq, stride);
                sum1 = MatVecKernels.addQuad(sum1, w0, w1, w2, w3, x, xBase1 + xq, stride);
                sum2 = MatVecKernels.addQuad(sum2, w0, w1, w2, w3, x, xBase2 + xq, stride);
                sum3 = MatVecKernels.addQuad(sum3, w0, w1, w2, w3, x, xBase3 + xq, stride);
                sum4 = MatVecKernels.addQuad(sum4, w0, w1, w2, w3, x, xBase4 + xq, stride);
                sum5 = MatVecKernels.addQuad(sum5, w0, w1, w2, w3, x, xBase5 + xq, stride);
                sum6 = MatVecKernels.addQuad(sum6, w0, w1, w2, w3, x, xBase6 + xq, stride);
                sum7 = MatVecKernels.addQuad(sum7, w0, w1, w2, w3, x, xBase7 + xq, stride);
                sum8 = MatVecKernels.addQuad(sum8, w0, w1, w2, w3, x, xBase8 + xq, stride);
                sum9 = MatVecKernels.addQuad(sum9, w0, w1, w2, w3, x, xBase9 + xq, stride);
                sum10 = MatVecKernels.addQuad(sum10, w0, w1, w2, w3, x, xBase10 + xq, stride);
                sum11 = MatVecKernels.addQuad(sum11, w0, w1, w2, w3, x, xBase11 + xq, stride);
                sum12 = MatVecKernels.addQuad(sum12, w0, w1, w2, w3, x, xBase12 + xq, stride);
                sum13 = MatVecKernels.addQuad(sum13, w0, w1, w2, w3, x, xBase13 + xq, stride);
                sum14 = MatVecKernels.addQuad(sum14, w0, w1, w2, w3, x, xBase14 + xq, stride);
                sum15 = MatVecKernels.addQuad(sum15, w0, w1, w2, w3, x, xBase15 + xq, stride);
            }
            partial[lane] = sum0;
            partial[lane1] = sum1;
            partial[lane2] = sum2;
            partial[lane3] = sum3;
            partial[lane4] = sum4;
            partial[lane5] = sum5;
            partial[lane6] = sum6;
            partial[lane7] = sum7;
            partial[lane8] = sum8;
            partial[lane9] = sum9;
            partial[lane10] = sum10;
            partial[lane11] = sum11;
            partial[lane12] = sum12;
            partial[lane13] = sum13;
            partial[lane14] = sum14;
            partial[lane15] = sum15;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[lane] += partial[lane + half];
                    partial[lane1] += partial[lane1 + half];
                    partial[lane2] += partial[lane2 + half];
                    partial[lane3] += partial[lane3 + half];
                    partial[lane4] += partial[lane4 + half];
                    partial[lane5] += partial[lane5 + half];
                    partial[lane6] += partial[lane6 + half];
                    partial[lane7] += partial[lane7 + half];
                    partial[lane8] += partial[lane8 + half];
                    partial[lane9] += partial[lane9 + half];
                    partial[lane10] += partial[lane10 + half];
                    partial[lane11] += partial[lane11 + half];
                    partial[lane12] += partial[lane12 + half];
                    partial[lane13] += partial[lane13 + half];
                    partial[lane14] += partial[lane14 + half];
                    partial[lane15] += partial[lane15 + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value0 = partial[lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[lane1];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[lane2];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[lane3];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
                float value4 = partial[lane4];
                if (accumulate == 1) {
                    value4 = output.get(o + 4 * rows) + value4;
                }
                output.set(o + 4 * rows, value4);
                float value5 = partial[lane5];
                if (accumulate == 1) {
                    value5 = output.get(o + 5 * rows) + value5;
                }
                output.set(o + 5 * rows, value5);
                float value6 = partial[lane6];
                if (accumulate == 1) {
                    value6 = output.get(o + 6 * rows) + value6;
                }
                output.set(o + 6 * rows, value6);
                float value7 = partial[lane7];
                if (accumulate == 1) {
                    value7 = output.get(o + 7 * rows) + value7;
                }
                output.set(o + 7 * rows, value7);
                float value8 = partial[lane8];
                if (accumulate == 1) {
                    value8 = output.get(o + 8 * rows) + value8;
                }
                output.set(o + 8 * rows, value8);
                float value9 = partial[lane9];
                if (accumulate == 1) {
                    value9 = output.get(o + 9 * rows) + value9;
                }
                output.set(o + 9 * rows, value9);
                float value10 = partial[lane10];
                if (accumulate == 1) {
                    value10 = output.get(o + 10 * rows) + value10;
                }
                output.set(o + 10 * rows, value10);
                float value11 = partial[lane11];
                if (accumulate == 1) {
                    value11 = output.get(o + 11 * rows) + value11;
                }
                output.set(o + 11 * rows, value11);
                float value12 = partial[lane12];
                if (accumulate == 1) {
                    value12 = output.get(o + 12 * rows) + value12;
                }
                output.set(o + 12 * rows, value12);
                float value13 = partial[lane13];
                if (accumulate == 1) {
                    value13 = output.get(o + 13 * rows) + value13;
                }
                output.set(o + 13 * rows, value13);
                float value14 = partial[lane14];
                if (accumulate == 1) {
                    value14 = output.get(o + 14 * rows) + value14;
                }
                output.set(o + 14 * rows, value14);
                float value15 = partial[lane15];
                if (accumulate == 1) {
                    value15 = output.get(o + 15 * rows) + value15;
                }
                output.set(o + 15 * rows, value15);
            }
            context.localBarrier();
        }
        for (; b + MatVecKernels.TILE <= count; b += MatVecKernels.TILE) {
            int xBase0 = b * cols;
            int xBase1 = (b + 1) * cols;
            int xBase2 = (b + 2) * cols;
            int xBase3 = (b + 3) * cols;
            float sum0 = 0.0f;
            float sum1 = 0.0f;
            float sum2 = 0.0f;
            float sum3 = 0.0f;
            int lane1 = 1 * ForwardKernels.MAX_LOCAL + lane;
            int lane2 = 2 * ForwardKernels.MAX_LOCAL + lane;
            int lane3 = 3 * ForwardKernels.MAX_LOCAL + lane;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = exponents.get(base + k);
                int s0 = signMantissa.get(base + k);
                int a0 = e0 & 0xFF;
                int bb0 = e0 >> 8 & 0xFF;
                int c0 = e0 >> 16 & 0xFF;
                int d0 = e0 >> 24 & 0xFF;
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]);
                float w10 = Bf16Scales.widenPlanes(bb0, q0, table[Bf16Scales.planeIndex(bb0, q0)]);
                float w20 = Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]);
                float w30 = Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]);
                int xq0 = k;
                sum0 = MatVecKernels.addQuad(sum0, w00, w10, w20, w30, x, xBase0 + xq0, stride);
                sum1 = MatVecKernels.addQuad(sum1, w00, w10, w20, w30, x, xBase1 + xq0, stride);
                sum2 = MatVecKernels.addQuad(sum2, w00, w10, w20, w30, x, xBase2 + xq0, stride);
                sum3 = MatVecKernels.addQuad(sum3, w00, w10, w20, w30, x, xBase3 + xq0, stride);
                int e1 = exponents.get(base + k + width);
                int s1 = signMantissa.get(base + k + width);
                int a1 = e1 & 0xFF;
                int bb1 = e1 >> 8 & 0xFF;
                int c1 = e1 >> 16 & 0xFF;
                int d1 = e1 >> 24 & 0xFF;
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                float w01 = Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]);
                float w11 = Bf16Scales.widenPlanes(bb1, q1, table[Bf16Scales.planeIndex(bb1, q1)]);
                float w21 = Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]);
                float w31 = Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]);
                int xq1 = k + width;
                sum0 = MatVecKernels.addQuad(sum0, w01, w11, w21, w31, x, xBase0 + xq1, stride);
                sum1 = MatVecKernels.addQuad(sum1, w01, w11, w21, w31, x, xBase1 + xq1, stride);
                sum2 = MatVecKernels.addQuad(sum2, w01, w11, w21, w31, x, xBase2 + xq1, stride);
                sum3 = MatVecKernels.addQuad(sum3, w01, w11, w21, w31, x, xBase3 + xq1, stride);
                int e2 = exponents.get(base + k + 2 * width);
                int s2 = signMantissa.get(base + k + 2 * width);
                int a2 = e2 & 0xFF;
                int bb2 = e2 >> 8 & 0xFF;
                int c2 = e2 >> 16 & 0xFF;
                int d2 = e2 >> 24 & 0xFF;
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                float w02 = Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]);
                float w12 = Bf16Scales.widenPlanes(bb2, q2, table[Bf16Scales.planeIndex(bb2, q2)]);
                float w22 = Bf16Scales.widenPlanes(c2, r2, table[Bf16Scales.planeIndex(c2, r2)]);
                float w32 = Bf16Scales.widenPlanes(d2, t2, table[Bf16Scales.planeIndex(d2, t2)]);
                int xq2 = k + 2 * width;
                sum0 = MatVecKernels.addQuad(sum0, w02, w12, w22, w32, x, xBase0 + xq2, stride);
                sum1 = MatVecKernels.addQuad(sum1, w02, w12, w22, w32, x, xBase1 + xq2, stride);
                sum2 = MatVecKernels.addQuad(sum2, w02, w12, w22, w32, x, xBase2 + xq2, stride);
                sum3 = MatVecKernels.addQuad(sum3, w02, w12, w22, w32, x, xBase3 + xq2, stride);
                int e3 = exponents.get(base + k + 3 * width);
                int s3 = signMantissa.get(base + k + 3 * width);
                int a3 = e3 & 0xFF;
                int bb3 = e3 >> 8 & 0xFF;
                int c3 = e3 >> 16 & 0xFF;
                int d3 = e3 >> 24 & 0xFF;
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                float w03 = Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]);
                float w13 = Bf16Scales.widenPlanes(bb3, q3, table[Bf16Scales.planeIndex(bb3, q3)]);
                float w23 = Bf16Scales.widenPlanes(c3, r3, table[Bf16Scales.planeIndex(c3, r3)]);
                float w33 = Bf16Scales.widenPlanes(d3, t3, table[Bf16Scales.planeIndex(d3, t3)]);
                int xq3 = k + 3 * width;
                sum0 = MatVecKernels.addQuad(sum0, w03, w13, w23, w33, x, xBase0 + xq3, stride);
                sum1 = MatVecKernels.addQuad(sum1, w03, w13, w23, w33, x, xBase1 + xq3, stride);
                sum2 = MatVecKernels.addQuad(sum2, w03, w13, w23, w33, x, xBase2 + xq3, stride);
                sum3 = MatVecKernels.addQuad(sum3, w03, w13, w23, w33, x, xBase3 + xq3, stride);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = exponents.get(base + k);
                int s = signMantissa.get(base + k);
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                float w0 = Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]);
                float w1 = Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]);
                float w2 = Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]);
                float w3 = Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]);
                int xq = k;
                sum0 = MatVecKernels.addQuad(sum0, w0, w1, w2, w3, x, xBase0 + xq, stride);
                sum1 = MatVecKernels.addQuad(sum1, w0, w1, w2, w3, x, xBase1 + xq, stride);
                sum2 = MatVecKernels.addQuad(sum2, w0, w1, w2, w3, x, xBase2 + xq, stride);
                sum3 = MatVecKernels.addQuad(sum3, w0, w1, w2, w3, x, xBase3 + xq, stride);
            }
            partial[lane] = sum0;
            partial[lane1] = sum1;
            partial[lane2] = sum2;
            partial[lane3] = sum3;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[lane] += partial[lane + half];
                    partial[lane1] += partial[lane1 + half];
                    partial[lane2] += partial[lane2 + half];
                    partial[lane3] += partial[lane3 + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value0 = partial[lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[lane1];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[lane2];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[lane3];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
            }
            context.localBarrier();
        }
        for (; b < count; b++) {
            int xBase0 = b * cols;
            float sum0 = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = exponents.get(base + k);
                int s0 = signMantissa.get(base + k);
                int a0 = e0 & 0xFF;
                int bb0 = e0 >> 8 & 0xFF;
                int c0 = e0 >> 16 & 0xFF;
                int d0 = e0 >> 24 & 0xFF;
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]);
                float w10 = Bf16Scales.widenPlanes(bb0, q0, table[Bf16Scales.planeIndex(bb0, q0)]);
                float w20 = Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]);
                float w30 = Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]);
                int xq0 = k;
                sum0 = MatVecKernels.addQuad(sum0, w00, w10, w20, w30, x, xBase0 + xq0, stride);
                int e1 = exponents.get(base + k + width);
                int s1 = signMantissa.get(base + k + width);
                int a1 = e1 & 0xFF;
                int bb1 = e1 >> 8 & 0xFF;
                int c1 = e1 >> 16 & 0xFF;
                int d1 = e1 >> 24 & 0xFF;
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                float w01 = Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]);
                float w11 = Bf16Scales.widenPlanes(bb1, q1, table[Bf16Scales.planeIndex(bb1, q1)]);
                float w21 = Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]);
                float w31 = Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]);
                int xq1 = k + width;
                sum0 = MatVecKernels.addQuad(sum0, w01, w11, w21, w31, x, xBase0 + xq1, stride);
                int e2 = exponents.get(base + k + 2 * width);
                int s2 = signMantissa.get(base + k + 2 * width);
                int a2 = e2 & 0xFF;
                int bb2 = e2 >> 8 & 0xFF;
                int c2 = e2 >> 16 & 0xFF;
                int d2 = e2 >> 24 & 0xFF;
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                float w02 = Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]);
                float w12 = Bf16Scales.widenPlanes(bb2, q2, table[Bf16Scales.planeIndex(bb2, q2)]);
                float w22 = Bf16Scales.widenPlanes(c2, r2, table[Bf16Scales.planeIndex(c2, r2)]);
                float w32 = Bf16Scales.widenPlanes(d2, t2, table[Bf16Scales.planeIndex(d2, t2)]);
                int xq2 = k + 2 * width;
                sum0 = MatVecKernels.addQuad(sum0, w02, w12, w22, w32, x, xBase0 + xq2, stride);
                int e3 = exponents.get(base + k + 3 * width);
                int s3 = signMantissa.get(base + k + 3 * width);
                int a3 = e3 & 0xFF;
                int bb3 = e3 >> 8 & 0xFF;
                int c3 = e3 >> 16 & 0xFF;
                int d3 = e3 >> 24 & 0xFF;
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                float w03 = Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]);
                float w13 = Bf16Scales.widenPlanes(bb3, q3, table[Bf16Scales.planeIndex(bb3, q3)]);
                float w23 = Bf16Scales.widenPlanes(c3, r3, table[Bf16Scales.planeIndex(c3, r3)]);
                float w33 = Bf16Scales.widenPlanes(d3, t3, table[Bf16Scales.planeIndex(d3, t3)]);
                int xq3 = k + 3 * width;
                sum0 = MatVecKernels.addQuad(sum0, w03, w13, w23, w33, x, xBase0 + xq3, stride);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = exponents.get(base + k);
                int s = signMantissa.get(base + k);
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                float w0 = Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]);
                float w1 = Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]);
                float w2 = Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]);
                float w3 = Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]);
                int xq = k;
                sum0 = MatVecKernels.addQuad(sum0, w0, w1, w2, w3, x, xBase0 + xq, stride);
            }
            partial[lane] = sum0;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[lane] += partial[lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value0 = partial[lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            context.localBarrier();
        }
    }

    /** @see MatVecKernels#matVec for the parameters; {@code x} token-interleaved ({@link #toInterleaved}). */
    public static void matVecWideInterleaved(KernelContext context, IntArray exponents, IntArray signMantissa,
            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,
            int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(WIDE * ForwardKernels.MAX_LOCAL);
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
        int base = (offset + row * cols) / 4;
        int quads = limit / 4;
        int step = MatVecKernels.UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        int stride = cols / 4 * count;
        int b = first;
        for (; b + WIDE <= count; b += WIDE) {
            float sum0 = 0.0f;
            float sum1 = 0.0f;
            float sum2 = 0.0f;
            float sum3 = 0.0f;
            float sum4 = 0.0f;
            float sum5 = 0.0f;
            float sum6 = 0.0f;
            float sum7 = 0.0f;
            float sum8 = 0.0f;
            float sum9 = 0.0f;
            float sum10 = 0.0f;
            float sum11 = 0.0f;
            float sum12 = 0.0f;
            float sum13 = 0.0f;
            float sum14 = 0.0f;
            float sum15 = 0.0f;
            int lane1 = 1 * ForwardKernels.MAX_LOCAL + lane;
            int lane2 = 2 * ForwardKernels.MAX_LOCAL + lane;
            int lane3 = 3 * ForwardKernels.MAX_LOCAL + lane;
            int lane4 = 4 * ForwardKernels.MAX_LOCAL + lane;
            int lane5 = 5 * ForwardKernels.MAX_LOCAL + lane;
            int lane6 = 6 * ForwardKernels.MAX_LOCAL + lane;
            int lane7 = 7 * ForwardKernels.MAX_LOCAL + lane;
            int lane8 = 8 * ForwardKernels.MAX_LOCAL + lane;
            int lane9 = 9 * ForwardKernels.MAX_LOCAL + lane;
            int lane10 = 10 * ForwardKernels.MAX_LOCAL + lane;
            int lane11 = 11 * ForwardKernels.MAX_LOCAL + lane;
            int lane12 = 12 * ForwardKernels.MAX_LOCAL + lane;
            int lane13 = 13 * ForwardKernels.MAX_LOCAL + lane;
            int lane14 = 14 * ForwardKernels.MAX_LOCAL + lane;
            int lane15 = 15 * ForwardKernels.MAX_LOCAL + lane;
            for (int k = sub; k < quads; k += width) {
                int e = exponents.get(base + k);
                int s = signMantissa.get(base + k);
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                float w0 = Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]);
                float w1 = Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]);
                float w2 = Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]);
                float w3 = Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]);
                int xq = k;
                int xc = xq * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w0, w1, w2, w3, x, xc, stride);
                sum1 = MatVecKernels.addQuad(sum1, w0, w1, w2, w3, x, xc + 1, stride);
                sum2 = MatVecKernels.addQuad(sum2, w0, w1, w2, w3, x, xc + 2, stride);
                sum3 = MatVecKernels.addQuad(sum3, w0, w1, w2, w3, x, xc + 3, stride);
                sum4 = MatVecKernels.addQuad(sum4, w0, w1, w2, w3, x, xc + 4, stride);
                sum5 = MatVecKernels.addQuad(sum5, w0, w1, w2, w3, x, xc + 5, stride);
                sum6 = MatVecKernels.addQuad(sum6, w0, w1, w2, w3, x, xc + 6, stride);
                sum7 = MatVecKernels.addQuad(sum7, w0, w1, w2, w3, x, xc + 7, stride);
                sum8 = MatVecKernels.addQuad(sum8, w0, w1, w2, w3, x, xc + 8, stride);
                sum9 = MatVecKernels.addQuad(sum9, w0, w1, w2, w3, x, xc + 9, stride);
                sum10 = MatVecKernels.addQuad(sum10, w0, w1, w2, w3, x, xc + 10, stride);
                sum11 = MatVecKernels.addQuad(sum11, w0, w1, w2, w3, x, xc + 11, stride);
                sum12 = MatVecKernels.addQuad(sum12, w0, w1, w2, w3, x, xc + 12, stride);
                sum13 = MatVecKernels.addQuad(sum13, w0, w1, w2, w3, x, xc + 13, stride);
                sum14 = MatVecKernels.addQuad(sum14, w0, w1, w2, w3, x, xc + 14, stride);
                sum15 = MatVecKernels.addQuad(sum15, w0, w1, w2, w3, x, xc + 15, stride);
            }
            partial[lane] = sum0;
            partial[lane1] = sum1;
            partial[lane2] = sum2;
            partial[lane3] = sum3;
            partial[lane4] = sum4;
            partial[lane5] = sum5;
            partial[lane6] = sum6;
            partial[lane7] = sum7;
            partial[lane8] = sum8;
            partial[lane9] = sum9;
            partial[lane10] = sum10;
            partial[lane11] = sum11;
            partial[lane12] = sum12;
            partial[lane13] = sum13;
            partial[lane14] = sum14;
            partial[lane15] = sum15;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[lane] += partial[lane + half];
                    partial[lane1] += partial[lane1 + half];
                    partial[lane2] += partial[lane2 + half];
                    partial[lane3] += partial[lane3 + half];
                    partial[lane4] += partial[lane4 + half];
                    partial[lane5] += partial[lane5 + half];
                    partial[lane6] += partial[lane6 + half];
                    partial[lane7] += partial[lane7 + half];
                    partial[lane8] += partial[lane8 + half];
                    partial[lane9] += partial[lane9 + half];
                    partial[lane10] += partial[lane10 + half];
                    partial[lane11] += partial[lane11 + half];
                    partial[lane12] += partial[lane12 + half];
                    partial[lane13] += partial[lane13 + half];
                    partial[lane14] += partial[lane14 + half];
                    partial[lane15] += partial[lane15 + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value0 = partial[lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[lane1];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[lane2];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[lane3];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
                float value4 = partial[lane4];
                if (accumulate == 1) {
                    value4 = output.get(o + 4 * rows) + value4;
                }
                output.set(o + 4 * rows, value4);
                float value5 = partial[lane5];
                if (accumulate == 1) {
                    value5 = output.get(o + 5 * rows) + value5;
                }
                output.set(o + 5 * rows, value5);
                float value6 = partial[lane6];
                if (accumulate == 1) {
                    value6 = output.get(o + 6 * rows) + value6;
                }
                output.set(o + 6 * rows, value6);
                float value7 = partial[lane7];
                if (accumulate == 1) {
                    value7 = output.get(o + 7 * rows) + value7;
                }
                output.set(o + 7 * rows, value7);
                float value8 = partial[lane8];
                if (accumulate == 1) {
                    value8 = output.get(o + 8 * rows) + value8;
                }
                output.set(o + 8 * rows, value8);
                float value9 = partial[lane9];
                if (accumulate == 1) {
                    value9 = output.get(o + 9 * rows) + value9;
                }
                output.set(o + 9 * rows, value9);
                float value10 = partial[lane10];
                if (accumulate == 1) {
                    value10 = output.get(o + 10 * rows) + value10;
                }
                output.set(o + 10 * rows, value10);
                float value11 = partial[lane11];
                if (accumulate == 1) {
                    value11 = output.get(o + 11 * rows) + value11;
                }
                output.set(o + 11 * rows, value11);
                float value12 = partial[lane12];
                if (accumulate == 1) {
                    value12 = output.get(o + 12 * rows) + value12;
                }
                output.set(o + 12 * rows, value12);
                float value13 = partial[lane13];
                if (accumulate == 1) {
                    value13 = output.get(o + 13 * rows) + value13;
                }
                output.set(o + 13 * rows, value13);
                float value14 = partial[lane14];
                if (accumulate == 1) {
                    value14 = output.get(o + 14 * rows) + value14;
                }
                output.set(o + 14 * rows, value14);
                float value15 = partial[lane15];
                if (accumulate == 1) {
                    value15 = output.get(o + 15 * rows) + value15;
                }
                output.set(o + 15 * rows, value15);
            }
            context.localBarrier();
        }
        for (; b + MatVecKernels.TILE <= count; b += MatVecKernels.TILE) {
            float sum0 = 0.0f;
            float sum1 = 0.0f;
            float sum2 = 0.0f;
            float sum3 = 0.0f;
            int lane1 = 1 * ForwardKernels.MAX_LOCAL + lane;
            int lane2 = 2 * ForwardKernels.MAX_LOCAL + lane;
            int lane3 = 3 * ForwardKernels.MAX_LOCAL + lane;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = exponents.get(base + k);
                int s0 = signMantissa.get(base + k);
                int a0 = e0 & 0xFF;
                int bb0 = e0 >> 8 & 0xFF;
                int c0 = e0 >> 16 & 0xFF;
                int d0 = e0 >> 24 & 0xFF;
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]);
                float w10 = Bf16Scales.widenPlanes(bb0, q0, table[Bf16Scales.planeIndex(bb0, q0)]);
                float w20 = Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]);
                float w30 = Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]);
                int xq0 = k;
                int xc0 = xq0 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w00, w10, w20, w30, x, xc0, stride);
                sum1 = MatVecKernels.addQuad(sum1, w00, w10, w20, w30, x, xc0 + 1, stride);
                sum2 = MatVecKernels.addQuad(sum2, w00, w10, w20, w30, x, xc0 + 2, stride);
                sum3 = MatVecKernels.addQuad(sum3, w00, w10, w20, w30, x, xc0 + 3, stride);
                int e1 = exponents.get(base + k + width);
                int s1 = signMantissa.get(base + k + width);
                int a1 = e1 & 0xFF;
                int bb1 = e1 >> 8 & 0xFF;
                int c1 = e1 >> 16 & 0xFF;
                int d1 = e1 >> 24 & 0xFF;
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                float w01 = Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]);
                float w11 = Bf16Scales.widenPlanes(bb1, q1, table[Bf16Scales.planeIndex(bb1, q1)]);
                float w21 = Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]);
                float w31 = Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]);
                int xq1 = k + width;
                int xc1 = xq1 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w01, w11, w21, w31, x, xc1, stride);
                sum1 = MatVecKernels.addQuad(sum1, w01, w11, w21, w31, x, xc1 + 1, stride);
                sum2 = MatVecKernels.addQuad(sum2, w01, w11, w21, w31, x, xc1 + 2, stride);
                sum3 = MatVecKernels.addQuad(sum3, w01, w11, w21, w31, x, xc1 + 3, stride);
                int e2 = exponents.get(base + k + 2 * width);
                int s2 = signMantissa.get(base + k + 2 * width);
                int a2 = e2 & 0xFF;
                int bb2 = e2 >> 8 & 0xFF;
                int c2 = e2 >> 16 & 0xFF;
                int d2 = e2 >> 24 & 0xFF;
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                float w02 = Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]);
                float w12 = Bf16Scales.widenPlanes(bb2, q2, table[Bf16Scales.planeIndex(bb2, q2)]);
                float w22 = Bf16Scales.widenPlanes(c2, r2, table[Bf16Scales.planeIndex(c2, r2)]);
                float w32 = Bf16Scales.widenPlanes(d2, t2, table[Bf16Scales.planeIndex(d2, t2)]);
                int xq2 = k + 2 * width;
                int xc2 = xq2 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w02, w12, w22, w32, x, xc2, stride);
                sum1 = MatVecKernels.addQuad(sum1, w02, w12, w22, w32, x, xc2 + 1, stride);
                sum2 = MatVecKernels.addQuad(sum2, w02, w12, w22, w32, x, xc2 + 2, stride);
                sum3 = MatVecKernels.addQuad(sum3, w02, w12, w22, w32, x, xc2 + 3, stride);
                int e3 = exponents.get(base + k + 3 * width);
                int s3 = signMantissa.get(base + k + 3 * width);
                int a3 = e3 & 0xFF;
                int bb3 = e3 >> 8 & 0xFF;
                int c3 = e3 >> 16 & 0xFF;
                int d3 = e3 >> 24 & 0xFF;
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                float w03 = Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]);
                float w13 = Bf16Scales.widenPlanes(bb3, q3, table[Bf16Scales.planeIndex(bb3, q3)]);
                float w23 = Bf16Scales.widenPlanes(c3, r3, table[Bf16Scales.planeIndex(c3, r3)]);
                float w33 = Bf16Scales.widenPlanes(d3, t3, table[Bf16Scales.planeIndex(d3, t3)]);
                int xq3 = k + 3 * width;
                int xc3 = xq3 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w03, w13, w23, w33, x, xc3, stride);
                sum1 = MatVecKernels.addQuad(sum1, w03, w13, w23, w33, x, xc3 + 1, stride);
                sum2 = MatVecKernels.addQuad(sum2, w03, w13, w23, w33, x, xc3 + 2, stride);
                sum3 = MatVecKernels.addQuad(sum3, w03, w13, w23, w33, x, xc3 + 3, stride);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = exponents.get(base + k);
                int s = signMantissa.get(base + k);
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                float w0 = Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]);
                float w1 = Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]);
                float w2 = Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]);
                float w3 = Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]);
                int xq = k;
                int xc = xq * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w0, w1, w2, w3, x, xc, stride);
                sum1 = MatVecKernels.addQuad(sum1, w0, w1, w2, w3, x, xc + 1, stride);
                sum2 = MatVecKernels.addQuad(sum2, w0, w1, w2, w3, x, xc + 2, stride);
                sum3 = MatVecKernels.addQuad(sum3, w0, w1, w2, w3, x, xc + 3, stride);
            }
            partial[lane] = sum0;
            partial[lane1] = sum1;
            partial[lane2] = sum2;
            partial[lane3] = sum3;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[lane] += partial[lane + half];
                    partial[lane1] += partial[lane1 + half];
                    partial[lane2] += partial[lane2 + half];
                    partial[lane3] += partial[lane3 + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value0 = partial[lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[lane1];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[lane2];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[lane3];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
            }
            context.localBarrier();
        }
        for (; b < count; b++) {
            float sum0 = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = exponents.get(base + k);
                int s0 = signMantissa.get(base + k);
                int a0 = e0 & 0xFF;
                int bb0 = e0 >> 8 & 0xFF;
                int c0 = e0 >> 16 & 0xFF;
                int d0 = e0 >> 24 & 0xFF;
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]);
                float w10 = Bf16Scales.widenPlanes(bb0, q0, table[Bf16Scales.planeIndex(bb0, q0)]);
                float w20 = Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]);
                float w30 = Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]);
                int xq0 = k;
                int xc0 = xq0 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w00, w10, w20, w30, x, xc0, stride);
                int e1 = exponents.get(base + k + width);
                int s1 = signMantissa.get(base + k + width);
                int a1 = e1 & 0xFF;
                int bb1 = e1 >> 8 & 0xFF;
                int c1 = e1 >> 16 & 0xFF;
                int d1 = e1 >> 24 & 0xFF;
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                float w01 = Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]);
                float w11 = Bf16Scales.widenPlanes(bb1, q1, table[Bf16Scales.planeIndex(bb1, q1)]);
                float w21 = Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]);
                float w31 = Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]);
                int xq1 = k + width;
                int xc1 = xq1 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w01, w11, w21, w31, x, xc1, stride);
                int e2 = exponents.get(base + k + 2 * width);
                int s2 = signMantissa.get(base + k + 2 * width);
                int a2 = e2 & 0xFF;
                int bb2 = e2 >> 8 & 0xFF;
                int c2 = e2 >> 16 & 0xFF;
                int d2 = e2 >> 24 & 0xFF;
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                float w02 = Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]);
                float w12 = Bf16Scales.widenPlanes(bb2, q2, table[Bf16Scales.planeIndex(bb2, q2)]);
                float w22 = Bf16Scales.widenPlanes(c2, r2, table[Bf16Scales.planeIndex(c2, r2)]);
                float w32 = Bf16Scales.widenPlanes(d2, t2, table[Bf16Scales.planeIndex(d2, t2)]);
                int xq2 = k + 2 * width;
                int xc2 = xq2 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w02, w12, w22, w32, x, xc2, stride);
                int e3 = exponents.get(base + k + 3 * width);
                int s3 = signMantissa.get(base + k + 3 * width);
                int a3 = e3 & 0xFF;
                int bb3 = e3 >> 8 & 0xFF;
                int c3 = e3 >> 16 & 0xFF;
                int d3 = e3 >> 24 & 0xFF;
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                float w03 = Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]);
                float w13 = Bf16Scales.widenPlanes(bb3, q3, table[Bf16Scales.planeIndex(bb3, q3)]);
                float w23 = Bf16Scales.widenPlanes(c3, r3, table[Bf16Scales.planeIndex(c3, r3)]);
                float w33 = Bf16Scales.widenPlanes(d3, t3, table[Bf16Scales.planeIndex(d3, t3)]);
                int xq3 = k + 3 * width;
                int xc3 = xq3 * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w03, w13, w23, w33, x, xc3, stride);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = exponents.get(base + k);
                int s = signMantissa.get(base + k);
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                float w0 = Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]);
                float w1 = Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]);
                float w2 = Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]);
                float w3 = Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]);
                int xq = k;
                int xc = xq * count + b;
                sum0 = MatVecKernels.addQuad(sum0, w0, w1, w2, w3, x, xc, stride);
            }
            partial[lane] = sum0;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[lane] += partial[lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value0 = partial[lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            context.localBarrier();
        }
    }
}
