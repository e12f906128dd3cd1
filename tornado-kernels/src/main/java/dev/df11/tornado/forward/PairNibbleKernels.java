package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.NibbleLayout;
import dev.df11.tornado.forward.weights.UnitTail;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@link MatVecPairKernels} on the nibble layout ({@link NibbleLayout}): the two-row kernel line for line, with each
 * weight quad's exponents read as four 4-bit codes and widened as {@link NibbleMatVecKernels} widens them (the escape
 * code to zero, as the unit's table widens the tail on the planes: {@link UnitTail}). Same launch, rows, tiers, order
 * and reduction, hence the bits of {@link MatVecKernels#matVec} on the unit's table with the same work-items per row.
 * Generated from {@link MatVecPairKernels}' source by the nibble transform (the weight loads and widenings
 * rewritten, every other line kept): {@code tornado-kernels/generate/pair_nibble.py}; edit the two-row kernel or the
 * transform, not this file.
 */
public final class PairNibbleKernels {

    private static final int WIDE = MatVecPairKernels.WIDE;
    private static final int MAX_LOCAL = MatVecPairKernels.MAX_LOCAL;
    /** Where the code scales start in the kernel's table: after {@link Bf16Scales}' 512 entries. */
    private static final int CODE_SCALES = Bf16Scales.SIZE;

    private PairNibbleKernels() {
    }

