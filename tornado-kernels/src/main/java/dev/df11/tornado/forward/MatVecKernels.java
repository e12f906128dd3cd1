package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@code out = W x} for a BF16 weight matrix W ({@code rows x cols}, row-major, starting at element {@code offset} of a
 * unit held as two byte planes, {@link WeightPlanes}: exponents, and sign/mantissa bytes, four weights per int) and a
 * batch of fp32 activation rows x ({@code count x cols}, packed, each row stored quad-major: element {@code 4k + j} at
 * {@code j * cols / 4 + k}, {@link #quadMajor}), accumulating in fp32. Quad-major, the work-items of a row that read
 * consecutive weight quads read consecutive activations (work-item {@code sub}'s quad {@code k} reads {@code x[k]},
 * {@code x[k + cols / 4]}, ...), so a warp's activation loads are contiguous instead of 16 bytes apart; the products
 * and their order are those of the natural layout.
 *
 * <p>Launch: {@code ceil(rows / rowsPerGroup)} work-groups of a power-of-two local size of at most {@link
 * ForwardKernels#MAX_LOCAL}, which {@code rowsPerGroup} (a power of two) divides: each group serves {@code
 * rowsPerGroup} consecutive rows, each row by {@code localSize / rowsPerGroup} work-items. The group first copies the
 * BF16 scale table into local memory. Then, for each token of the batch, a row's work-items stride over its quads
 * (consecutive work-items read consecutive ints of both planes, four weights per pair of loads, so the loads coalesce);
 * each iteration issues {@link #UNROLL} quads' loads a stride apart before it multiplies, to keep more loads in flight,
 * and adds the products in the order of a plain strided loop, one at a time ({@link #addQuad}). {@code offset} and
 * {@code cols} must be multiples of 4 (every row starts on an int; the host checks, {@link WeightPlanes#checkAligned}).
 * A tree reduction in local memory adds the partial sums. The token count is read on the device from {@code batch[1]},
 * so the same compiled graph serves any batch up to the buffers' capacity; a batch re-reads the rows from cache rather
 * than from DRAM, and takes its tokens {@link #TILE} at a time while that many remain (one weight load and widening per
 * quad for the tile), then one at a time: every token's products are added in the one order above either way, and the
 * tile's four partial sums go through the same reduction tree, so a row of the batch gets the same bits alone or beside
 * others. Rows past the matrix (in the last group) run empty loops but meet every barrier.
 */
public final class MatVecKernels {

    /**
     * Quads (an int of each plane) each work-item loads per iteration of its row loop. The loop body repeats the same
     * four lines per quad by hand: the scale table lives in local memory, and TornadoVM 5.2 miscompiles local arrays
     * passed to helper methods (decode package javadoc), so no helper can do a quad's lookups.
     */
    public static final int UNROLL = 4;

    /**
     * Tokens a row's work-items multiply together while four or more of the batch remain: each quad of weights is
     * loaded and widened once for the tile (four accumulators), instead of once per token. Each token's products are
     * summed in the same order as in the one-token loop, so a token's result does not depend on whether it ran in a
     * tile or alone: batch invariance.
     */
    public static final int TILE = 4;

    private MatVecKernels() {
    }

    /**
     * Where element {@code c} of a quad-major activation row of {@code cols} values (a multiple of 4) is stored,
     * relative to the row's start: element {@code 4k + j} at {@code j * cols / 4 + k}. The matrix-vector inputs
     * ({@link Activations#normed}, {@link Activations#attention}, {@link Activations#mlp}) are stored so, and their
     * writers use this index.
     */
    public static int quadMajor(int c, int cols) {
        return (c & 3) * (cols / 4) + (c >> 2);
    }

    /**
     * Host side: {@code rows} (each of {@code cols} values, packed, natural order) with each row stored quad-major
     * ({@link #quadMajor}), for building a matrix-vector kernel's input.
     */
    public static FloatArray toQuadMajor(FloatArray rows, int cols) {
        FloatArray quad = new FloatArray(rows.getSize());
        for (int i = 0; i < rows.getSize(); i++) {
            int row = i / cols;
            quad.set(row * cols + quadMajor(i - row * cols, cols), rows.get(i));
        }
        return quad;
    }

    /** Host side: the inverse of {@link #toQuadMajor}, for reading a quad-major activation buffer. */
    public static FloatArray fromQuadMajor(FloatArray quad, int cols) {
        FloatArray rows = new FloatArray(quad.getSize());
        for (int i = 0; i < quad.getSize(); i++) {
            int row = i / cols;
            rows.set(i, quad.get(row * cols + quadMajor(i - row * cols, cols)));
        }
        return rows;
    }

    /**
     * {@code sum} plus one quad's products for one token, added one product at a time: {@code ((((sum + w0 x[4k]) +
     * w1 x[4k + 1]) + w2 x[4k + 2]) + w3 x[4k + 3])}, with the row stored quad-major: the quad's four activations are
     * {@code stride} ({@code cols / 4}) apart from {@code at} (the row's start + k). Every path of both matrix-vector
     * kernels adds a quad to a sum through this one expression, so a token gets the same bits in a tile or alone,
     * fused or from the planes.
     *
     * <p>Why one product at a time: TornadoVM fuses every {@code a * b + c} into a fused multiply-add (its FMA phases
     * on OpenCL and PTX), and where both operands of an addition are products it fuses whichever its graph lists
     * first, an order that follows how the graph was built, so the same expression in differently shaped loops could
     * round differently (1 ulp on PoCL, 2026-12-07). Here every addition has one product operand, so it always
     * becomes {@code fma(w, x, sum)}: one rounding per product, in this order, whatever the loop around it.
     * Kernel-safe.
     */
    public static float addQuad(float sum, float w0, float w1, float w2, float w3, FloatArray x, int at,
            int stride) {
        return sum + w0 * x.get(at) + w1 * x.get(at + stride) + w2 * x.get(at + 2 * stride)
                + w3 * x.get(at + 3 * stride);
    }

    /**
     * @param exponents    exponent plane of the unit holding the matrix
     * @param signMantissa sign/mantissa plane of that unit
     * @param offset       element index of W[0, 0] in the planes (a multiple of 4)
     * @param rows         rows of W (= output width)
     * @param cols         columns of W (= input width, a multiple of 4)
     * @param x            {@code count x cols} inputs, each row quad-major ({@link #quadMajor})
     * @param output       {@code count x rows} outputs
     * @param accumulate   1 to add to {@code output} (a residual connection), 0 to overwrite it
     * @param lastOnly     1 to multiply only the batch's last token, into output row 0 (the output projection: only
     *                     the last token's logits are needed); 0 for every token
     * @param rowsPerGroup rows each work-group serves
     * @param batch        {@code [startPos, count]} ({@link ForwardKernels})
     * @param scales       {@link Bf16Scales#table()}, or the unit's table ({@link
     *                     dev.df11.tornado.forward.weights.UnitTail#table()}: its tail values from {@code TABLE} on)
     * @param tail         the unit's tail array ({@link dev.df11.tornado.forward.weights.UnitTail#tail()}), whose
     *                     weights each row adds last ({@link TailKernels#addRowTail}); a directory of zeros for none
     * @param directory    where this product's rows' entries start in {@code tail}
     */
    public static void matVec(KernelContext context, IntArray exponents, IntArray signMantissa, int offset, int rows,
            int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup, IntArray batch,
            FloatArray scales, IntArray tail, int directory) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(TILE * ForwardKernels.MAX_LOCAL);
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
        int quarter = cols / 4;
        int step = UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        int b = first;
        for (; b + TILE <= count; b += TILE) {
            int xBase0 = b * cols;
            int xBase1 = xBase0 + cols;
            int xBase2 = xBase1 + cols;
            int xBase3 = xBase2 + cols;
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
                sum0 = addQuad(sum0, w00, w10, w20, w30, x, xBase0 + xq0, quarter);
                sum1 = addQuad(sum1, w00, w10, w20, w30, x, xBase1 + xq0, quarter);
                sum2 = addQuad(sum2, w00, w10, w20, w30, x, xBase2 + xq0, quarter);
                sum3 = addQuad(sum3, w00, w10, w20, w30, x, xBase3 + xq0, quarter);
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
                sum0 = addQuad(sum0, w01, w11, w21, w31, x, xBase0 + xq1, quarter);
                sum1 = addQuad(sum1, w01, w11, w21, w31, x, xBase1 + xq1, quarter);
                sum2 = addQuad(sum2, w01, w11, w21, w31, x, xBase2 + xq1, quarter);
                sum3 = addQuad(sum3, w01, w11, w21, w31, x, xBase3 + xq1, quarter);
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
                sum0 = addQuad(sum0, w02, w12, w22, w32, x, xBase0 + xq2, quarter);
                sum1 = addQuad(sum1, w02, w12, w22, w32, x, xBase1 + xq2, quarter);
                sum2 = addQuad(sum2, w02, w12, w22, w32, x, xBase2 + xq2, quarter);
                sum3 = addQuad(sum3, w02, w12, w22, w32, x, xBase3 + xq2, quarter);
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
                sum0 = addQuad(sum0, w03, w13, w23, w33, x, xBase0 + xq3, quarter);
                sum1 = addQuad(sum1, w03, w13, w23, w33, x, xBase1 + xq3, quarter);
                sum2 = addQuad(sum2, w03, w13, w23, w33, x, xBase2 + xq3, quarter);
                sum3 = addQuad(sum3, w03, w13, w23, w33, x, xBase3 + xq3, quarter);
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
                sum0 = addQuad(sum0, w0, w1, w2, w3, x, xBase0 + xq, quarter);
                sum1 = addQuad(sum1, w0, w1, w2, w3, x, xBase1 + xq, quarter);
                sum2 = addQuad(sum2, w0, w1, w2, w3, x, xBase2 + xq, quarter);
                sum3 = addQuad(sum3, w0, w1, w2, w3, x, xBase3 + xq, quarter);
            }
            partial[lane] = sum0;
            partial[lane1] = sum1;
            partial[lane2] = sum2;
            partial[lane3] = sum3;
            context.localBarrier();
            for (int stride = width / 2; stride > 0; stride >>= 1) {
                if (sub < stride) {
                    partial[lane] += partial[lane + stride];
                    partial[lane1] += partial[lane1 + stride];
                    partial[lane2] += partial[lane2 + stride];
                    partial[lane3] += partial[lane3 + stride];
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
            int xBase = b * cols;
            float sum = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = exponents.get(base + k);
                int s0 = signMantissa.get(base + k);
                int e1 = exponents.get(base + k + width);
                int s1 = signMantissa.get(base + k + width);
                int e2 = exponents.get(base + k + 2 * width);
                int s2 = signMantissa.get(base + k + 2 * width);
                int e3 = exponents.get(base + k + 3 * width);
                int s3 = signMantissa.get(base + k + 3 * width);
                int x0 = xBase + k;
                int x1 = xBase + k + width;
                int x2 = xBase + k + 2 * width;
                int x3 = xBase + k + 3 * width;
                int a0 = e0 & 0xFF;
                int b0 = e0 >> 8 & 0xFF;
                int c0 = e0 >> 16 & 0xFF;
                int d0 = e0 >> 24 & 0xFF;
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                sum = addQuad(sum, Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]),
                        Bf16Scales.widenPlanes(b0, q0, table[Bf16Scales.planeIndex(b0, q0)]),
                        Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]),
                        Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]), x, x0, quarter);
                int a1 = e1 & 0xFF;
                int b1 = e1 >> 8 & 0xFF;
                int c1 = e1 >> 16 & 0xFF;
                int d1 = e1 >> 24 & 0xFF;
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                sum = addQuad(sum, Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]),
                        Bf16Scales.widenPlanes(b1, q1, table[Bf16Scales.planeIndex(b1, q1)]),
                        Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]),
                        Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]), x, x1, quarter);
                int a2 = e2 & 0xFF;
                int b2 = e2 >> 8 & 0xFF;
                int c2 = e2 >> 16 & 0xFF;
                int d2 = e2 >> 24 & 0xFF;
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                sum = addQuad(sum, Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]),
                        Bf16Scales.widenPlanes(b2, q2, table[Bf16Scales.planeIndex(b2, q2)]),
                        Bf16Scales.widenPlanes(c2, r2, table[Bf16Scales.planeIndex(c2, r2)]),
                        Bf16Scales.widenPlanes(d2, t2, table[Bf16Scales.planeIndex(d2, t2)]), x, x2, quarter);
                int a3 = e3 & 0xFF;
                int b3 = e3 >> 8 & 0xFF;
                int c3 = e3 >> 16 & 0xFF;
                int d3 = e3 >> 24 & 0xFF;
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                sum = addQuad(sum, Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]),
                        Bf16Scales.widenPlanes(b3, q3, table[Bf16Scales.planeIndex(b3, q3)]),
                        Bf16Scales.widenPlanes(c3, r3, table[Bf16Scales.planeIndex(c3, r3)]),
                        Bf16Scales.widenPlanes(d3, t3, table[Bf16Scales.planeIndex(d3, t3)]), x, x3, quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = exponents.get(base + k);
                int s = signMantissa.get(base + k);
                int xk = xBase + k;
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                sum = addQuad(sum, Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]),
                        Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]),
                        Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]),
                        Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]), x, xk, quarter);
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
        if (sub == 0 && limit > 0) {
            TailKernels.addRowTail(output, x, row, rows, cols, first, count, tail, directory, scales);
        }
    }
}
