package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.NibbleLayout;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@code out = W x} for a DF11 matrix held in the nibble layout ({@link NibbleLayout}): each exponent a 4-bit code
 * into its unit's 15 most common exponents, the rest escaped, beside the unit's own sign/mantissa bytes. Nothing is
 * decoded ahead of the product and no decoded weight reaches global memory: a weight's code and sign pick its
 * power-of-two scale from a 32-entry table in local memory, and its value is {@code (mantissa | 0x80) * scale}, the
 * value {@link Bf16Scales#widenPlanes} gives from its true exponent. A quad with an escape (code 15) looks the
 * escaped exponents up in the unit's escape list ({@link #escaped}, rare: well under 1% of weights).
 *
 * <p>Everything else is {@link MatVecKernels#matVec}, line for line: the same launch, work-items per row, loop order,
 * token tiles and reduction tree, so the products are summed in the same order and the result equals the BF16 planes
 * path bit for bit, for every row of the batch. Weight bytes read: 1.5 a weight (a nibble and the sign/mantissa
 * byte) against 2 for the planes. Generated with the other kernel bodies' generator (the four-quad unroll repeats by
 * hand: TornadoVM 5.2 cannot pass a local array to a helper).
 */
public final class NibbleMatVecKernels {

    /** Where the code scales start in the kernel's table: after {@link Bf16Scales}' 512 entries. */
    private static final int CODE_SCALES = Bf16Scales.SIZE;

    private NibbleMatVecKernels() {
    }

    /**
     * The value of the weight at {@code element} of the unit when its {@code code} is the escape, else
     * {@code decoded}: its exponent found in the escape list of its segment, then widened as the planes kernels
     * widen it. Kernel-safe.
     */
    static float escaped(IntArray escapes, FloatArray scales, int element, int code, int signMantissa,
            float decoded) {
        float value = decoded;
        if (code == NibbleLayout.ESCAPE) {
            int segment = element >> NibbleLayout.SEGMENT_BITS;
            int from = escapes.get(segment);
            int to = escapes.get(segment + 1);
            int position = element & (NibbleLayout.SEGMENT - 1);
            int exponent = 0;
            for (int i = from; i < to; i++) {
                int entry = escapes.get(i);
                if (entry >> 8 == position) {
                    exponent = entry & 0xFF;
                }
            }
            value = Bf16Scales.widenPlanes(exponent, signMantissa,
                    scales.get(Bf16Scales.planeIndex(exponent, signMantissa)));
        }
        return value;
    }

    /**
     * @param codes        the unit's 4-bit exponent codes, eight per int, element {@code e} in bits
     *                     {@code 4 (e % 8)} up ({@link NibbleLayout})
     * @param signMantissa the unit's sign/mantissa plane
     * @param escapes      the unit's escape list: per segment of {@link NibbleLayout#SEGMENT} elements the index of
     *                     its first entry, then the entries ({@link NibbleLayout})
     * @param offset       element index of W[0, 0] in the unit (a multiple of 4)
     * @param rows         rows of W
     * @param cols         columns of W (a multiple of 4)
     * @param scales       the unit's {@link NibbleLayout#SCALES} scales: {@link Bf16Scales#table()}, then its code
     *                     scales
     * @see MatVecKernels#matVec for the other parameters
     */
    public static void matVecNibbles(KernelContext context, IntArray codes, IntArray signMantissa, IntArray escapes,
            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,
            int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(NibbleLayout.SCALES);
        float[] partial = context.allocateFloatLocalArray(MatVecKernels.TILE * ForwardKernels.MAX_LOCAL);
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
        for (int i = lane; i < NibbleLayout.SCALES; i += size) {
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
        int step = MatVecKernels.UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        int b = first;
        for (; b + MatVecKernels.TILE <= count; b += MatVecKernels.TILE) {
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
                int g0 = base + k;
                int v0 = codes.get(g0 >> 1) >> ((g0 & 1) << 4) & 0xFFFF;
                int s0 = signMantissa.get(g0);
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                float w00 = (p0 & 0x7F | 0x80) * table[CODE_SCALES + (p0 >> 3 & 0x10 | v0 & 15)];
                float w10 = (q0 & 0x7F | 0x80) * table[CODE_SCALES + (q0 >> 3 & 0x10 | v0 >> 4 & 15)];
                float w20 = (r0 & 0x7F | 0x80) * table[CODE_SCALES + (r0 >> 3 & 0x10 | v0 >> 8 & 15)];
                float w30 = (t0 & 0x7F | 0x80) * table[CODE_SCALES + (t0 >> 3 & 0x10 | v0 >> 12 & 15)];
                if ((v0 & v0 >> 1 & v0 >> 2 & v0 >> 3 & 0x1111) != 0) {
                    w00 = escaped(escapes, scales, 4 * g0, v0 & 15, p0, w00);
                    w10 = escaped(escapes, scales, 4 * g0 + 1, v0 >> 4 & 15, q0, w10);
                    w20 = escaped(escapes, scales, 4 * g0 + 2, v0 >> 8 & 15, r0, w20);
                    w30 = escaped(escapes, scales, 4 * g0 + 3, v0 >> 12 & 15, t0, w30);
                }
                sum0 = MatVecKernels.addQuad(sum0, w00, w10, w20, w30, x, xBase0 + k, quarter);
                sum1 = MatVecKernels.addQuad(sum1, w00, w10, w20, w30, x, xBase1 + k, quarter);
                sum2 = MatVecKernels.addQuad(sum2, w00, w10, w20, w30, x, xBase2 + k, quarter);
                sum3 = MatVecKernels.addQuad(sum3, w00, w10, w20, w30, x, xBase3 + k, quarter);
                int g1 = base + k + width;
                int v1 = codes.get(g1 >> 1) >> ((g1 & 1) << 4) & 0xFFFF;
                int s1 = signMantissa.get(g1);
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                float w01 = (p1 & 0x7F | 0x80) * table[CODE_SCALES + (p1 >> 3 & 0x10 | v1 & 15)];
                float w11 = (q1 & 0x7F | 0x80) * table[CODE_SCALES + (q1 >> 3 & 0x10 | v1 >> 4 & 15)];
                float w21 = (r1 & 0x7F | 0x80) * table[CODE_SCALES + (r1 >> 3 & 0x10 | v1 >> 8 & 15)];
                float w31 = (t1 & 0x7F | 0x80) * table[CODE_SCALES + (t1 >> 3 & 0x10 | v1 >> 12 & 15)];
                if ((v1 & v1 >> 1 & v1 >> 2 & v1 >> 3 & 0x1111) != 0) {
                    w01 = escaped(escapes, scales, 4 * g1, v1 & 15, p1, w01);
                    w11 = escaped(escapes, scales, 4 * g1 + 1, v1 >> 4 & 15, q1, w11);
                    w21 = escaped(escapes, scales, 4 * g1 + 2, v1 >> 8 & 15, r1, w21);
                    w31 = escaped(escapes, scales, 4 * g1 + 3, v1 >> 12 & 15, t1, w31);
                }
                sum0 = MatVecKernels.addQuad(sum0, w01, w11, w21, w31, x, xBase0 + (k + width), quarter);
                sum1 = MatVecKernels.addQuad(sum1, w01, w11, w21, w31, x, xBase1 + (k + width), quarter);
                sum2 = MatVecKernels.addQuad(sum2, w01, w11, w21, w31, x, xBase2 + (k + width), quarter);
                sum3 = MatVecKernels.addQuad(sum3, w01, w11, w21, w31, x, xBase3 + (k + width), quarter);
                int g2 = base + k + 2 * width;
                int v2 = codes.get(g2 >> 1) >> ((g2 & 1) << 4) & 0xFFFF;
                int s2 = signMantissa.get(g2);
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                float w02 = (p2 & 0x7F | 0x80) * table[CODE_SCALES + (p2 >> 3 & 0x10 | v2 & 15)];
                float w12 = (q2 & 0x7F | 0x80) * table[CODE_SCALES + (q2 >> 3 & 0x10 | v2 >> 4 & 15)];
                float w22 = (r2 & 0x7F | 0x80) * table[CODE_SCALES + (r2 >> 3 & 0x10 | v2 >> 8 & 15)];
                float w32 = (t2 & 0x7F | 0x80) * table[CODE_SCALES + (t2 >> 3 & 0x10 | v2 >> 12 & 15)];
                if ((v2 & v2 >> 1 & v2 >> 2 & v2 >> 3 & 0x1111) != 0) {
                    w02 = escaped(escapes, scales, 4 * g2, v2 & 15, p2, w02);
                    w12 = escaped(escapes, scales, 4 * g2 + 1, v2 >> 4 & 15, q2, w12);
                    w22 = escaped(escapes, scales, 4 * g2 + 2, v2 >> 8 & 15, r2, w22);
                    w32 = escaped(escapes, scales, 4 * g2 + 3, v2 >> 12 & 15, t2, w32);
                }
                sum0 = MatVecKernels.addQuad(sum0, w02, w12, w22, w32, x, xBase0 + (k + 2 * width), quarter);
                sum1 = MatVecKernels.addQuad(sum1, w02, w12, w22, w32, x, xBase1 + (k + 2 * width), quarter);
                sum2 = MatVecKernels.addQuad(sum2, w02, w12, w22, w32, x, xBase2 + (k + 2 * width), quarter);
                sum3 = MatVecKernels.addQuad(sum3, w02, w12, w22, w32, x, xBase3 + (k + 2 * width), quarter);
                int g3 = base + k + 3 * width;
                int v3 = codes.get(g3 >> 1) >> ((g3 & 1) << 4) & 0xFFFF;
                int s3 = signMantissa.get(g3);
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                float w03 = (p3 & 0x7F | 0x80) * table[CODE_SCALES + (p3 >> 3 & 0x10 | v3 & 15)];
                float w13 = (q3 & 0x7F | 0x80) * table[CODE_SCALES + (q3 >> 3 & 0x10 | v3 >> 4 & 15)];
                float w23 = (r3 & 0x7F | 0x80) * table[CODE_SCALES + (r3 >> 3 & 0x10 | v3 >> 8 & 15)];
                float w33 = (t3 & 0x7F | 0x80) * table[CODE_SCALES + (t3 >> 3 & 0x10 | v3 >> 12 & 15)];
                if ((v3 & v3 >> 1 & v3 >> 2 & v3 >> 3 & 0x1111) != 0) {
                    w03 = escaped(escapes, scales, 4 * g3, v3 & 15, p3, w03);
                    w13 = escaped(escapes, scales, 4 * g3 + 1, v3 >> 4 & 15, q3, w13);
                    w23 = escaped(escapes, scales, 4 * g3 + 2, v3 >> 8 & 15, r3, w23);
                    w33 = escaped(escapes, scales, 4 * g3 + 3, v3 >> 12 & 15, t3, w33);
                }
                sum0 = MatVecKernels.addQuad(sum0, w03, w13, w23, w33, x, xBase0 + (k + 3 * width), quarter);
                sum1 = MatVecKernels.addQuad(sum1, w03, w13, w23, w33, x, xBase1 + (k + 3 * width), quarter);
                sum2 = MatVecKernels.addQuad(sum2, w03, w13, w23, w33, x, xBase2 + (k + 3 * width), quarter);
                sum3 = MatVecKernels.addQuad(sum3, w03, w13, w23, w33, x, xBase3 + (k + 3 * width), quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int g4 = base + k;
                int v4 = codes.get(g4 >> 1) >> ((g4 & 1) << 4) & 0xFFFF;
                int s4 = signMantissa.get(g4);
                int p4 = s4 & 0xFF;
                int q4 = s4 >> 8 & 0xFF;
                int r4 = s4 >> 16 & 0xFF;
                int t4 = s4 >> 24 & 0xFF;
                float w04 = (p4 & 0x7F | 0x80) * table[CODE_SCALES + (p4 >> 3 & 0x10 | v4 & 15)];
                float w14 = (q4 & 0x7F | 0x80) * table[CODE_SCALES + (q4 >> 3 & 0x10 | v4 >> 4 & 15)];
                float w24 = (r4 & 0x7F | 0x80) * table[CODE_SCALES + (r4 >> 3 & 0x10 | v4 >> 8 & 15)];
                float w34 = (t4 & 0x7F | 0x80) * table[CODE_SCALES + (t4 >> 3 & 0x10 | v4 >> 12 & 15)];
                if ((v4 & v4 >> 1 & v4 >> 2 & v4 >> 3 & 0x1111) != 0) {
                    w04 = escaped(escapes, scales, 4 * g4, v4 & 15, p4, w04);
                    w14 = escaped(escapes, scales, 4 * g4 + 1, v4 >> 4 & 15, q4, w14);
                    w24 = escaped(escapes, scales, 4 * g4 + 2, v4 >> 8 & 15, r4, w24);
                    w34 = escaped(escapes, scales, 4 * g4 + 3, v4 >> 12 & 15, t4, w34);
                }
                sum0 = MatVecKernels.addQuad(sum0, w04, w14, w24, w34, x, xBase0 + k, quarter);
                sum1 = MatVecKernels.addQuad(sum1, w04, w14, w24, w34, x, xBase1 + k, quarter);
                sum2 = MatVecKernels.addQuad(sum2, w04, w14, w24, w34, x, xBase2 + k, quarter);
                sum3 = MatVecKernels.addQuad(sum3, w04, w14, w24, w34, x, xBase3 + k, quarter);
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
                int g0 = base + k;
                int v0 = codes.get(g0 >> 1) >> ((g0 & 1) << 4) & 0xFFFF;
                int s0 = signMantissa.get(g0);
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                float w00 = (p0 & 0x7F | 0x80) * table[CODE_SCALES + (p0 >> 3 & 0x10 | v0 & 15)];
                float w10 = (q0 & 0x7F | 0x80) * table[CODE_SCALES + (q0 >> 3 & 0x10 | v0 >> 4 & 15)];
                float w20 = (r0 & 0x7F | 0x80) * table[CODE_SCALES + (r0 >> 3 & 0x10 | v0 >> 8 & 15)];
                float w30 = (t0 & 0x7F | 0x80) * table[CODE_SCALES + (t0 >> 3 & 0x10 | v0 >> 12 & 15)];
                if ((v0 & v0 >> 1 & v0 >> 2 & v0 >> 3 & 0x1111) != 0) {
                    w00 = escaped(escapes, scales, 4 * g0, v0 & 15, p0, w00);
                    w10 = escaped(escapes, scales, 4 * g0 + 1, v0 >> 4 & 15, q0, w10);
                    w20 = escaped(escapes, scales, 4 * g0 + 2, v0 >> 8 & 15, r0, w20);
                    w30 = escaped(escapes, scales, 4 * g0 + 3, v0 >> 12 & 15, t0, w30);
                }
                int g1 = base + k + width;
                int v1 = codes.get(g1 >> 1) >> ((g1 & 1) << 4) & 0xFFFF;
                int s1 = signMantissa.get(g1);
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                float w01 = (p1 & 0x7F | 0x80) * table[CODE_SCALES + (p1 >> 3 & 0x10 | v1 & 15)];
                float w11 = (q1 & 0x7F | 0x80) * table[CODE_SCALES + (q1 >> 3 & 0x10 | v1 >> 4 & 15)];
                float w21 = (r1 & 0x7F | 0x80) * table[CODE_SCALES + (r1 >> 3 & 0x10 | v1 >> 8 & 15)];
                float w31 = (t1 & 0x7F | 0x80) * table[CODE_SCALES + (t1 >> 3 & 0x10 | v1 >> 12 & 15)];
                if ((v1 & v1 >> 1 & v1 >> 2 & v1 >> 3 & 0x1111) != 0) {
                    w01 = escaped(escapes, scales, 4 * g1, v1 & 15, p1, w01);
                    w11 = escaped(escapes, scales, 4 * g1 + 1, v1 >> 4 & 15, q1, w11);
                    w21 = escaped(escapes, scales, 4 * g1 + 2, v1 >> 8 & 15, r1, w21);
                    w31 = escaped(escapes, scales, 4 * g1 + 3, v1 >> 12 & 15, t1, w31);
                }
                int g2 = base + k + 2 * width;
                int v2 = codes.get(g2 >> 1) >> ((g2 & 1) << 4) & 0xFFFF;
                int s2 = signMantissa.get(g2);
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                float w02 = (p2 & 0x7F | 0x80) * table[CODE_SCALES + (p2 >> 3 & 0x10 | v2 & 15)];
                float w12 = (q2 & 0x7F | 0x80) * table[CODE_SCALES + (q2 >> 3 & 0x10 | v2 >> 4 & 15)];
                float w22 = (r2 & 0x7F | 0x80) * table[CODE_SCALES + (r2 >> 3 & 0x10 | v2 >> 8 & 15)];
                float w32 = (t2 & 0x7F | 0x80) * table[CODE_SCALES + (t2 >> 3 & 0x10 | v2 >> 12 & 15)];
                if ((v2 & v2 >> 1 & v2 >> 2 & v2 >> 3 & 0x1111) != 0) {
                    w02 = escaped(escapes, scales, 4 * g2, v2 & 15, p2, w02);
                    w12 = escaped(escapes, scales, 4 * g2 + 1, v2 >> 4 & 15, q2, w12);
                    w22 = escaped(escapes, scales, 4 * g2 + 2, v2 >> 8 & 15, r2, w22);
                    w32 = escaped(escapes, scales, 4 * g2 + 3, v2 >> 12 & 15, t2, w32);
                }
                int g3 = base + k + 3 * width;
                int v3 = codes.get(g3 >> 1) >> ((g3 & 1) << 4) & 0xFFFF;
                int s3 = signMantissa.get(g3);
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                float w03 = (p3 & 0x7F | 0x80) * table[CODE_SCALES + (p3 >> 3 & 0x10 | v3 & 15)];
                float w13 = (q3 & 0x7F | 0x80) * table[CODE_SCALES + (q3 >> 3 & 0x10 | v3 >> 4 & 15)];
                float w23 = (r3 & 0x7F | 0x80) * table[CODE_SCALES + (r3 >> 3 & 0x10 | v3 >> 8 & 15)];
                float w33 = (t3 & 0x7F | 0x80) * table[CODE_SCALES + (t3 >> 3 & 0x10 | v3 >> 12 & 15)];
                if ((v3 & v3 >> 1 & v3 >> 2 & v3 >> 3 & 0x1111) != 0) {
                    w03 = escaped(escapes, scales, 4 * g3, v3 & 15, p3, w03);
                    w13 = escaped(escapes, scales, 4 * g3 + 1, v3 >> 4 & 15, q3, w13);
                    w23 = escaped(escapes, scales, 4 * g3 + 2, v3 >> 8 & 15, r3, w23);
                    w33 = escaped(escapes, scales, 4 * g3 + 3, v3 >> 12 & 15, t3, w33);
                }
                sum = MatVecKernels.addQuad(sum, w00, w10, w20, w30, x, xBase + k, quarter);
                sum = MatVecKernels.addQuad(sum, w01, w11, w21, w31, x, xBase + (k + width), quarter);
                sum = MatVecKernels.addQuad(sum, w02, w12, w22, w32, x, xBase + (k + 2 * width), quarter);
                sum = MatVecKernels.addQuad(sum, w03, w13, w23, w33, x, xBase + (k + 3 * width), quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int g4 = base + k;
                int v4 = codes.get(g4 >> 1) >> ((g4 & 1) << 4) & 0xFFFF;
                int s4 = signMantissa.get(g4);
                int p4 = s4 & 0xFF;
                int q4 = s4 >> 8 & 0xFF;
                int r4 = s4 >> 16 & 0xFF;
                int t4 = s4 >> 24 & 0xFF;
                float w04 = (p4 & 0x7F | 0x80) * table[CODE_SCALES + (p4 >> 3 & 0x10 | v4 & 15)];
                float w14 = (q4 & 0x7F | 0x80) * table[CODE_SCALES + (q4 >> 3 & 0x10 | v4 >> 4 & 15)];
                float w24 = (r4 & 0x7F | 0x80) * table[CODE_SCALES + (r4 >> 3 & 0x10 | v4 >> 8 & 15)];
                float w34 = (t4 & 0x7F | 0x80) * table[CODE_SCALES + (t4 >> 3 & 0x10 | v4 >> 12 & 15)];
                if ((v4 & v4 >> 1 & v4 >> 2 & v4 >> 3 & 0x1111) != 0) {
                    w04 = escaped(escapes, scales, 4 * g4, v4 & 15, p4, w04);
                    w14 = escaped(escapes, scales, 4 * g4 + 1, v4 >> 4 & 15, q4, w14);
                    w24 = escaped(escapes, scales, 4 * g4 + 2, v4 >> 8 & 15, r4, w24);
                    w34 = escaped(escapes, scales, 4 * g4 + 3, v4 >> 12 & 15, t4, w34);
                }
                sum = MatVecKernels.addQuad(sum, w04, w14, w24, w34, x, xBase + k, quarter);
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
}
