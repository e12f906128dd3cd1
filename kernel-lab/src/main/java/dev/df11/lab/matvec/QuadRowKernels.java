package dev.df11.lab.matvec;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.MatVecKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Lab rung of {@link MatVecKernels#matVec} for serving's batches: four rows per work-item and a tier of {@link #TILE}
 * tokens. The measured lever of the product's two-row kernel ({@code MatVecPairKernels}) was the rows that share each
 * activation load (two rows: 1.6x at batch 16, where sixteen tokens of one row lost and unrolling quads lost more;
 * KERNEL-NOTES, "Measured: sixteen tokens and two rows"); here each activation load feeds four rows' products, with
 * the same 32 sums per work-item as the two-row kernel (four rows of eight tokens instead of two of sixteen), then one
 * token at a time.
 *
 * <p>Launched with {@code L / 4} work-items and {@code rowsPerGroup} R (a multiple of 4) it computes what
 * {@code matVec} computes with {@code L} and R, bit for bit: slot {@code s} of the group's {@code R / 4} serves rows
 * {@code s}, {@code s + R/4}, {@code s + R/2} and {@code s + 3R/4}; each row has {@code matVec}'s work-items, quads
 * (one per iteration, in {@code matVec}'s order, through {@link MatVecKernels#addQuad}) and reduction tree.
 * {@code x} quad-major per token ({@link MatVecKernels#quadMajor}). Generated code (one line per product).
 */
public final class QuadRowKernels {

    /** Rows per work-item. */
    public static final int ROWS = 4;

    /** Tokens of the wide tier. */
    public static final int TILE = 8;

    /** Work-items a group may have: four rows and {@link #TILE} tokens of partial sums each, in local memory. */
    public static final int MAX_LOCAL = ForwardKernels.MAX_LOCAL / ROWS;

    private QuadRowKernels() {
    }

    /** @see MatVecKernels#matVec for the parameters; the launch is described above. */
    public static void matVecQuadRows(KernelContext context, IntArray exponents, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ROWS * TILE * MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int quarter = rowsPerGroup / ROWS;
        int width = size / quarter;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row0 = context.groupIdx * rowsPerGroup + slot;
        int quads = 0;
        if (row0 < rows) {
            quads = cols / 4;
        }
        int base0 = (offset + row0 * cols) / 4;
        int row1 = row0 + 1 * quarter;
        int write1 = 0;
        int base1 = base0;
        if (row1 < rows) {
            write1 = 1;
            base1 = (offset + row1 * cols) / 4;
        }
        int row2 = row0 + 2 * quarter;
        int write2 = 0;
        int base2 = base0;
        if (row2 < rows) {
            write2 = 1;
            base2 = (offset + row2 * cols) / 4;
        }
        int row3 = row0 + 3 * quarter;
        int write3 = 0;
        int base3 = base0;
        if (row3 < rows) {
            write3 = 1;
            base3 = (offset + row3 * cols) / 4;
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
        int stride = cols / 4;
        int b = first;
        for (; b + TILE <= count; b += TILE) {
            float s0_0 = 0.0f;
            float s0_1 = 0.0f;
            float s0_2 = 0.0f;
            float s0_3 = 0.0f;
            float s0_4 = 0.0f;
            float s0_5 = 0.0f;
            float s0_6 = 0.0f;
            float s0_7 = 0.0f;
            float s1_0 = 0.0f;
            float s1_1 = 0.0f;
            float s1_2 = 0.0f;
            float s1_3 = 0.0f;
            float s1_4 = 0.0f;
            float s1_5 = 0.0f;
            float s1_6 = 0.0f;
            float s1_7 = 0.0f;
            float s2_0 = 0.0f;
            float s2_1 = 0.0f;
            float s2_2 = 0.0f;
            float s2_3 = 0.0f;
            float s2_4 = 0.0f;
            float s2_5 = 0.0f;
            float s2_6 = 0.0f;
            float s2_7 = 0.0f;
            float s3_0 = 0.0f;
            float s3_1 = 0.0f;
            float s3_2 = 0.0f;
            float s3_3 = 0.0f;
            float s3_4 = 0.0f;
            float s3_5 = 0.0f;
            float s3_6 = 0.0f;
            float s3_7 = 0.0f;
            for (int k = sub; k < quads; k += width) {
                int e0 = exponents.get(base0 + k);
                int g0 = signMantissa.get(base0 + k);
                int a00 = e0 & 0xFF;
                int m00 = g0 & 0xFF;
                int a01 = e0 >> 8 & 0xFF;
                int m01 = g0 >> 8 & 0xFF;
                int a02 = e0 >> 16 & 0xFF;
                int m02 = g0 >> 16 & 0xFF;
                int a03 = e0 >> 24 & 0xFF;
                int m03 = g0 >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a00, m00, table[Bf16Scales.planeIndex(a00, m00)]);
                float w01 = Bf16Scales.widenPlanes(a01, m01, table[Bf16Scales.planeIndex(a01, m01)]);
                float w02 = Bf16Scales.widenPlanes(a02, m02, table[Bf16Scales.planeIndex(a02, m02)]);
                float w03 = Bf16Scales.widenPlanes(a03, m03, table[Bf16Scales.planeIndex(a03, m03)]);
                int e1 = exponents.get(base1 + k);
                int g1 = signMantissa.get(base1 + k);
                int a10 = e1 & 0xFF;
                int m10 = g1 & 0xFF;
                int a11 = e1 >> 8 & 0xFF;
                int m11 = g1 >> 8 & 0xFF;
                int a12 = e1 >> 16 & 0xFF;
                int m12 = g1 >> 16 & 0xFF;
                int a13 = e1 >> 24 & 0xFF;
                int m13 = g1 >> 24 & 0xFF;
                float w10 = Bf16Scales.widenPlanes(a10, m10, table[Bf16Scales.planeIndex(a10, m10)]);
                float w11 = Bf16Scales.widenPlanes(a11, m11, table[Bf16Scales.planeIndex(a11, m11)]);
                float w12 = Bf16Scales.widenPlanes(a12, m12, table[Bf16Scales.planeIndex(a12, m12)]);
                float w13 = Bf16Scales.widenPlanes(a13, m13, table[Bf16Scales.planeIndex(a13, m13)]);
                int e2 = exponents.get(base2 + k);
                int g2 = signMantissa.get(base2 + k);
                int a20 = e2 & 0xFF;
                int m20 = g2 & 0xFF;
                int a21 = e2 >> 8 & 0xFF;
                int m21 = g2 >> 8 & 0xFF;
                int a22 = e2 >> 16 & 0xFF;
                int m22 = g2 >> 16 & 0xFF;
                int a23 = e2 >> 24 & 0xFF;
                int m23 = g2 >> 24 & 0xFF;
                float w20 = Bf16Scales.widenPlanes(a20, m20, table[Bf16Scales.planeIndex(a20, m20)]);
                float w21 = Bf16Scales.widenPlanes(a21, m21, table[Bf16Scales.planeIndex(a21, m21)]);
                float w22 = Bf16Scales.widenPlanes(a22, m22, table[Bf16Scales.planeIndex(a22, m22)]);
                float w23 = Bf16Scales.widenPlanes(a23, m23, table[Bf16Scales.planeIndex(a23, m23)]);
                int e3 = exponents.get(base3 + k);
                int g3 = signMantissa.get(base3 + k);
                int a30 = e3 & 0xFF;
                int m30 = g3 & 0xFF;
                int a31 = e3 >> 8 & 0xFF;
                int m31 = g3 >> 8 & 0xFF;
                int a32 = e3 >> 16 & 0xFF;
                int m32 = g3 >> 16 & 0xFF;
                int a33 = e3 >> 24 & 0xFF;
                int m33 = g3 >> 24 & 0xFF;
                float w30 = Bf16Scales.widenPlanes(a30, m30, table[Bf16Scales.planeIndex(a30, m30)]);
                float w31 = Bf16Scales.widenPlanes(a31, m31, table[Bf16Scales.planeIndex(a31, m31)]);
                float w32 = Bf16Scales.widenPlanes(a32, m32, table[Bf16Scales.planeIndex(a32, m32)]);
                float w33 = Bf16Scales.widenPlanes(a33, m33, table[Bf16Scales.planeIndex(a33, m33)]);
                int xc = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w00, w01, w02, w03, x, xc, stride);
                s0_1 = MatVecKernels.addQuad(s0_1, w00, w01, w02, w03, x, xc + 1 * cols, stride);
                s0_2 = MatVecKernels.addQuad(s0_2, w00, w01, w02, w03, x, xc + 2 * cols, stride);
                s0_3 = MatVecKernels.addQuad(s0_3, w00, w01, w02, w03, x, xc + 3 * cols, stride);
                s0_4 = MatVecKernels.addQuad(s0_4, w00, w01, w02, w03, x, xc + 4 * cols, stride);
                s0_5 = MatVecKernels.addQuad(s0_5, w00, w01, w02, w03, x, xc + 5 * cols, stride);
                s0_6 = MatVecKernels.addQuad(s0_6, w00, w01, w02, w03, x, xc + 6 * cols, stride);
                s0_7 = MatVecKernels.addQuad(s0_7, w00, w01, w02, w03, x, xc + 7 * cols, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w10, w11, w12, w13, x, xc, stride);
                s1_1 = MatVecKernels.addQuad(s1_1, w10, w11, w12, w13, x, xc + 1 * cols, stride);
                s1_2 = MatVecKernels.addQuad(s1_2, w10, w11, w12, w13, x, xc + 2 * cols, stride);
                s1_3 = MatVecKernels.addQuad(s1_3, w10, w11, w12, w13, x, xc + 3 * cols, stride);
                s1_4 = MatVecKernels.addQuad(s1_4, w10, w11, w12, w13, x, xc + 4 * cols, stride);
                s1_5 = MatVecKernels.addQuad(s1_5, w10, w11, w12, w13, x, xc + 5 * cols, stride);
                s1_6 = MatVecKernels.addQuad(s1_6, w10, w11, w12, w13, x, xc + 6 * cols, stride);
                s1_7 = MatVecKernels.addQuad(s1_7, w10, w11, w12, w13, x, xc + 7 * cols, stride);
                s2_0 = MatVecKernels.addQuad(s2_0, w20, w21, w22, w23, x, xc, stride);
                s2_1 = MatVecKernels.addQuad(s2_1, w20, w21, w22, w23, x, xc + 1 * cols, stride);
                s2_2 = MatVecKernels.addQuad(s2_2, w20, w21, w22, w23, x, xc + 2 * cols, stride);
                s2_3 = MatVecKernels.addQuad(s2_3, w20, w21, w22, w23, x, xc + 3 * cols, stride);
                s2_4 = MatVecKernels.addQuad(s2_4, w20, w21, w22, w23, x, xc + 4 * cols, stride);
                s2_5 = MatVecKernels.addQuad(s2_5, w20, w21, w22, w23, x, xc + 5 * cols, stride);
                s2_6 = MatVecKernels.addQuad(s2_6, w20, w21, w22, w23, x, xc + 6 * cols, stride);
                s2_7 = MatVecKernels.addQuad(s2_7, w20, w21, w22, w23, x, xc + 7 * cols, stride);
                s3_0 = MatVecKernels.addQuad(s3_0, w30, w31, w32, w33, x, xc, stride);
                s3_1 = MatVecKernels.addQuad(s3_1, w30, w31, w32, w33, x, xc + 1 * cols, stride);
                s3_2 = MatVecKernels.addQuad(s3_2, w30, w31, w32, w33, x, xc + 2 * cols, stride);
                s3_3 = MatVecKernels.addQuad(s3_3, w30, w31, w32, w33, x, xc + 3 * cols, stride);
                s3_4 = MatVecKernels.addQuad(s3_4, w30, w31, w32, w33, x, xc + 4 * cols, stride);
                s3_5 = MatVecKernels.addQuad(s3_5, w30, w31, w32, w33, x, xc + 5 * cols, stride);
                s3_6 = MatVecKernels.addQuad(s3_6, w30, w31, w32, w33, x, xc + 6 * cols, stride);
                s3_7 = MatVecKernels.addQuad(s3_7, w30, w31, w32, w33, x, xc + 7 * cols, stride);
            }
            partial[0 * MAX_LOCAL + lane] = s0_0;
            partial[1 * MAX_LOCAL + lane] = s0_1;
            partial[2 * MAX_LOCAL + lane] = s0_2;
            partial[3 * MAX_LOCAL + lane] = s0_3;
            partial[4 * MAX_LOCAL + lane] = s0_4;
            partial[5 * MAX_LOCAL + lane] = s0_5;
            partial[6 * MAX_LOCAL + lane] = s0_6;
            partial[7 * MAX_LOCAL + lane] = s0_7;
            partial[8 * MAX_LOCAL + lane] = s1_0;
            partial[9 * MAX_LOCAL + lane] = s1_1;
            partial[10 * MAX_LOCAL + lane] = s1_2;
            partial[11 * MAX_LOCAL + lane] = s1_3;
            partial[12 * MAX_LOCAL + lane] = s1_4;
            partial[13 * MAX_LOCAL + lane] = s1_5;
            partial[14 * MAX_LOCAL + lane] = s1_6;
            partial[15 * MAX_LOCAL + lane] = s1_7;
            partial[16 * MAX_LOCAL + lane] = s2_0;
            partial[17 * MAX_LOCAL + lane] = s2_1;
            partial[18 * MAX_LOCAL + lane] = s2_2;
            partial[19 * MAX_LOCAL + lane] = s2_3;
            partial[20 * MAX_LOCAL + lane] = s2_4;
            partial[21 * MAX_LOCAL + lane] = s2_5;
            partial[22 * MAX_LOCAL + lane] = s2_6;
            partial[23 * MAX_LOCAL + lane] = s2_7;
            partial[24 * MAX_LOCAL + lane] = s3_0;
            partial[25 * MAX_LOCAL + lane] = s3_1;
            partial[26 * MAX_LOCAL + lane] = s3_2;
            partial[27 * MAX_LOCAL + lane] = s3_3;
            partial[28 * MAX_LOCAL + lane] = s3_4;
            partial[29 * MAX_LOCAL + lane] = s3_5;
            partial[30 * MAX_LOCAL + lane] = s3_6;
            partial[31 * MAX_LOCAL + lane] = s3_7;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[0 * MAX_LOCAL + lane] += partial[0 * MAX_LOCAL + lane + half];
                    partial[1 * MAX_LOCAL + lane] += partial[1 * MAX_LOCAL + lane + half];
                    partial[2 * MAX_LOCAL + lane] += partial[2 * MAX_LOCAL + lane + half];
                    partial[3 * MAX_LOCAL + lane] += partial[3 * MAX_LOCAL + lane + half];
                    partial[4 * MAX_LOCAL + lane] += partial[4 * MAX_LOCAL + lane + half];
                    partial[5 * MAX_LOCAL + lane] += partial[5 * MAX_LOCAL + lane + half];
                    partial[6 * MAX_LOCAL + lane] += partial[6 * MAX_LOCAL + lane + half];
                    partial[7 * MAX_LOCAL + lane] += partial[7 * MAX_LOCAL + lane + half];
                    partial[8 * MAX_LOCAL + lane] += partial[8 * MAX_LOCAL + lane + half];
                    partial[9 * MAX_LOCAL + lane] += partial[9 * MAX_LOCAL + lane + half];
                    partial[10 * MAX_LOCAL + lane] += partial[10 * MAX_LOCAL + lane + half];
                    partial[11 * MAX_LOCAL + lane] += partial[11 * MAX_LOCAL + lane + half];
                    partial[12 * MAX_LOCAL + lane] += partial[12 * MAX_LOCAL + lane + half];
                    partial[13 * MAX_LOCAL + lane] += partial[13 * MAX_LOCAL + lane + half];
                    partial[14 * MAX_LOCAL + lane] += partial[14 * MAX_LOCAL + lane + half];
                    partial[15 * MAX_LOCAL + lane] += partial[15 * MAX_LOCAL + lane + half];
                    partial[16 * MAX_LOCAL + lane] += partial[16 * MAX_LOCAL + lane + half];
                    partial[17 * MAX_LOCAL + lane] += partial[17 * MAX_LOCAL + lane + half];
                    partial[18 * MAX_LOCAL + lane] += partial[18 * MAX_LOCAL + lane + half];
                    partial[19 * MAX_LOCAL + lane] += partial[19 * MAX_LOCAL + lane + half];
                    partial[20 * MAX_LOCAL + lane] += partial[20 * MAX_LOCAL + lane + half];
                    partial[21 * MAX_LOCAL + lane] += partial[21 * MAX_LOCAL + lane + half];
                    partial[22 * MAX_LOCAL + lane] += partial[22 * MAX_LOCAL + lane + half];
                    partial[23 * MAX_LOCAL + lane] += partial[23 * MAX_LOCAL + lane + half];
                    partial[24 * MAX_LOCAL + lane] += partial[24 * MAX_LOCAL + lane + half];
                    partial[25 * MAX_LOCAL + lane] += partial[25 * MAX_LOCAL + lane + half];
                    partial[26 * MAX_LOCAL + lane] += partial[26 * MAX_LOCAL + lane + half];
                    partial[27 * MAX_LOCAL + lane] += partial[27 * MAX_LOCAL + lane + half];
                    partial[28 * MAX_LOCAL + lane] += partial[28 * MAX_LOCAL + lane + half];
                    partial[29 * MAX_LOCAL + lane] += partial[29 * MAX_LOCAL + lane + half];
                    partial[30 * MAX_LOCAL + lane] += partial[30 * MAX_LOCAL + lane + half];
                    partial[31 * MAX_LOCAL + lane] += partial[31 * MAX_LOCAL + lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                float value0 = partial[0 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[1 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[2 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[3 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
                float value4 = partial[4 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value4 = output.get(o + 4 * rows) + value4;
                }
                output.set(o + 4 * rows, value4);
                float value5 = partial[5 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value5 = output.get(o + 5 * rows) + value5;
                }
                output.set(o + 5 * rows, value5);
                float value6 = partial[6 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value6 = output.get(o + 6 * rows) + value6;
                }
                output.set(o + 6 * rows, value6);
                float value7 = partial[7 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value7 = output.get(o + 7 * rows) + value7;
                }
                output.set(o + 7 * rows, value7);
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
                float value0 = partial[8 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[9 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[10 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[11 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
                float value4 = partial[12 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value4 = output.get(o + 4 * rows) + value4;
                }
                output.set(o + 4 * rows, value4);
                float value5 = partial[13 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value5 = output.get(o + 5 * rows) + value5;
                }
                output.set(o + 5 * rows, value5);
                float value6 = partial[14 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value6 = output.get(o + 6 * rows) + value6;
                }
                output.set(o + 6 * rows, value6);
                float value7 = partial[15 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value7 = output.get(o + 7 * rows) + value7;
                }
                output.set(o + 7 * rows, value7);
            }
            if (sub == 0 && quads > 0 && write2 == 1) {
                int o = (b - first) * rows + row2;
                float value0 = partial[16 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[17 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[18 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[19 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
                float value4 = partial[20 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value4 = output.get(o + 4 * rows) + value4;
                }
                output.set(o + 4 * rows, value4);
                float value5 = partial[21 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value5 = output.get(o + 5 * rows) + value5;
                }
                output.set(o + 5 * rows, value5);
                float value6 = partial[22 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value6 = output.get(o + 6 * rows) + value6;
                }
                output.set(o + 6 * rows, value6);
                float value7 = partial[23 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value7 = output.get(o + 7 * rows) + value7;
                }
                output.set(o + 7 * rows, value7);
            }
            if (sub == 0 && quads > 0 && write3 == 1) {
                int o = (b - first) * rows + row3;
                float value0 = partial[24 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[25 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[26 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[27 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
                float value4 = partial[28 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value4 = output.get(o + 4 * rows) + value4;
                }
                output.set(o + 4 * rows, value4);
                float value5 = partial[29 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value5 = output.get(o + 5 * rows) + value5;
                }
                output.set(o + 5 * rows, value5);
                float value6 = partial[30 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value6 = output.get(o + 6 * rows) + value6;
                }
                output.set(o + 6 * rows, value6);
                float value7 = partial[31 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value7 = output.get(o + 7 * rows) + value7;
                }
                output.set(o + 7 * rows, value7);
            }
        }
        for (; b < count; b++) {
            float s0_0 = 0.0f;
            float s1_0 = 0.0f;
            float s2_0 = 0.0f;
            float s3_0 = 0.0f;
            for (int k = sub; k < quads; k += width) {
                int e0 = exponents.get(base0 + k);
                int g0 = signMantissa.get(base0 + k);
                int a00 = e0 & 0xFF;
                int m00 = g0 & 0xFF;
                int a01 = e0 >> 8 & 0xFF;
                int m01 = g0 >> 8 & 0xFF;
                int a02 = e0 >> 16 & 0xFF;
                int m02 = g0 >> 16 & 0xFF;
                int a03 = e0 >> 24 & 0xFF;
                int m03 = g0 >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a00, m00, table[Bf16Scales.planeIndex(a00, m00)]);
                float w01 = Bf16Scales.widenPlanes(a01, m01, table[Bf16Scales.planeIndex(a01, m01)]);
                float w02 = Bf16Scales.widenPlanes(a02, m02, table[Bf16Scales.planeIndex(a02, m02)]);
                float w03 = Bf16Scales.widenPlanes(a03, m03, table[Bf16Scales.planeIndex(a03, m03)]);
                int e1 = exponents.get(base1 + k);
                int g1 = signMantissa.get(base1 + k);
                int a10 = e1 & 0xFF;
                int m10 = g1 & 0xFF;
                int a11 = e1 >> 8 & 0xFF;
                int m11 = g1 >> 8 & 0xFF;
                int a12 = e1 >> 16 & 0xFF;
                int m12 = g1 >> 16 & 0xFF;
                int a13 = e1 >> 24 & 0xFF;
                int m13 = g1 >> 24 & 0xFF;
                float w10 = Bf16Scales.widenPlanes(a10, m10, table[Bf16Scales.planeIndex(a10, m10)]);
                float w11 = Bf16Scales.widenPlanes(a11, m11, table[Bf16Scales.planeIndex(a11, m11)]);
                float w12 = Bf16Scales.widenPlanes(a12, m12, table[Bf16Scales.planeIndex(a12, m12)]);
                float w13 = Bf16Scales.widenPlanes(a13, m13, table[Bf16Scales.planeIndex(a13, m13)]);
                int e2 = exponents.get(base2 + k);
                int g2 = signMantissa.get(base2 + k);
                int a20 = e2 & 0xFF;
                int m20 = g2 & 0xFF;
                int a21 = e2 >> 8 & 0xFF;
                int m21 = g2 >> 8 & 0xFF;
                int a22 = e2 >> 16 & 0xFF;
                int m22 = g2 >> 16 & 0xFF;
                int a23 = e2 >> 24 & 0xFF;
                int m23 = g2 >> 24 & 0xFF;
                float w20 = Bf16Scales.widenPlanes(a20, m20, table[Bf16Scales.planeIndex(a20, m20)]);
                float w21 = Bf16Scales.widenPlanes(a21, m21, table[Bf16Scales.planeIndex(a21, m21)]);
                float w22 = Bf16Scales.widenPlanes(a22, m22, table[Bf16Scales.planeIndex(a22, m22)]);
                float w23 = Bf16Scales.widenPlanes(a23, m23, table[Bf16Scales.planeIndex(a23, m23)]);
                int e3 = exponents.get(base3 + k);
                int g3 = signMantissa.get(base3 + k);
                int a30 = e3 & 0xFF;
                int m30 = g3 & 0xFF;
                int a31 = e3 >> 8 & 0xFF;
                int m31 = g3 >> 8 & 0xFF;
                int a32 = e3 >> 16 & 0xFF;
                int m32 = g3 >> 16 & 0xFF;
                int a33 = e3 >> 24 & 0xFF;
                int m33 = g3 >> 24 & 0xFF;
                float w30 = Bf16Scales.widenPlanes(a30, m30, table[Bf16Scales.planeIndex(a30, m30)]);
                float w31 = Bf16Scales.widenPlanes(a31, m31, table[Bf16Scales.planeIndex(a31, m31)]);
                float w32 = Bf16Scales.widenPlanes(a32, m32, table[Bf16Scales.planeIndex(a32, m32)]);
                float w33 = Bf16Scales.widenPlanes(a33, m33, table[Bf16Scales.planeIndex(a33, m33)]);
                int xc = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w00, w01, w02, w03, x, xc, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w10, w11, w12, w13, x, xc, stride);
                s2_0 = MatVecKernels.addQuad(s2_0, w20, w21, w22, w23, x, xc, stride);
                s3_0 = MatVecKernels.addQuad(s3_0, w30, w31, w32, w33, x, xc, stride);
            }
            partial[0 * MAX_LOCAL + lane] = s0_0;
            partial[1 * MAX_LOCAL + lane] = s1_0;
            partial[2 * MAX_LOCAL + lane] = s2_0;
            partial[3 * MAX_LOCAL + lane] = s3_0;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[0 * MAX_LOCAL + lane] += partial[0 * MAX_LOCAL + lane + half];
                    partial[1 * MAX_LOCAL + lane] += partial[1 * MAX_LOCAL + lane + half];
                    partial[2 * MAX_LOCAL + lane] += partial[2 * MAX_LOCAL + lane + half];
                    partial[3 * MAX_LOCAL + lane] += partial[3 * MAX_LOCAL + lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                float value0 = partial[0 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
                float value0 = partial[1 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write2 == 1) {
                int o = (b - first) * rows + row2;
                float value0 = partial[2 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write3 == 1) {
                int o = (b - first) * rows + row3;
                float value0 = partial[3 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
        }
    }
}