    /** @see NibbleMatVecKernels#matVecNibbles for the parameters; the launch is {@link MatVecPairKernels}'. */
    public static void matVecPairsNibbles(KernelContext context, IntArray codes, IntArray signMantissa,
            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,
            int rowsPerGroup, IntArray batch, FloatArray scales, IntArray tail, int directory) {
        float[] table = context.allocateFloatLocalArray(UnitTail.TABLE);
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
        for (int i = lane; i < UnitTail.TABLE; i += size) {
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
                int e0 = codes.get((base0 + k) >> 1) >> (((base0 + k) & 1) << 4) & 0xFFFF;
                int g0 = signMantissa.get(base0 + k);
                int m00 = g0 & 0xFF;
                int m01 = g0 >> 8 & 0xFF;
                int m02 = g0 >> 16 & 0xFF;
                int m03 = g0 >> 24 & 0xFF;
                float w00 = (m00 & 0x7F | 0x80) * table[CODE_SCALES + (m00 >> 3 & 0x10 | e0 & 15)];
                float w01 = (m01 & 0x7F | 0x80) * table[CODE_SCALES + (m01 >> 3 & 0x10 | e0 >> 4 & 15)];
                float w02 = (m02 & 0x7F | 0x80) * table[CODE_SCALES + (m02 >> 3 & 0x10 | e0 >> 8 & 15)];
                float w03 = (m03 & 0x7F | 0x80) * table[CODE_SCALES + (m03 >> 3 & 0x10 | e0 >> 12 & 15)];
                int e1 = codes.get((base1 + k) >> 1) >> (((base1 + k) & 1) << 4) & 0xFFFF;
                int g1 = signMantissa.get(base1 + k);
                int m10 = g1 & 0xFF;
                int m11 = g1 >> 8 & 0xFF;
                int m12 = g1 >> 16 & 0xFF;
                int m13 = g1 >> 24 & 0xFF;
                float w10 = (m10 & 0x7F | 0x80) * table[CODE_SCALES + (m10 >> 3 & 0x10 | e1 & 15)];
                float w11 = (m11 & 0x7F | 0x80) * table[CODE_SCALES + (m11 >> 3 & 0x10 | e1 >> 4 & 15)];
                float w12 = (m12 & 0x7F | 0x80) * table[CODE_SCALES + (m12 >> 3 & 0x10 | e1 >> 8 & 15)];
                float w13 = (m13 & 0x7F | 0x80) * table[CODE_SCALES + (m13 >> 3 & 0x10 | e1 >> 12 & 15)];
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
                int e0 = codes.get((base0 + k) >> 1) >> (((base0 + k) & 1) << 4) & 0xFFFF;
                int g0 = signMantissa.get(base0 + k);
                int m00 = g0 & 0xFF;
                int m01 = g0 >> 8 & 0xFF;
                int m02 = g0 >> 16 & 0xFF;
                int m03 = g0 >> 24 & 0xFF;
                float w00 = (m00 & 0x7F | 0x80) * table[CODE_SCALES + (m00 >> 3 & 0x10 | e0 & 15)];
                float w01 = (m01 & 0x7F | 0x80) * table[CODE_SCALES + (m01 >> 3 & 0x10 | e0 >> 4 & 15)];
                float w02 = (m02 & 0x7F | 0x80) * table[CODE_SCALES + (m02 >> 3 & 0x10 | e0 >> 8 & 15)];
                float w03 = (m03 & 0x7F | 0x80) * table[CODE_SCALES + (m03 >> 3 & 0x10 | e0 >> 12 & 15)];
                int e1 = codes.get((base1 + k) >> 1) >> (((base1 + k) & 1) << 4) & 0xFFFF;
                int g1 = signMantissa.get(base1 + k);
                int m10 = g1 & 0xFF;
                int m11 = g1 >> 8 & 0xFF;
                int m12 = g1 >> 16 & 0xFF;
                int m13 = g1 >> 24 & 0xFF;
                float w10 = (m10 & 0x7F | 0x80) * table[CODE_SCALES + (m10 >> 3 & 0x10 | e1 & 15)];
                float w11 = (m11 & 0x7F | 0x80) * table[CODE_SCALES + (m11 >> 3 & 0x10 | e1 >> 4 & 15)];
                float w12 = (m12 & 0x7F | 0x80) * table[CODE_SCALES + (m12 >> 3 & 0x10 | e1 >> 8 & 15)];
                float w13 = (m13 & 0x7F | 0x80) * table[CODE_SCALES + (m13 >> 3 & 0x10 | e1 >> 12 & 15)];
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
                int e00 = codes.get((base0 + k) >> 1) >> (((base0 + k) & 1) << 4) & 0xFFFF;
                int g00 = signMantissa.get(base0 + k);
                int m000 = g00 & 0xFF;
                int m010 = g00 >> 8 & 0xFF;
                int m020 = g00 >> 16 & 0xFF;
                int m030 = g00 >> 24 & 0xFF;
                float w000 = (m000 & 0x7F | 0x80) * table[CODE_SCALES + (m000 >> 3 & 0x10 | e00 & 15)];
                float w010 = (m010 & 0x7F | 0x80) * table[CODE_SCALES + (m010 >> 3 & 0x10 | e00 >> 4 & 15)];
                float w020 = (m020 & 0x7F | 0x80) * table[CODE_SCALES + (m020 >> 3 & 0x10 | e00 >> 8 & 15)];
                float w030 = (m030 & 0x7F | 0x80) * table[CODE_SCALES + (m030 >> 3 & 0x10 | e00 >> 12 & 15)];
                int e10 = codes.get((base1 + k) >> 1) >> (((base1 + k) & 1) << 4) & 0xFFFF;
                int g10 = signMantissa.get(base1 + k);
                int m100 = g10 & 0xFF;
                int m110 = g10 >> 8 & 0xFF;
                int m120 = g10 >> 16 & 0xFF;
                int m130 = g10 >> 24 & 0xFF;
                float w100 = (m100 & 0x7F | 0x80) * table[CODE_SCALES + (m100 >> 3 & 0x10 | e10 & 15)];
                float w110 = (m110 & 0x7F | 0x80) * table[CODE_SCALES + (m110 >> 3 & 0x10 | e10 >> 4 & 15)];
                float w120 = (m120 & 0x7F | 0x80) * table[CODE_SCALES + (m120 >> 3 & 0x10 | e10 >> 8 & 15)];
                float w130 = (m130 & 0x7F | 0x80) * table[CODE_SCALES + (m130 >> 3 & 0x10 | e10 >> 12 & 15)];
                int xc0 = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w000, w010, w020, w030, x, xc0, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w100, w110, w120, w130, x, xc0, stride);
                int e01 = codes.get((base0 + k + width) >> 1) >> (((base0 + k + width) & 1) << 4) & 0xFFFF;
                int g01 = signMantissa.get(base0 + k + width);
                int m001 = g01 & 0xFF;
                int m011 = g01 >> 8 & 0xFF;
                int m021 = g01 >> 16 & 0xFF;
                int m031 = g01 >> 24 & 0xFF;
                float w001 = (m001 & 0x7F | 0x80) * table[CODE_SCALES + (m001 >> 3 & 0x10 | e01 & 15)];
                float w011 = (m011 & 0x7F | 0x80) * table[CODE_SCALES + (m011 >> 3 & 0x10 | e01 >> 4 & 15)];
                float w021 = (m021 & 0x7F | 0x80) * table[CODE_SCALES + (m021 >> 3 & 0x10 | e01 >> 8 & 15)];
                float w031 = (m031 & 0x7F | 0x80) * table[CODE_SCALES + (m031 >> 3 & 0x10 | e01 >> 12 & 15)];
                int e11 = codes.get((base1 + k + width) >> 1) >> (((base1 + k + width) & 1) << 4) & 0xFFFF;
                int g11 = signMantissa.get(base1 + k + width);
                int m101 = g11 & 0xFF;
                int m111 = g11 >> 8 & 0xFF;
                int m121 = g11 >> 16 & 0xFF;
                int m131 = g11 >> 24 & 0xFF;
                float w101 = (m101 & 0x7F | 0x80) * table[CODE_SCALES + (m101 >> 3 & 0x10 | e11 & 15)];
                float w111 = (m111 & 0x7F | 0x80) * table[CODE_SCALES + (m111 >> 3 & 0x10 | e11 >> 4 & 15)];
                float w121 = (m121 & 0x7F | 0x80) * table[CODE_SCALES + (m121 >> 3 & 0x10 | e11 >> 8 & 15)];
                float w131 = (m131 & 0x7F | 0x80) * table[CODE_SCALES + (m131 >> 3 & 0x10 | e11 >> 12 & 15)];
                int xc1 = b * cols + k + width;
                s0_0 = MatVecKernels.addQuad(s0_0, w001, w011, w021, w031, x, xc1, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w101, w111, w121, w131, x, xc1, stride);
                int e02 = codes.get((base0 + k + 2 * width) >> 1) >> (((base0 + k + 2 * width) & 1) << 4) & 0xFFFF;
                int g02 = signMantissa.get(base0 + k + 2 * width);
                int m002 = g02 & 0xFF;
                int m012 = g02 >> 8 & 0xFF;
                int m022 = g02 >> 16 & 0xFF;
                int m032 = g02 >> 24 & 0xFF;
                float w002 = (m002 & 0x7F | 0x80) * table[CODE_SCALES + (m002 >> 3 & 0x10 | e02 & 15)];
                float w012 = (m012 & 0x7F | 0x80) * table[CODE_SCALES + (m012 >> 3 & 0x10 | e02 >> 4 & 15)];
                float w022 = (m022 & 0x7F | 0x80) * table[CODE_SCALES + (m022 >> 3 & 0x10 | e02 >> 8 & 15)];
                float w032 = (m032 & 0x7F | 0x80) * table[CODE_SCALES + (m032 >> 3 & 0x10 | e02 >> 12 & 15)];
                int e12 = codes.get((base1 + k + 2 * width) >> 1) >> (((base1 + k + 2 * width) & 1) << 4) & 0xFFFF;
                int g12 = signMantissa.get(base1 + k + 2 * width);
                int m102 = g12 & 0xFF;
                int m112 = g12 >> 8 & 0xFF;
                int m122 = g12 >> 16 & 0xFF;
                int m132 = g12 >> 24 & 0xFF;
                float w102 = (m102 & 0x7F | 0x80) * table[CODE_SCALES + (m102 >> 3 & 0x10 | e12 & 15)];
                float w112 = (m112 & 0x7F | 0x80) * table[CODE_SCALES + (m112 >> 3 & 0x10 | e12 >> 4 & 15)];
                float w122 = (m122 & 0x7F | 0x80) * table[CODE_SCALES + (m122 >> 3 & 0x10 | e12 >> 8 & 15)];
                float w132 = (m132 & 0x7F | 0x80) * table[CODE_SCALES + (m132 >> 3 & 0x10 | e12 >> 12 & 15)];
                int xc2 = b * cols + k + 2 * width;
                s0_0 = MatVecKernels.addQuad(s0_0, w002, w012, w022, w032, x, xc2, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w102, w112, w122, w132, x, xc2, stride);
                int e03 = codes.get((base0 + k + 3 * width) >> 1) >> (((base0 + k + 3 * width) & 1) << 4) & 0xFFFF;
                int g03 = signMantissa.get(base0 + k + 3 * width);
                int m003 = g03 & 0xFF;
                int m013 = g03 >> 8 & 0xFF;
                int m023 = g03 >> 16 & 0xFF;
                int m033 = g03 >> 24 & 0xFF;
                float w003 = (m003 & 0x7F | 0x80) * table[CODE_SCALES + (m003 >> 3 & 0x10 | e03 & 15)];
                float w013 = (m013 & 0x7F | 0x80) * table[CODE_SCALES + (m013 >> 3 & 0x10 | e03 >> 4 & 15)];
                float w023 = (m023 & 0x7F | 0x80) * table[CODE_SCALES + (m023 >> 3 & 0x10 | e03 >> 8 & 15)];
                float w033 = (m033 & 0x7F | 0x80) * table[CODE_SCALES + (m033 >> 3 & 0x10 | e03 >> 12 & 15)];
                int e13 = codes.get((base1 + k + 3 * width) >> 1) >> (((base1 + k + 3 * width) & 1) << 4) & 0xFFFF;
                int g13 = signMantissa.get(base1 + k + 3 * width);
                int m103 = g13 & 0xFF;
                int m113 = g13 >> 8 & 0xFF;
                int m123 = g13 >> 16 & 0xFF;
                int m133 = g13 >> 24 & 0xFF;
                float w103 = (m103 & 0x7F | 0x80) * table[CODE_SCALES + (m103 >> 3 & 0x10 | e13 & 15)];
                float w113 = (m113 & 0x7F | 0x80) * table[CODE_SCALES + (m113 >> 3 & 0x10 | e13 >> 4 & 15)];
                float w123 = (m123 & 0x7F | 0x80) * table[CODE_SCALES + (m123 >> 3 & 0x10 | e13 >> 8 & 15)];
                float w133 = (m133 & 0x7F | 0x80) * table[CODE_SCALES + (m133 >> 3 & 0x10 | e13 >> 12 & 15)];
                int xc3 = b * cols + k + 3 * width;
                s0_0 = MatVecKernels.addQuad(s0_0, w003, w013, w023, w033, x, xc3, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w103, w113, w123, w133, x, xc3, stride);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e0 = codes.get((base0 + k) >> 1) >> (((base0 + k) & 1) << 4) & 0xFFFF;
                int g0 = signMantissa.get(base0 + k);
                int m00 = g0 & 0xFF;
                int m01 = g0 >> 8 & 0xFF;
                int m02 = g0 >> 16 & 0xFF;
                int m03 = g0 >> 24 & 0xFF;
                float w00 = (m00 & 0x7F | 0x80) * table[CODE_SCALES + (m00 >> 3 & 0x10 | e0 & 15)];
                float w01 = (m01 & 0x7F | 0x80) * table[CODE_SCALES + (m01 >> 3 & 0x10 | e0 >> 4 & 15)];
                float w02 = (m02 & 0x7F | 0x80) * table[CODE_SCALES + (m02 >> 3 & 0x10 | e0 >> 8 & 15)];
                float w03 = (m03 & 0x7F | 0x80) * table[CODE_SCALES + (m03 >> 3 & 0x10 | e0 >> 12 & 15)];
                int e1 = codes.get((base1 + k) >> 1) >> (((base1 + k) & 1) << 4) & 0xFFFF;
                int g1 = signMantissa.get(base1 + k);
                int m10 = g1 & 0xFF;
                int m11 = g1 >> 8 & 0xFF;
                int m12 = g1 >> 16 & 0xFF;
                int m13 = g1 >> 24 & 0xFF;
                float w10 = (m10 & 0x7F | 0x80) * table[CODE_SCALES + (m10 >> 3 & 0x10 | e1 & 15)];
                float w11 = (m11 & 0x7F | 0x80) * table[CODE_SCALES + (m11 >> 3 & 0x10 | e1 >> 4 & 15)];
                float w12 = (m12 & 0x7F | 0x80) * table[CODE_SCALES + (m12 >> 3 & 0x10 | e1 >> 8 & 15)];
                float w13 = (m13 & 0x7F | 0x80) * table[CODE_SCALES + (m13 >> 3 & 0x10 | e1 >> 12 & 15)];
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

