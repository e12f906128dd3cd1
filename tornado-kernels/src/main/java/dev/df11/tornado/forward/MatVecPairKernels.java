package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@link MatVecKernels#matVec} with two rows per work-item and a tier of {@link #WIDE} tokens: each activation a
 * work-item loads feeds two rows' products, and each quad of weights is widened once per sixteen tokens of a batch.
 * Launched with {@code L / 2} work-items and {@code rowsPerGroup} R (at least 2) it computes what {@code matVec}
 * computes with {@code L} and R, bit for bit: slot {@code s} of the group's {@code R / 2} serves rows {@code s} and
 * {@code s + R / 2}, each row has {@code matVec}'s work-items, quads and order ({@link MatVecKernels#addQuad}, quads
 * {@code sub, sub + width, ...}) and its reduction tree, in every tier (sixteen tokens, then four, then one; a token
 * gets the same bits in any of them: batch invariance). The tiers of sixteen and four take one quad per iteration
 * (Graal's inlining budget refuses a larger kernel body); the one-token tier has {@code matVec}'s 4-quad unroll.
 * {@code x} quad-major per token ({@link MatVecKernels#quadMajor}).
 */
public final class MatVecPairKernels {

    /** Tokens of the widest tier. */
    public static final int WIDE = 16;

    /** Work-items a group may have: two rows and {@link #WIDE} tokens of partial sums each, in local memory. */
    public static final int MAX_LOCAL = ForwardKernels.MAX_LOCAL / 2;

    private MatVecPairKernels() {
    }

    /** @see MatVecKernels#matVec for the parameters; the launch is described above. */
    public static void matVecPairs(KernelContext context, IntArray exponents, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales, IntArray tail, int directory) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(2 * WIDE * MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int pairs = rowsPerGroup / 2;
        int width = size / pairs;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row0 = context.groupIdx * rowsPerGroup + slot;
        int row1 = row0 + pairs;
        int quads = 0;
        if (row0 < rows) {
            quads = cols / 4;
        }
        int write1 = 0;
        int base0 = (offset + row0 * cols) / 4;
        int base1 = base0;
        if (row1 < rows) {
            write1 = 1;
            base1 = (offset + row1 * cols) / 4;
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
        int step = MatVecKernels.UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        int b = first;
        for (; b + WIDE <= count; b += WIDE) {
            float s0_0 = 0.0f;
            float s0_1 = 0.0f;
            float s0_2 = 0.0f;
            float s0_3 = 0.0f;
            float s0_4 = 0.0f;
            float s0_5 = 0.0f;
            float s0_6 = 0.0f;
            float s0_7 = 0.0f;
            float s0_8 = 0.0f;
            float s0_9 = 0.0f;
            float s0_10 = 0.0f;
            float s0_11 = 0.0f;
            float s0_12 = 0.0f;
            float s0_13 = 0.0f;
            float s0_14 = 0.0f;
            float s0_15 = 0.0f;
            float s1_0 = 0.0f;
            float s1_1 = 0.0f;
            float s1_2 = 0.0f;
            float s1_3 = 0.0f;
            float s1_4 = 0.0f;
            float s1_5 = 0.0f;
            float s1_6 = 0.0f;
            float s1_7 = 0.0f;
            float s1_8 = 0.0f;
            float s1_9 = 0.0f;
            float s1_10 = 0.0f;
            float s1_11 = 0.0f;
            float s1_12 = 0.0f;
            float s1_13 = 0.0f;
            float s1_14 = 0.0f;
            float s1_15 = 0.0f;
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
                int xc = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w00, w01, w02, w03, x, xc, stride);
                s0_1 = MatVecKernels.addQuad(s0_1, w00, w01, w02, w03, x, xc + 1 * cols, stride);
                s0_2 = MatVecKernels.addQuad(s0_2, w00, w01, w02, w03, x, xc + 2 * cols, stride);
                s0_3 = MatVecKernels.addQuad(s0_3, w00, w01, w02, w03, x, xc + 3 * cols, stride);
                s0_4 = MatVecKernels.addQuad(s0_4, w00, w01, w02, w03, x, xc + 4 * cols, stride);
                s0_5 = MatVecKernels.addQuad(s0_5, w00, w01, w02, w03, x, xc + 5 * cols, stride);
                s0_6 = MatVecKernels.addQuad(s0_6, w00, w01, w02, w03, x, xc + 6 * cols, stride);
                s0_7 = MatVecKernels.addQuad(s0_7, w00, w01, w02, w03, x, xc + 7 * cols, stride);
                s0_8 = MatVecKernels.addQuad(s0_8, w00, w01, w02, w03, x, xc + 8 * cols, stride);
                s0_9 = MatVecKernels.addQuad(s0_9, w00, w01, w02, w03, x, xc + 9 * cols, stride);
                s0_10 = MatVecKernels.addQuad(s0_10, w00, w01, w02, w03, x, xc + 10 * cols, stride);
                s0_11 = MatVecKernels.addQuad(s0_11, w00, w01, w02, w03, x, xc + 11 * cols, stride);
                s0_12 = MatVecKernels.addQuad(s0_12, w00, w01, w02, w03, x, xc + 12 * cols, stride);
                s0_13 = MatVecKernels.addQuad(s0_13, w00, w01, w02, w03, x, xc + 13 * cols, stride);
                s0_14 = MatVecKernels.addQuad(s0_14, w00, w01, w02, w03, x, xc + 14 * cols, stride);
                s0_15 = MatVecKernels.addQuad(s0_15, w00, w01, w02, w03, x, xc + 15 * cols, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w10, w11, w12, w13, x, xc, stride);
                s1_1 = MatVecKernels.addQuad(s1_1, w10, w11, w12, w13, x, xc + 1 * cols, stride);
                s1_2 = MatVecKernels.addQuad(s1_2, w10, w11, w12, w13, x, xc + 2 * cols, stride);
                s1_3 = MatVecKernels.addQuad(s1_3, w10, w11, w12, w13, x, xc + 3 * cols, stride);
                s1_4 = MatVecKernels.addQuad(s1_4, w10, w11, w12, w13, x, xc + 4 * cols, stride);
                s1_5 = MatVecKernels.addQuad(s1_5, w10, w11, w12, w13, x, xc + 5 * cols, stride);
                s1_6 = MatVecKernels.addQuad(s1_6, w10, w11, w12, w13, x, xc + 6 * cols, stride);
                s1_7 = MatVecKernels.addQuad(s1_7, w10, w11, w12, w13, x, xc + 7 * cols, stride);
                s1_8 = MatVecKernels.addQuad(s1_8, w10, w11, w12, w13, x, xc + 8 * cols, stride);
                s1_9 = MatVecKernels.addQuad(s1_9, w10, w11, w12, w13, x, xc + 9 * cols, stride);
                s1_10 = MatVecKernels.addQuad(s1_10, w10, w11, w12, w13, x, xc + 10 * cols, stride);
                s1_11 = MatVecKernels.addQuad(s1_11, w10, w11, w12, w13, x, xc + 11 * cols, stride);
                s1_12 = MatVecKernels.addQuad(s1_12, w10, w11, w12, w13, x, xc + 12 * cols, stride);
                s1_13 = MatVecKernels.addQuad(s1_13, w10, w11, w12, w13, x, xc + 13 * cols, stride);
                s1_14 = MatVecKernels.addQuad(s1_14, w10, w11, w12, w13, x, xc + 14 * cols, stride);
                s1_15 = MatVecKernels.addQuad(s1_15, w10, w11, w12, w13, x, xc + 15 * cols, stride);
            }
            partial[0 * MAX_LOCAL + lane] = s0_0;
            partial[1 * MAX_LOCAL + lane] = s0_1;
            partial[2 * MAX_LOCAL + lane] = s0_2;
            partial[3 * MAX_LOCAL + lane] = s0_3;
            partial[4 * MAX_LOCAL + lane] = s0_4;
            partial[5 * MAX_LOCAL + lane] = s0_5;
            partial[6 * MAX_LOCAL + lane] = s0_6;
            partial[7 * MAX_LOCAL + lane] = s0_7;
            partial[8 * MAX_LOCAL + lane] = s0_8;
            partial[9 * MAX_LOCAL + lane] = s0_9;
            partial[10 * MAX_LOCAL + lane] = s0_10;
            partial[11 * MAX_LOCAL + lane] = s0_11;
            partial[12 * MAX_LOCAL + lane] = s0_12;
            partial[13 * MAX_LOCAL + lane] = s0_13;
            partial[14 * MAX_LOCAL + lane] = s0_14;
            partial[15 * MAX_LOCAL + lane] = s0_15;
            partial[16 * MAX_LOCAL + lane] = s1_0;
            partial[17 * MAX_LOCAL + lane] = s1_1;
            partial[18 * MAX_LOCAL + lane] = s1_2;
            partial[19 * MAX_LOCAL + lane] = s1_3;
            partial[20 * MAX_LOCAL + lane] = s1_4;
            partial[21 * MAX_LOCAL + lane] = s1_5;
            partial[22 * MAX_LOCAL + lane] = s1_6;
            partial[23 * MAX_LOCAL + lane] = s1_7;
            partial[24 * MAX_LOCAL + lane] = s1_8;
            partial[25 * MAX_LOCAL + lane] = s1_9;
            partial[26 * MAX_LOCAL + lane] = s1_10;
            partial[27 * MAX_LOCAL + lane] = s1_11;
            partial[28 * MAX_LOCAL + lane] = s1_12;
            partial[29 * MAX_LOCAL + lane] = s1_13;
            partial[30 * MAX_LOCAL + lane] = s1_14;
            partial[31 * MAX_LOCAL + lane] = s1_15;
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
                float value8 = partial[8 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value8 = output.get(o + 8 * rows) + value8;
                }
                output.set(o + 8 * rows, value8);
                float value9 = partial[9 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value9 = output.get(o + 9 * rows) + value9;
                }
                output.set(o + 9 * rows, value9);
                float value10 = partial[10 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value10 = output.get(o + 10 * rows) + value10;
                }
                output.set(o + 10 * rows, value10);
                float value11 = partial[11 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value11 = output.get(o + 11 * rows) + value11;
                }
                output.set(o + 11 * rows, value11);
                float value12 = partial[12 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value12 = output.get(o + 12 * rows) + value12;
                }
                output.set(o + 12 * rows, value12);
                float value13 = partial[13 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value13 = output.get(o + 13 * rows) + value13;
                }
                output.set(o + 13 * rows, value13);
                float value14 = partial[14 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value14 = output.get(o + 14 * rows) + value14;
                }
                output.set(o + 14 * rows, value14);
                float value15 = partial[15 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value15 = output.get(o + 15 * rows) + value15;
                }
                output.set(o + 15 * rows, value15);
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
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
                float value8 = partial[24 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value8 = output.get(o + 8 * rows) + value8;
                }
                output.set(o + 8 * rows, value8);
                float value9 = partial[25 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value9 = output.get(o + 9 * rows) + value9;
                }
                output.set(o + 9 * rows, value9);
                float value10 = partial[26 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value10 = output.get(o + 10 * rows) + value10;
                }
                output.set(o + 10 * rows, value10);
                float value11 = partial[27 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value11 = output.get(o + 11 * rows) + value11;
                }
                output.set(o + 11 * rows, value11);
                float value12 = partial[28 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value12 = output.get(o + 12 * rows) + value12;
                }
                output.set(o + 12 * rows, value12);
                float value13 = partial[29 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value13 = output.get(o + 13 * rows) + value13;
                }
                output.set(o + 13 * rows, value13);
                float value14 = partial[30 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value14 = output.get(o + 14 * rows) + value14;
                }
                output.set(o + 14 * rows, value14);
                float value15 = partial[31 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value15 = output.get(o + 15 * rows) + value15;
                }
                output.set(o + 15 * rows, value15);
            }
            context.localBarrier();
        }
        for (; b + MatVecKernels.TILE <= count; b += MatVecKernels.TILE) {
            float s0_0 = 0.0f;
            float s0_1 = 0.0f;
            float s0_2 = 0.0f;
            float s0_3 = 0.0f;
            float s1_0 = 0.0f;
            float s1_1 = 0.0f;
            float s1_2 = 0.0f;
            float s1_3 = 0.0f;
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
                int xc = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w00, w01, w02, w03, x, xc, stride);
                s0_1 = MatVecKernels.addQuad(s0_1, w00, w01, w02, w03, x, xc + 1 * cols, stride);
                s0_2 = MatVecKernels.addQuad(s0_2, w00, w01, w02, w03, x, xc + 2 * cols, stride);
                s0_3 = MatVecKernels.addQuad(s0_3, w00, w01, w02, w03, x, xc + 3 * cols, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w10, w11, w12, w13, x, xc, stride);
                s1_1 = MatVecKernels.addQuad(s1_1, w10, w11, w12, w13, x, xc + 1 * cols, stride);
                s1_2 = MatVecKernels.addQuad(s1_2, w10, w11, w12, w13, x, xc + 2 * cols, stride);
                s1_3 = MatVecKernels.addQuad(s1_3, w10, w11, w12, w13, x, xc + 3 * cols, stride);
            }
            partial[0 * MAX_LOCAL + lane] = s0_0;
            partial[1 * MAX_LOCAL + lane] = s0_1;
            partial[2 * MAX_LOCAL + lane] = s0_2;
            partial[3 * MAX_LOCAL + lane] = s0_3;
            partial[4 * MAX_LOCAL + lane] = s1_0;
            partial[5 * MAX_LOCAL + lane] = s1_1;
            partial[6 * MAX_LOCAL + lane] = s1_2;
            partial[7 * MAX_LOCAL + lane] = s1_3;
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
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
                float value0 = partial[4 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[5 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[6 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[7 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
            }
            context.localBarrier();
        }
        for (; b < count; b++) {
            float s0_0 = 0.0f;
            float s1_0 = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int e00 = exponents.get(base0 + k);
                int g00 = signMantissa.get(base0 + k);
                int a000 = e00 & 0xFF;
                int m000 = g00 & 0xFF;
                int a010 = e00 >> 8 & 0xFF;
                int m010 = g00 >> 8 & 0xFF;
                int a020 = e00 >> 16 & 0xFF;
                int m020 = g00 >> 16 & 0xFF;
                int a030 = e00 >> 24 & 0xFF;
                int m030 = g00 >> 24 & 0xFF;
                float w000 = Bf16Scales.widenPlanes(a000, m000, table[Bf16Scales.planeIndex(a000, m000)]);
                float w010 = Bf16Scales.widenPlanes(a010, m010, table[Bf16Scales.planeIndex(a010, m010)]);
                float w020 = Bf16Scales.widenPlanes(a020, m020, table[Bf16Scales.planeIndex(a020, m020)]);
                float w030 = Bf16Scales.widenPlanes(a030, m030, table[Bf16Scales.planeIndex(a030, m030)]);
                int e10 = exponents.get(base1 + k);
                int g10 = signMantissa.get(base1 + k);
                int a100 = e10 & 0xFF;
                int m100 = g10 & 0xFF;
                int a110 = e10 >> 8 & 0xFF;
                int m110 = g10 >> 8 & 0xFF;
                int a120 = e10 >> 16 & 0xFF;
                int m120 = g10 >> 16 & 0xFF;
                int a130 = e10 >> 24 & 0xFF;
                int m130 = g10 >> 24 & 0xFF;
                float w100 = Bf16Scales.widenPlanes(a100, m100, table[Bf16Scales.planeIndex(a100, m100)]);
                float w110 = Bf16Scales.widenPlanes(a110, m110, table[Bf16Scales.planeIndex(a110, m110)]);
                float w120 = Bf16Scales.widenPlanes(a120, m120, table[Bf16Scales.planeIndex(a120, m120)]);
                float w130 = Bf16Scales.widenPlanes(a130, m130, table[Bf16Scales.planeIndex(a130, m130)]);
                int xc0 = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w000, w010, w020, w030, x, xc0, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w100, w110, w120, w130, x, xc0, stride);
                int e01 = exponents.get(base0 + k + width);
                int g01 = signMantissa.get(base0 + k + width);
                int a001 = e01 & 0xFF;
                int m001 = g01 & 0xFF;
                int a011 = e01 >> 8 & 0xFF;
                int m011 = g01 >> 8 & 0xFF;
                int a021 = e01 >> 16 & 0xFF;
                int m021 = g01 >> 16 & 0xFF;
                int a031 = e01 >> 24 & 0xFF;
                int m031 = g01 >> 24 & 0xFF;
                float w001 = Bf16Scales.widenPlanes(a001, m001, table[Bf16Scales.planeIndex(a001, m001)]);
                float w011 = Bf16Scales.widenPlanes(a011, m011, table[Bf16Scales.planeIndex(a011, m011)]);
                float w021 = Bf16Scales.widenPlanes(a021, m021, table[Bf16Scales.planeIndex(a021, m021)]);
                float w031 = Bf16Scales.widenPlanes(a031, m031, table[Bf16Scales.planeIndex(a031, m031)]);
                int e11 = exponents.get(base1 + k + width);
                int g11 = signMantissa.get(base1 + k + width);
                int a101 = e11 & 0xFF;
                int m101 = g11 & 0xFF;
                int a111 = e11 >> 8 & 0xFF;
                int m111 = g11 >> 8 & 0xFF;
                int a121 = e11 >> 16 & 0xFF;
                int m121 = g11 >> 16 & 0xFF;
                int a131 = e11 >> 24 & 0xFF;
                int m131 = g11 >> 24 & 0xFF;
                float w101 = Bf16Scales.widenPlanes(a101, m101, table[Bf16Scales.planeIndex(a101, m101)]);
                float w111 = Bf16Scales.widenPlanes(a111, m111, table[Bf16Scales.planeIndex(a111, m111)]);
                float w121 = Bf16Scales.widenPlanes(a121, m121, table[Bf16Scales.planeIndex(a121, m121)]);
                float w131 = Bf16Scales.widenPlanes(a131, m131, table[Bf16Scales.planeIndex(a131, m131)]);
                int xc1 = b * cols + k + width;
                s0_0 = MatVecKernels.addQuad(s0_0, w001, w011, w021, w031, x, xc1, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w101, w111, w121, w131, x, xc1, stride);
                int e02 = exponents.get(base0 + k + 2 * width);
                int g02 = signMantissa.get(base0 + k + 2 * width);
                int a002 = e02 & 0xFF;
                int m002 = g02 & 0xFF;
                int a012 = e02 >> 8 & 0xFF;
                int m012 = g02 >> 8 & 0xFF;
                int a022 = e02 >> 16 & 0xFF;
                int m022 = g02 >> 16 & 0xFF;
                int a032 = e02 >> 24 & 0xFF;
                int m032 = g02 >> 24 & 0xFF;
                float w002 = Bf16Scales.widenPlanes(a002, m002, table[Bf16Scales.planeIndex(a002, m002)]);
                float w012 = Bf16Scales.widenPlanes(a012, m012, table[Bf16Scales.planeIndex(a012, m012)]);
                float w022 = Bf16Scales.widenPlanes(a022, m022, table[Bf16Scales.planeIndex(a022, m022)]);
                float w032 = Bf16Scales.widenPlanes(a032, m032, table[Bf16Scales.planeIndex(a032, m032)]);
                int e12 = exponents.get(base1 + k + 2 * width);
                int g12 = signMantissa.get(base1 + k + 2 * width);
                int a102 = e12 & 0xFF;
                int m102 = g12 & 0xFF;
                int a112 = e12 >> 8 & 0xFF;
                int m112 = g12 >> 8 & 0xFF;
                int a122 = e12 >> 16 & 0xFF;
                int m122 = g12 >> 16 & 0xFF;
                int a132 = e12 >> 24 & 0xFF;
                int m132 = g12 >> 24 & 0xFF;
                float w102 = Bf16Scales.widenPlanes(a102, m102, table[Bf16Scales.planeIndex(a102, m102)]);
                float w112 = Bf16Scales.widenPlanes(a112, m112, table[Bf16Scales.planeIndex(a112, m112)]);
                float w122 = Bf16Scales.widenPlanes(a122, m122, table[Bf16Scales.planeIndex(a122, m122)]);
                float w132 = Bf16Scales.widenPlanes(a132, m132, table[Bf16Scales.planeIndex(a132, m132)]);
                int xc2 = b * cols + k + 2 * width;
                s0_0 = MatVecKernels.addQuad(s0_0, w002, w012, w022, w032, x, xc2, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w102, w112, w122, w132, x, xc2, stride);
                int e03 = exponents.get(base0 + k + 3 * width);
                int g03 = signMantissa.get(base0 + k + 3 * width);
                int a003 = e03 & 0xFF;
                int m003 = g03 & 0xFF;
                int a013 = e03 >> 8 & 0xFF;
                int m013 = g03 >> 8 & 0xFF;
                int a023 = e03 >> 16 & 0xFF;
                int m023 = g03 >> 16 & 0xFF;
                int a033 = e03 >> 24 & 0xFF;
                int m033 = g03 >> 24 & 0xFF;
                float w003 = Bf16Scales.widenPlanes(a003, m003, table[Bf16Scales.planeIndex(a003, m003)]);
                float w013 = Bf16Scales.widenPlanes(a013, m013, table[Bf16Scales.planeIndex(a013, m013)]);
                float w023 = Bf16Scales.widenPlanes(a023, m023, table[Bf16Scales.planeIndex(a023, m023)]);
                float w033 = Bf16Scales.widenPlanes(a033, m033, table[Bf16Scales.planeIndex(a033, m033)]);
                int e13 = exponents.get(base1 + k + 3 * width);
                int g13 = signMantissa.get(base1 + k + 3 * width);
                int a103 = e13 & 0xFF;
                int m103 = g13 & 0xFF;
                int a113 = e13 >> 8 & 0xFF;
                int m113 = g13 >> 8 & 0xFF;
                int a123 = e13 >> 16 & 0xFF;
                int m123 = g13 >> 16 & 0xFF;
                int a133 = e13 >> 24 & 0xFF;
                int m133 = g13 >> 24 & 0xFF;
                float w103 = Bf16Scales.widenPlanes(a103, m103, table[Bf16Scales.planeIndex(a103, m103)]);
                float w113 = Bf16Scales.widenPlanes(a113, m113, table[Bf16Scales.planeIndex(a113, m113)]);
                float w123 = Bf16Scales.widenPlanes(a123, m123, table[Bf16Scales.planeIndex(a123, m123)]);
                float w133 = Bf16Scales.widenPlanes(a133, m133, table[Bf16Scales.planeIndex(a133, m133)]);
                int xc3 = b * cols + k + 3 * width;
                s0_0 = MatVecKernels.addQuad(s0_0, w003, w013, w023, w033, x, xc3, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w103, w113, w123, w133, x, xc3, stride);
            }
            for (int k = unrolled; k < quads; k += width) {
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
                int xc = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w00, w01, w02, w03, x, xc, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w10, w11, w12, w13, x, xc, stride);
            }
            partial[0 * MAX_LOCAL + lane] = s0_0;
            partial[1 * MAX_LOCAL + lane] = s1_0;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    partial[0 * MAX_LOCAL + lane] += partial[0 * MAX_LOCAL + lane + half];
                    partial[1 * MAX_LOCAL + lane] += partial[1 * MAX_LOCAL + lane + half];
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
            context.localBarrier();
        }
        if (sub == 0 && quads > 0) {
            TailKernels.addRowTail(output, x, row0, rows, cols, first, count, tail, directory, scales);
        }
        if (sub == 0 && quads > 0 && write1 == 1) {
            TailKernels.addRowTail(output, x, row1, rows, cols, first, count, tail, directory, scales);
        }
    }
}
