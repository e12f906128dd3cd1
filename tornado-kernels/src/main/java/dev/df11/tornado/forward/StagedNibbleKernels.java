package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.NibbleLayout;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@link StagedRowKernels} on the nibble layout ({@link NibbleLayout}): the serving product, line for line, with each
 * weight quad's exponents read as four 4-bit codes and widened as {@link NibbleMatVecKernels} widens them (escapes
 * looked up by {@link NibbleMatVecKernels#escaped}). Same launch, rows, tiles, order and reduction as the staged
 * kernel, hence as {@link MatVecKernels#matVec} with the same work-items per row: the same bits. Generated code.
 */
public final class StagedNibbleKernels {

    private static final int ROWS = StagedRowKernels.ROWS;
    private static final int TILE = StagedRowKernels.TILE;
    private static final int MAX_LOCAL = StagedRowKernels.MAX_LOCAL;
    private static final int SLOTS = StagedRowKernels.SLOTS;
    private static final int TWO_SLOTS = StagedRowKernels.TWO_SLOTS;
    /** Where the code scales start in the kernel's table: after {@link Bf16Scales}' 512 entries. */
    private static final int CODE_SCALES = Bf16Scales.SIZE;

    private StagedNibbleKernels() {
    }

    /**
     * {@link StagedRowKernels#matVecStaged} on the nibble layout; {@link NibbleMatVecKernels#matVecNibbles} has
     * the parameters.
     */
    public static void matVecStagedNibbles(KernelContext context, IntArray codes, IntArray signMantissa, IntArray escapes,
            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,
            int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(NibbleLayout.SCALES);
        float[] shared = context.allocateFloatLocalArray(ROWS * TILE * MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int slots = SLOTS;
        int width = size / slots;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row0 = context.groupIdx * rowsPerGroup + slot;
        int quads = 0;
        if (row0 < rows) {
            quads = cols / 4;
        }
        int base0 = (offset + row0 * cols) / 4;
        int row1 = row0 + 1 * slots;
        int write1 = 0;
        int base1 = base0;
        if (row1 < rows) {
            write1 = 1;
            base1 = (offset + row1 * cols) / 4;
        }
        int row2 = row0 + 2 * slots;
        int write2 = 0;
        int base2 = base0;
        if (row2 < rows) {
            write2 = 1;
            base2 = (offset + row2 * cols) / 4;
        }
        int row3 = row0 + 3 * slots;
        int write3 = 0;
        int base3 = base0;
        if (row3 < rows) {
            write3 = 1;
            base3 = (offset + row3 * cols) / 4;
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
        int stride = cols / 4;
        int b = first;
        for (; b + 1 < count; b += TILE) {
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
            float p0 = StagedRowKernels.stagedValue(x, b + 0, count, cols, slot * stride + sub, sub, stride);
            float p1 = StagedRowKernels.stagedValue(x, b + 1, count, cols, slot * stride + sub, sub, stride);
            float p2 = StagedRowKernels.stagedValue(x, b + 2, count, cols, slot * stride + sub, sub, stride);
            float p3 = StagedRowKernels.stagedValue(x, b + 3, count, cols, slot * stride + sub, sub, stride);
            float p4 = StagedRowKernels.stagedValue(x, b + 4, count, cols, slot * stride + sub, sub, stride);
            float p5 = StagedRowKernels.stagedValue(x, b + 5, count, cols, slot * stride + sub, sub, stride);
            float p6 = StagedRowKernels.stagedValue(x, b + 6, count, cols, slot * stride + sub, sub, stride);
            float p7 = StagedRowKernels.stagedValue(x, b + 7, count, cols, slot * stride + sub, sub, stride);
            int e0 = 0;
            int g0 = 0;
            int e1 = 0;
            int g1 = 0;
            int e2 = 0;
            int g2 = 0;
            int e3 = 0;
            int g3 = 0;
            if (sub < quads) {
                e0 = codes.get((base0 + sub) >> 1) >> (((base0 + sub) & 1) << 4) & 0xFFFF;
                g0 = signMantissa.get(base0 + sub);
                e1 = codes.get((base1 + sub) >> 1) >> (((base1 + sub) & 1) << 4) & 0xFFFF;
                g1 = signMantissa.get(base1 + sub);
                e2 = codes.get((base2 + sub) >> 1) >> (((base2 + sub) & 1) << 4) & 0xFFFF;
                g2 = signMantissa.get(base2 + sub);
                e3 = codes.get((base3 + sub) >> 1) >> (((base3 + sub) & 1) << 4) & 0xFFFF;
                g3 = signMantissa.get(base3 + sub);
            }
            for (int chunk = 0; chunk < stride; chunk += width) {
                context.localBarrier();
                shared[lane + 0 * size] = p0;
                shared[lane + 1 * size] = p1;
                shared[lane + 2 * size] = p2;
                shared[lane + 3 * size] = p3;
                shared[lane + 4 * size] = p4;
                shared[lane + 5 * size] = p5;
                shared[lane + 6 * size] = p6;
                shared[lane + 7 * size] = p7;
                context.localBarrier();
                int ce0 = e0;
                int cg0 = g0;
                int ce1 = e1;
                int cg1 = g1;
                int ce2 = e2;
                int cg2 = g2;
                int ce3 = e3;
                int cg3 = g3;
                int next = chunk + width + sub;
                p0 = StagedRowKernels.stagedValue(x, b + 0, count, cols, slot * stride + next, next, stride);
                p1 = StagedRowKernels.stagedValue(x, b + 1, count, cols, slot * stride + next, next, stride);
                p2 = StagedRowKernels.stagedValue(x, b + 2, count, cols, slot * stride + next, next, stride);
                p3 = StagedRowKernels.stagedValue(x, b + 3, count, cols, slot * stride + next, next, stride);
                p4 = StagedRowKernels.stagedValue(x, b + 4, count, cols, slot * stride + next, next, stride);
                p5 = StagedRowKernels.stagedValue(x, b + 5, count, cols, slot * stride + next, next, stride);
                p6 = StagedRowKernels.stagedValue(x, b + 6, count, cols, slot * stride + next, next, stride);
                p7 = StagedRowKernels.stagedValue(x, b + 7, count, cols, slot * stride + next, next, stride);
                if (next < quads) {
                    e0 = codes.get((base0 + next) >> 1) >> (((base0 + next) & 1) << 4) & 0xFFFF;
                    g0 = signMantissa.get(base0 + next);
                    e1 = codes.get((base1 + next) >> 1) >> (((base1 + next) & 1) << 4) & 0xFFFF;
                    g1 = signMantissa.get(base1 + next);
                    e2 = codes.get((base2 + next) >> 1) >> (((base2 + next) & 1) << 4) & 0xFFFF;
                    g2 = signMantissa.get(base2 + next);
                    e3 = codes.get((base3 + next) >> 1) >> (((base3 + next) & 1) << 4) & 0xFFFF;
                    g3 = signMantissa.get(base3 + next);
                }
                if (chunk + sub < quads) {
                    int m00 = cg0 & 0xFF;
                    int m01 = cg0 >> 8 & 0xFF;
                    int m02 = cg0 >> 16 & 0xFF;
                    int m03 = cg0 >> 24 & 0xFF;
                    float w00 = (m00 & 0x7F | 0x80) * table[CODE_SCALES + (m00 >> 3 & 0x10 | ce0 & 15)];
                    float w01 = (m01 & 0x7F | 0x80) * table[CODE_SCALES + (m01 >> 3 & 0x10 | ce0 >> 4 & 15)];
                    float w02 = (m02 & 0x7F | 0x80) * table[CODE_SCALES + (m02 >> 3 & 0x10 | ce0 >> 8 & 15)];
                    float w03 = (m03 & 0x7F | 0x80) * table[CODE_SCALES + (m03 >> 3 & 0x10 | ce0 >> 12 & 15)];
                    if ((ce0 & ce0 >> 1 & ce0 >> 2 & ce0 >> 3 & 0x1111) != 0) {
                        w00 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub), ce0 & 15, m00, w00);
                        w01 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub) + 1, ce0 >> 4 & 15, m01, w01);
                        w02 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub) + 2, ce0 >> 8 & 15, m02, w02);
                        w03 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub) + 3, ce0 >> 12 & 15, m03, w03);
                    }
                    int m10 = cg1 & 0xFF;
                    int m11 = cg1 >> 8 & 0xFF;
                    int m12 = cg1 >> 16 & 0xFF;
                    int m13 = cg1 >> 24 & 0xFF;
                    float w10 = (m10 & 0x7F | 0x80) * table[CODE_SCALES + (m10 >> 3 & 0x10 | ce1 & 15)];
                    float w11 = (m11 & 0x7F | 0x80) * table[CODE_SCALES + (m11 >> 3 & 0x10 | ce1 >> 4 & 15)];
                    float w12 = (m12 & 0x7F | 0x80) * table[CODE_SCALES + (m12 >> 3 & 0x10 | ce1 >> 8 & 15)];
                    float w13 = (m13 & 0x7F | 0x80) * table[CODE_SCALES + (m13 >> 3 & 0x10 | ce1 >> 12 & 15)];
                    if ((ce1 & ce1 >> 1 & ce1 >> 2 & ce1 >> 3 & 0x1111) != 0) {
                        w10 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub), ce1 & 15, m10, w10);
                        w11 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub) + 1, ce1 >> 4 & 15, m11, w11);
                        w12 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub) + 2, ce1 >> 8 & 15, m12, w12);
                        w13 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub) + 3, ce1 >> 12 & 15, m13, w13);
                    }
                    int m20 = cg2 & 0xFF;
                    int m21 = cg2 >> 8 & 0xFF;
                    int m22 = cg2 >> 16 & 0xFF;
                    int m23 = cg2 >> 24 & 0xFF;
                    float w20 = (m20 & 0x7F | 0x80) * table[CODE_SCALES + (m20 >> 3 & 0x10 | ce2 & 15)];
                    float w21 = (m21 & 0x7F | 0x80) * table[CODE_SCALES + (m21 >> 3 & 0x10 | ce2 >> 4 & 15)];
                    float w22 = (m22 & 0x7F | 0x80) * table[CODE_SCALES + (m22 >> 3 & 0x10 | ce2 >> 8 & 15)];
                    float w23 = (m23 & 0x7F | 0x80) * table[CODE_SCALES + (m23 >> 3 & 0x10 | ce2 >> 12 & 15)];
                    if ((ce2 & ce2 >> 1 & ce2 >> 2 & ce2 >> 3 & 0x1111) != 0) {
                        w20 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub), ce2 & 15, m20, w20);
                        w21 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub) + 1, ce2 >> 4 & 15, m21, w21);
                        w22 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub) + 2, ce2 >> 8 & 15, m22, w22);
                        w23 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub) + 3, ce2 >> 12 & 15, m23, w23);
                    }
                    int m30 = cg3 & 0xFF;
                    int m31 = cg3 >> 8 & 0xFF;
                    int m32 = cg3 >> 16 & 0xFF;
                    int m33 = cg3 >> 24 & 0xFF;
                    float w30 = (m30 & 0x7F | 0x80) * table[CODE_SCALES + (m30 >> 3 & 0x10 | ce3 & 15)];
                    float w31 = (m31 & 0x7F | 0x80) * table[CODE_SCALES + (m31 >> 3 & 0x10 | ce3 >> 4 & 15)];
                    float w32 = (m32 & 0x7F | 0x80) * table[CODE_SCALES + (m32 >> 3 & 0x10 | ce3 >> 8 & 15)];
                    float w33 = (m33 & 0x7F | 0x80) * table[CODE_SCALES + (m33 >> 3 & 0x10 | ce3 >> 12 & 15)];
                    if ((ce3 & ce3 >> 1 & ce3 >> 2 & ce3 >> 3 & 0x1111) != 0) {
                        w30 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub), ce3 & 15, m30, w30);
                        w31 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub) + 1, ce3 >> 4 & 15, m31, w31);
                        w32 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub) + 2, ce3 >> 8 & 15, m32, w32);
                        w33 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub) + 3, ce3 >> 12 & 15, m33, w33);
                    }
                    float x0_0 = shared[0 * width + sub];
                    float x0_1 = shared[1 * width + sub];
                    float x0_2 = shared[2 * width + sub];
                    float x0_3 = shared[3 * width + sub];
                    s0_0 = StagedRowKernels.addQuadValues(s0_0, w00, w01, w02, w03, x0_0, x0_1, x0_2, x0_3);
                    s1_0 = StagedRowKernels.addQuadValues(s1_0, w10, w11, w12, w13, x0_0, x0_1, x0_2, x0_3);
                    s2_0 = StagedRowKernels.addQuadValues(s2_0, w20, w21, w22, w23, x0_0, x0_1, x0_2, x0_3);
                    s3_0 = StagedRowKernels.addQuadValues(s3_0, w30, w31, w32, w33, x0_0, x0_1, x0_2, x0_3);
                    float x1_0 = shared[4 * width + sub];
                    float x1_1 = shared[5 * width + sub];
                    float x1_2 = shared[6 * width + sub];
                    float x1_3 = shared[7 * width + sub];
                    s0_1 = StagedRowKernels.addQuadValues(s0_1, w00, w01, w02, w03, x1_0, x1_1, x1_2, x1_3);
                    s1_1 = StagedRowKernels.addQuadValues(s1_1, w10, w11, w12, w13, x1_0, x1_1, x1_2, x1_3);
                    s2_1 = StagedRowKernels.addQuadValues(s2_1, w20, w21, w22, w23, x1_0, x1_1, x1_2, x1_3);
                    s3_1 = StagedRowKernels.addQuadValues(s3_1, w30, w31, w32, w33, x1_0, x1_1, x1_2, x1_3);
                    float x2_0 = shared[8 * width + sub];
                    float x2_1 = shared[9 * width + sub];
                    float x2_2 = shared[10 * width + sub];
                    float x2_3 = shared[11 * width + sub];
                    s0_2 = StagedRowKernels.addQuadValues(s0_2, w00, w01, w02, w03, x2_0, x2_1, x2_2, x2_3);
                    s1_2 = StagedRowKernels.addQuadValues(s1_2, w10, w11, w12, w13, x2_0, x2_1, x2_2, x2_3);
                    s2_2 = StagedRowKernels.addQuadValues(s2_2, w20, w21, w22, w23, x2_0, x2_1, x2_2, x2_3);
                    s3_2 = StagedRowKernels.addQuadValues(s3_2, w30, w31, w32, w33, x2_0, x2_1, x2_2, x2_3);
                    float x3_0 = shared[12 * width + sub];
                    float x3_1 = shared[13 * width + sub];
                    float x3_2 = shared[14 * width + sub];
                    float x3_3 = shared[15 * width + sub];
                    s0_3 = StagedRowKernels.addQuadValues(s0_3, w00, w01, w02, w03, x3_0, x3_1, x3_2, x3_3);
                    s1_3 = StagedRowKernels.addQuadValues(s1_3, w10, w11, w12, w13, x3_0, x3_1, x3_2, x3_3);
                    s2_3 = StagedRowKernels.addQuadValues(s2_3, w20, w21, w22, w23, x3_0, x3_1, x3_2, x3_3);
                    s3_3 = StagedRowKernels.addQuadValues(s3_3, w30, w31, w32, w33, x3_0, x3_1, x3_2, x3_3);
                    float x4_0 = shared[16 * width + sub];
                    float x4_1 = shared[17 * width + sub];
                    float x4_2 = shared[18 * width + sub];
                    float x4_3 = shared[19 * width + sub];
                    s0_4 = StagedRowKernels.addQuadValues(s0_4, w00, w01, w02, w03, x4_0, x4_1, x4_2, x4_3);
                    s1_4 = StagedRowKernels.addQuadValues(s1_4, w10, w11, w12, w13, x4_0, x4_1, x4_2, x4_3);
                    s2_4 = StagedRowKernels.addQuadValues(s2_4, w20, w21, w22, w23, x4_0, x4_1, x4_2, x4_3);
                    s3_4 = StagedRowKernels.addQuadValues(s3_4, w30, w31, w32, w33, x4_0, x4_1, x4_2, x4_3);
                    float x5_0 = shared[20 * width + sub];
                    float x5_1 = shared[21 * width + sub];
                    float x5_2 = shared[22 * width + sub];
                    float x5_3 = shared[23 * width + sub];
                    s0_5 = StagedRowKernels.addQuadValues(s0_5, w00, w01, w02, w03, x5_0, x5_1, x5_2, x5_3);
                    s1_5 = StagedRowKernels.addQuadValues(s1_5, w10, w11, w12, w13, x5_0, x5_1, x5_2, x5_3);
                    s2_5 = StagedRowKernels.addQuadValues(s2_5, w20, w21, w22, w23, x5_0, x5_1, x5_2, x5_3);
                    s3_5 = StagedRowKernels.addQuadValues(s3_5, w30, w31, w32, w33, x5_0, x5_1, x5_2, x5_3);
                    float x6_0 = shared[24 * width + sub];
                    float x6_1 = shared[25 * width + sub];
                    float x6_2 = shared[26 * width + sub];
                    float x6_3 = shared[27 * width + sub];
                    s0_6 = StagedRowKernels.addQuadValues(s0_6, w00, w01, w02, w03, x6_0, x6_1, x6_2, x6_3);
                    s1_6 = StagedRowKernels.addQuadValues(s1_6, w10, w11, w12, w13, x6_0, x6_1, x6_2, x6_3);
                    s2_6 = StagedRowKernels.addQuadValues(s2_6, w20, w21, w22, w23, x6_0, x6_1, x6_2, x6_3);
                    s3_6 = StagedRowKernels.addQuadValues(s3_6, w30, w31, w32, w33, x6_0, x6_1, x6_2, x6_3);
                    float x7_0 = shared[28 * width + sub];
                    float x7_1 = shared[29 * width + sub];
                    float x7_2 = shared[30 * width + sub];
                    float x7_3 = shared[31 * width + sub];
                    s0_7 = StagedRowKernels.addQuadValues(s0_7, w00, w01, w02, w03, x7_0, x7_1, x7_2, x7_3);
                    s1_7 = StagedRowKernels.addQuadValues(s1_7, w10, w11, w12, w13, x7_0, x7_1, x7_2, x7_3);
                    s2_7 = StagedRowKernels.addQuadValues(s2_7, w20, w21, w22, w23, x7_0, x7_1, x7_2, x7_3);
                    s3_7 = StagedRowKernels.addQuadValues(s3_7, w30, w31, w32, w33, x7_0, x7_1, x7_2, x7_3);
                }
            }
            context.localBarrier();
            shared[0 * MAX_LOCAL + lane] = s0_0;
            shared[1 * MAX_LOCAL + lane] = s0_1;
            shared[2 * MAX_LOCAL + lane] = s0_2;
            shared[3 * MAX_LOCAL + lane] = s0_3;
            shared[4 * MAX_LOCAL + lane] = s0_4;
            shared[5 * MAX_LOCAL + lane] = s0_5;
            shared[6 * MAX_LOCAL + lane] = s0_6;
            shared[7 * MAX_LOCAL + lane] = s0_7;
            shared[8 * MAX_LOCAL + lane] = s1_0;
            shared[9 * MAX_LOCAL + lane] = s1_1;
            shared[10 * MAX_LOCAL + lane] = s1_2;
            shared[11 * MAX_LOCAL + lane] = s1_3;
            shared[12 * MAX_LOCAL + lane] = s1_4;
            shared[13 * MAX_LOCAL + lane] = s1_5;
            shared[14 * MAX_LOCAL + lane] = s1_6;
            shared[15 * MAX_LOCAL + lane] = s1_7;
            shared[16 * MAX_LOCAL + lane] = s2_0;
            shared[17 * MAX_LOCAL + lane] = s2_1;
            shared[18 * MAX_LOCAL + lane] = s2_2;
            shared[19 * MAX_LOCAL + lane] = s2_3;
            shared[20 * MAX_LOCAL + lane] = s2_4;
            shared[21 * MAX_LOCAL + lane] = s2_5;
            shared[22 * MAX_LOCAL + lane] = s2_6;
            shared[23 * MAX_LOCAL + lane] = s2_7;
            shared[24 * MAX_LOCAL + lane] = s3_0;
            shared[25 * MAX_LOCAL + lane] = s3_1;
            shared[26 * MAX_LOCAL + lane] = s3_2;
            shared[27 * MAX_LOCAL + lane] = s3_3;
            shared[28 * MAX_LOCAL + lane] = s3_4;
            shared[29 * MAX_LOCAL + lane] = s3_5;
            shared[30 * MAX_LOCAL + lane] = s3_6;
            shared[31 * MAX_LOCAL + lane] = s3_7;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    shared[0 * MAX_LOCAL + lane] += shared[0 * MAX_LOCAL + lane + half];
                    shared[1 * MAX_LOCAL + lane] += shared[1 * MAX_LOCAL + lane + half];
                    shared[2 * MAX_LOCAL + lane] += shared[2 * MAX_LOCAL + lane + half];
                    shared[3 * MAX_LOCAL + lane] += shared[3 * MAX_LOCAL + lane + half];
                    shared[4 * MAX_LOCAL + lane] += shared[4 * MAX_LOCAL + lane + half];
                    shared[5 * MAX_LOCAL + lane] += shared[5 * MAX_LOCAL + lane + half];
                    shared[6 * MAX_LOCAL + lane] += shared[6 * MAX_LOCAL + lane + half];
                    shared[7 * MAX_LOCAL + lane] += shared[7 * MAX_LOCAL + lane + half];
                    shared[8 * MAX_LOCAL + lane] += shared[8 * MAX_LOCAL + lane + half];
                    shared[9 * MAX_LOCAL + lane] += shared[9 * MAX_LOCAL + lane + half];
                    shared[10 * MAX_LOCAL + lane] += shared[10 * MAX_LOCAL + lane + half];
                    shared[11 * MAX_LOCAL + lane] += shared[11 * MAX_LOCAL + lane + half];
                    shared[12 * MAX_LOCAL + lane] += shared[12 * MAX_LOCAL + lane + half];
                    shared[13 * MAX_LOCAL + lane] += shared[13 * MAX_LOCAL + lane + half];
                    shared[14 * MAX_LOCAL + lane] += shared[14 * MAX_LOCAL + lane + half];
                    shared[15 * MAX_LOCAL + lane] += shared[15 * MAX_LOCAL + lane + half];
                    shared[16 * MAX_LOCAL + lane] += shared[16 * MAX_LOCAL + lane + half];
                    shared[17 * MAX_LOCAL + lane] += shared[17 * MAX_LOCAL + lane + half];
                    shared[18 * MAX_LOCAL + lane] += shared[18 * MAX_LOCAL + lane + half];
                    shared[19 * MAX_LOCAL + lane] += shared[19 * MAX_LOCAL + lane + half];
                    shared[20 * MAX_LOCAL + lane] += shared[20 * MAX_LOCAL + lane + half];
                    shared[21 * MAX_LOCAL + lane] += shared[21 * MAX_LOCAL + lane + half];
                    shared[22 * MAX_LOCAL + lane] += shared[22 * MAX_LOCAL + lane + half];
                    shared[23 * MAX_LOCAL + lane] += shared[23 * MAX_LOCAL + lane + half];
                    shared[24 * MAX_LOCAL + lane] += shared[24 * MAX_LOCAL + lane + half];
                    shared[25 * MAX_LOCAL + lane] += shared[25 * MAX_LOCAL + lane + half];
                    shared[26 * MAX_LOCAL + lane] += shared[26 * MAX_LOCAL + lane + half];
                    shared[27 * MAX_LOCAL + lane] += shared[27 * MAX_LOCAL + lane + half];
                    shared[28 * MAX_LOCAL + lane] += shared[28 * MAX_LOCAL + lane + half];
                    shared[29 * MAX_LOCAL + lane] += shared[29 * MAX_LOCAL + lane + half];
                    shared[30 * MAX_LOCAL + lane] += shared[30 * MAX_LOCAL + lane + half];
                    shared[31 * MAX_LOCAL + lane] += shared[31 * MAX_LOCAL + lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                float value0 = shared[0 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[1 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[2 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[3 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[4 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[5 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[6 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[7 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
                float value0 = shared[8 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[9 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[10 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[11 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[12 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[13 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[14 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[15 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
            if (sub == 0 && quads > 0 && write2 == 1) {
                int o = (b - first) * rows + row2;
                float value0 = shared[16 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[17 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[18 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[19 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[20 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[21 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[22 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[23 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
            if (sub == 0 && quads > 0 && write3 == 1) {
                int o = (b - first) * rows + row3;
                float value0 = shared[24 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[25 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[26 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[27 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[28 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[29 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[30 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[31 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
        }
        for (; b < count; b++) {
            float s0_0 = 0.0f;
            float s1_0 = 0.0f;
            float s2_0 = 0.0f;
            float s3_0 = 0.0f;
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
                if ((e0 & e0 >> 1 & e0 >> 2 & e0 >> 3 & 0x1111) != 0) {
                    w00 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k), e0 & 15, m00, w00);
                    w01 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k) + 1, e0 >> 4 & 15, m01, w01);
                    w02 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k) + 2, e0 >> 8 & 15, m02, w02);
                    w03 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k) + 3, e0 >> 12 & 15, m03, w03);
                }
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
                if ((e1 & e1 >> 1 & e1 >> 2 & e1 >> 3 & 0x1111) != 0) {
                    w10 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k), e1 & 15, m10, w10);
                    w11 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k) + 1, e1 >> 4 & 15, m11, w11);
                    w12 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k) + 2, e1 >> 8 & 15, m12, w12);
                    w13 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k) + 3, e1 >> 12 & 15, m13, w13);
                }
                int e2 = codes.get((base2 + k) >> 1) >> (((base2 + k) & 1) << 4) & 0xFFFF;
                int g2 = signMantissa.get(base2 + k);
                int m20 = g2 & 0xFF;
                int m21 = g2 >> 8 & 0xFF;
                int m22 = g2 >> 16 & 0xFF;
                int m23 = g2 >> 24 & 0xFF;
                float w20 = (m20 & 0x7F | 0x80) * table[CODE_SCALES + (m20 >> 3 & 0x10 | e2 & 15)];
                float w21 = (m21 & 0x7F | 0x80) * table[CODE_SCALES + (m21 >> 3 & 0x10 | e2 >> 4 & 15)];
                float w22 = (m22 & 0x7F | 0x80) * table[CODE_SCALES + (m22 >> 3 & 0x10 | e2 >> 8 & 15)];
                float w23 = (m23 & 0x7F | 0x80) * table[CODE_SCALES + (m23 >> 3 & 0x10 | e2 >> 12 & 15)];
                if ((e2 & e2 >> 1 & e2 >> 2 & e2 >> 3 & 0x1111) != 0) {
                    w20 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k), e2 & 15, m20, w20);
                    w21 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k) + 1, e2 >> 4 & 15, m21, w21);
                    w22 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k) + 2, e2 >> 8 & 15, m22, w22);
                    w23 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k) + 3, e2 >> 12 & 15, m23, w23);
                }
                int e3 = codes.get((base3 + k) >> 1) >> (((base3 + k) & 1) << 4) & 0xFFFF;
                int g3 = signMantissa.get(base3 + k);
                int m30 = g3 & 0xFF;
                int m31 = g3 >> 8 & 0xFF;
                int m32 = g3 >> 16 & 0xFF;
                int m33 = g3 >> 24 & 0xFF;
                float w30 = (m30 & 0x7F | 0x80) * table[CODE_SCALES + (m30 >> 3 & 0x10 | e3 & 15)];
                float w31 = (m31 & 0x7F | 0x80) * table[CODE_SCALES + (m31 >> 3 & 0x10 | e3 >> 4 & 15)];
                float w32 = (m32 & 0x7F | 0x80) * table[CODE_SCALES + (m32 >> 3 & 0x10 | e3 >> 8 & 15)];
                float w33 = (m33 & 0x7F | 0x80) * table[CODE_SCALES + (m33 >> 3 & 0x10 | e3 >> 12 & 15)];
                if ((e3 & e3 >> 1 & e3 >> 2 & e3 >> 3 & 0x1111) != 0) {
                    w30 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k), e3 & 15, m30, w30);
                    w31 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k) + 1, e3 >> 4 & 15, m31, w31);
                    w32 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k) + 2, e3 >> 8 & 15, m32, w32);
                    w33 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k) + 3, e3 >> 12 & 15, m33, w33);
                }
                int xc = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w00, w01, w02, w03, x, xc, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w10, w11, w12, w13, x, xc, stride);
                s2_0 = MatVecKernels.addQuad(s2_0, w20, w21, w22, w23, x, xc, stride);
                s3_0 = MatVecKernels.addQuad(s3_0, w30, w31, w32, w33, x, xc, stride);
            }
            shared[0 * MAX_LOCAL + lane] = s0_0;
            shared[1 * MAX_LOCAL + lane] = s1_0;
            shared[2 * MAX_LOCAL + lane] = s2_0;
            shared[3 * MAX_LOCAL + lane] = s3_0;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    shared[0 * MAX_LOCAL + lane] += shared[0 * MAX_LOCAL + lane + half];
                    shared[1 * MAX_LOCAL + lane] += shared[1 * MAX_LOCAL + lane + half];
                    shared[2 * MAX_LOCAL + lane] += shared[2 * MAX_LOCAL + lane + half];
                    shared[3 * MAX_LOCAL + lane] += shared[3 * MAX_LOCAL + lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                float value0 = shared[0 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
                float value0 = shared[1 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write2 == 1) {
                int o = (b - first) * rows + row2;
                float value0 = shared[2 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write3 == 1) {
                int o = (b - first) * rows + row3;
                float value0 = shared[3 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
        }
    }

    /**
     * {@link StagedRowKernels#matVecStagedTwoSlots} on the nibble layout; {@link NibbleMatVecKernels#matVecNibbles}
     * has the parameters.
     */
    public static void matVecStagedTwoSlotsNibbles(KernelContext context, IntArray codes, IntArray signMantissa, IntArray escapes,
            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,
            int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(NibbleLayout.SCALES);
        float[] shared = context.allocateFloatLocalArray(ROWS * TILE * MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int slots = TWO_SLOTS;
        int width = size / slots;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row0 = context.groupIdx * rowsPerGroup + slot;
        int quads = 0;
        if (row0 < rows) {
            quads = cols / 4;
        }
        int base0 = (offset + row0 * cols) / 4;
        int row1 = row0 + 1 * slots;
        int write1 = 0;
        int base1 = base0;
        if (row1 < rows) {
            write1 = 1;
            base1 = (offset + row1 * cols) / 4;
        }
        int row2 = row0 + 2 * slots;
        int write2 = 0;
        int base2 = base0;
        if (row2 < rows) {
            write2 = 1;
            base2 = (offset + row2 * cols) / 4;
        }
        int row3 = row0 + 3 * slots;
        int write3 = 0;
        int base3 = base0;
        if (row3 < rows) {
            write3 = 1;
            base3 = (offset + row3 * cols) / 4;
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
        int stride = cols / 4;
        int b = first;
        for (; b + 1 < count; b += TILE) {
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
            float p0 = StagedRowKernels.stagedValue(x, b + 0, count, cols, slot * stride + sub, sub, stride);
            float p1 = StagedRowKernels.stagedValue(x, b + 0, count, cols, (slot + 2) * stride + sub, sub, stride);
            float p2 = StagedRowKernels.stagedValue(x, b + 1, count, cols, slot * stride + sub, sub, stride);
            float p3 = StagedRowKernels.stagedValue(x, b + 1, count, cols, (slot + 2) * stride + sub, sub, stride);
            float p4 = StagedRowKernels.stagedValue(x, b + 2, count, cols, slot * stride + sub, sub, stride);
            float p5 = StagedRowKernels.stagedValue(x, b + 2, count, cols, (slot + 2) * stride + sub, sub, stride);
            float p6 = StagedRowKernels.stagedValue(x, b + 3, count, cols, slot * stride + sub, sub, stride);
            float p7 = StagedRowKernels.stagedValue(x, b + 3, count, cols, (slot + 2) * stride + sub, sub, stride);
            float p8 = StagedRowKernels.stagedValue(x, b + 4, count, cols, slot * stride + sub, sub, stride);
            float p9 = StagedRowKernels.stagedValue(x, b + 4, count, cols, (slot + 2) * stride + sub, sub, stride);
            float p10 = StagedRowKernels.stagedValue(x, b + 5, count, cols, slot * stride + sub, sub, stride);
            float p11 = StagedRowKernels.stagedValue(x, b + 5, count, cols, (slot + 2) * stride + sub, sub, stride);
            float p12 = StagedRowKernels.stagedValue(x, b + 6, count, cols, slot * stride + sub, sub, stride);
            float p13 = StagedRowKernels.stagedValue(x, b + 6, count, cols, (slot + 2) * stride + sub, sub, stride);
            float p14 = StagedRowKernels.stagedValue(x, b + 7, count, cols, slot * stride + sub, sub, stride);
            float p15 = StagedRowKernels.stagedValue(x, b + 7, count, cols, (slot + 2) * stride + sub, sub, stride);
            int e0 = 0;
            int g0 = 0;
            int e1 = 0;
            int g1 = 0;
            int e2 = 0;
            int g2 = 0;
            int e3 = 0;
            int g3 = 0;
            if (sub < quads) {
                e0 = codes.get((base0 + sub) >> 1) >> (((base0 + sub) & 1) << 4) & 0xFFFF;
                g0 = signMantissa.get(base0 + sub);
                e1 = codes.get((base1 + sub) >> 1) >> (((base1 + sub) & 1) << 4) & 0xFFFF;
                g1 = signMantissa.get(base1 + sub);
                e2 = codes.get((base2 + sub) >> 1) >> (((base2 + sub) & 1) << 4) & 0xFFFF;
                g2 = signMantissa.get(base2 + sub);
                e3 = codes.get((base3 + sub) >> 1) >> (((base3 + sub) & 1) << 4) & 0xFFFF;
                g3 = signMantissa.get(base3 + sub);
            }
            for (int chunk = 0; chunk < stride; chunk += width) {
                context.localBarrier();
                shared[lane + 0 * size] = p0;
                shared[lane + 1 * size] = p1;
                shared[lane + 2 * size] = p2;
                shared[lane + 3 * size] = p3;
                shared[lane + 4 * size] = p4;
                shared[lane + 5 * size] = p5;
                shared[lane + 6 * size] = p6;
                shared[lane + 7 * size] = p7;
                shared[lane + 8 * size] = p8;
                shared[lane + 9 * size] = p9;
                shared[lane + 10 * size] = p10;
                shared[lane + 11 * size] = p11;
                shared[lane + 12 * size] = p12;
                shared[lane + 13 * size] = p13;
                shared[lane + 14 * size] = p14;
                shared[lane + 15 * size] = p15;
                context.localBarrier();
                int ce0 = e0;
                int cg0 = g0;
                int ce1 = e1;
                int cg1 = g1;
                int ce2 = e2;
                int cg2 = g2;
                int ce3 = e3;
                int cg3 = g3;
                int next = chunk + width + sub;
                p0 = StagedRowKernels.stagedValue(x, b + 0, count, cols, slot * stride + next, next, stride);
                p1 = StagedRowKernels.stagedValue(x, b + 0, count, cols, (slot + 2) * stride + next, next, stride);
                p2 = StagedRowKernels.stagedValue(x, b + 1, count, cols, slot * stride + next, next, stride);
                p3 = StagedRowKernels.stagedValue(x, b + 1, count, cols, (slot + 2) * stride + next, next, stride);
                p4 = StagedRowKernels.stagedValue(x, b + 2, count, cols, slot * stride + next, next, stride);
                p5 = StagedRowKernels.stagedValue(x, b + 2, count, cols, (slot + 2) * stride + next, next, stride);
                p6 = StagedRowKernels.stagedValue(x, b + 3, count, cols, slot * stride + next, next, stride);
                p7 = StagedRowKernels.stagedValue(x, b + 3, count, cols, (slot + 2) * stride + next, next, stride);
                p8 = StagedRowKernels.stagedValue(x, b + 4, count, cols, slot * stride + next, next, stride);
                p9 = StagedRowKernels.stagedValue(x, b + 4, count, cols, (slot + 2) * stride + next, next, stride);
                p10 = StagedRowKernels.stagedValue(x, b + 5, count, cols, slot * stride + next, next, stride);
                p11 = StagedRowKernels.stagedValue(x, b + 5, count, cols, (slot + 2) * stride + next, next, stride);
                p12 = StagedRowKernels.stagedValue(x, b + 6, count, cols, slot * stride + next, next, stride);
                p13 = StagedRowKernels.stagedValue(x, b + 6, count, cols, (slot + 2) * stride + next, next, stride);
                p14 = StagedRowKernels.stagedValue(x, b + 7, count, cols, slot * stride + next, next, stride);
                p15 = StagedRowKernels.stagedValue(x, b + 7, count, cols, (slot + 2) * stride + next, next, stride);
                if (next < quads) {
                    e0 = codes.get((base0 + next) >> 1) >> (((base0 + next) & 1) << 4) & 0xFFFF;
                    g0 = signMantissa.get(base0 + next);
                    e1 = codes.get((base1 + next) >> 1) >> (((base1 + next) & 1) << 4) & 0xFFFF;
                    g1 = signMantissa.get(base1 + next);
                    e2 = codes.get((base2 + next) >> 1) >> (((base2 + next) & 1) << 4) & 0xFFFF;
                    g2 = signMantissa.get(base2 + next);
                    e3 = codes.get((base3 + next) >> 1) >> (((base3 + next) & 1) << 4) & 0xFFFF;
                    g3 = signMantissa.get(base3 + next);
                }
                if (chunk + sub < quads) {
                    int m00 = cg0 & 0xFF;
                    int m01 = cg0 >> 8 & 0xFF;
                    int m02 = cg0 >> 16 & 0xFF;
                    int m03 = cg0 >> 24 & 0xFF;
                    float w00 = (m00 & 0x7F | 0x80) * table[CODE_SCALES + (m00 >> 3 & 0x10 | ce0 & 15)];
                    float w01 = (m01 & 0x7F | 0x80) * table[CODE_SCALES + (m01 >> 3 & 0x10 | ce0 >> 4 & 15)];
                    float w02 = (m02 & 0x7F | 0x80) * table[CODE_SCALES + (m02 >> 3 & 0x10 | ce0 >> 8 & 15)];
                    float w03 = (m03 & 0x7F | 0x80) * table[CODE_SCALES + (m03 >> 3 & 0x10 | ce0 >> 12 & 15)];
                    if ((ce0 & ce0 >> 1 & ce0 >> 2 & ce0 >> 3 & 0x1111) != 0) {
                        w00 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub), ce0 & 15, m00, w00);
                        w01 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub) + 1, ce0 >> 4 & 15, m01, w01);
                        w02 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub) + 2, ce0 >> 8 & 15, m02, w02);
                        w03 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + chunk + sub) + 3, ce0 >> 12 & 15, m03, w03);
                    }
                    int m10 = cg1 & 0xFF;
                    int m11 = cg1 >> 8 & 0xFF;
                    int m12 = cg1 >> 16 & 0xFF;
                    int m13 = cg1 >> 24 & 0xFF;
                    float w10 = (m10 & 0x7F | 0x80) * table[CODE_SCALES + (m10 >> 3 & 0x10 | ce1 & 15)];
                    float w11 = (m11 & 0x7F | 0x80) * table[CODE_SCALES + (m11 >> 3 & 0x10 | ce1 >> 4 & 15)];
                    float w12 = (m12 & 0x7F | 0x80) * table[CODE_SCALES + (m12 >> 3 & 0x10 | ce1 >> 8 & 15)];
                    float w13 = (m13 & 0x7F | 0x80) * table[CODE_SCALES + (m13 >> 3 & 0x10 | ce1 >> 12 & 15)];
                    if ((ce1 & ce1 >> 1 & ce1 >> 2 & ce1 >> 3 & 0x1111) != 0) {
                        w10 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub), ce1 & 15, m10, w10);
                        w11 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub) + 1, ce1 >> 4 & 15, m11, w11);
                        w12 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub) + 2, ce1 >> 8 & 15, m12, w12);
                        w13 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + chunk + sub) + 3, ce1 >> 12 & 15, m13, w13);
                    }
                    int m20 = cg2 & 0xFF;
                    int m21 = cg2 >> 8 & 0xFF;
                    int m22 = cg2 >> 16 & 0xFF;
                    int m23 = cg2 >> 24 & 0xFF;
                    float w20 = (m20 & 0x7F | 0x80) * table[CODE_SCALES + (m20 >> 3 & 0x10 | ce2 & 15)];
                    float w21 = (m21 & 0x7F | 0x80) * table[CODE_SCALES + (m21 >> 3 & 0x10 | ce2 >> 4 & 15)];
                    float w22 = (m22 & 0x7F | 0x80) * table[CODE_SCALES + (m22 >> 3 & 0x10 | ce2 >> 8 & 15)];
                    float w23 = (m23 & 0x7F | 0x80) * table[CODE_SCALES + (m23 >> 3 & 0x10 | ce2 >> 12 & 15)];
                    if ((ce2 & ce2 >> 1 & ce2 >> 2 & ce2 >> 3 & 0x1111) != 0) {
                        w20 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub), ce2 & 15, m20, w20);
                        w21 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub) + 1, ce2 >> 4 & 15, m21, w21);
                        w22 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub) + 2, ce2 >> 8 & 15, m22, w22);
                        w23 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + chunk + sub) + 3, ce2 >> 12 & 15, m23, w23);
                    }
                    int m30 = cg3 & 0xFF;
                    int m31 = cg3 >> 8 & 0xFF;
                    int m32 = cg3 >> 16 & 0xFF;
                    int m33 = cg3 >> 24 & 0xFF;
                    float w30 = (m30 & 0x7F | 0x80) * table[CODE_SCALES + (m30 >> 3 & 0x10 | ce3 & 15)];
                    float w31 = (m31 & 0x7F | 0x80) * table[CODE_SCALES + (m31 >> 3 & 0x10 | ce3 >> 4 & 15)];
                    float w32 = (m32 & 0x7F | 0x80) * table[CODE_SCALES + (m32 >> 3 & 0x10 | ce3 >> 8 & 15)];
                    float w33 = (m33 & 0x7F | 0x80) * table[CODE_SCALES + (m33 >> 3 & 0x10 | ce3 >> 12 & 15)];
                    if ((ce3 & ce3 >> 1 & ce3 >> 2 & ce3 >> 3 & 0x1111) != 0) {
                        w30 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub), ce3 & 15, m30, w30);
                        w31 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub) + 1, ce3 >> 4 & 15, m31, w31);
                        w32 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub) + 2, ce3 >> 8 & 15, m32, w32);
                        w33 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + chunk + sub) + 3, ce3 >> 12 & 15, m33, w33);
                    }
                    float x0_0 = shared[0 * width + sub];
                    float x0_1 = shared[1 * width + sub];
                    float x0_2 = shared[2 * width + sub];
                    float x0_3 = shared[3 * width + sub];
                    s0_0 = StagedRowKernels.addQuadValues(s0_0, w00, w01, w02, w03, x0_0, x0_1, x0_2, x0_3);
                    s1_0 = StagedRowKernels.addQuadValues(s1_0, w10, w11, w12, w13, x0_0, x0_1, x0_2, x0_3);
                    s2_0 = StagedRowKernels.addQuadValues(s2_0, w20, w21, w22, w23, x0_0, x0_1, x0_2, x0_3);
                    s3_0 = StagedRowKernels.addQuadValues(s3_0, w30, w31, w32, w33, x0_0, x0_1, x0_2, x0_3);
                    float x1_0 = shared[4 * width + sub];
                    float x1_1 = shared[5 * width + sub];
                    float x1_2 = shared[6 * width + sub];
                    float x1_3 = shared[7 * width + sub];
                    s0_1 = StagedRowKernels.addQuadValues(s0_1, w00, w01, w02, w03, x1_0, x1_1, x1_2, x1_3);
                    s1_1 = StagedRowKernels.addQuadValues(s1_1, w10, w11, w12, w13, x1_0, x1_1, x1_2, x1_3);
                    s2_1 = StagedRowKernels.addQuadValues(s2_1, w20, w21, w22, w23, x1_0, x1_1, x1_2, x1_3);
                    s3_1 = StagedRowKernels.addQuadValues(s3_1, w30, w31, w32, w33, x1_0, x1_1, x1_2, x1_3);
                    float x2_0 = shared[8 * width + sub];
                    float x2_1 = shared[9 * width + sub];
                    float x2_2 = shared[10 * width + sub];
                    float x2_3 = shared[11 * width + sub];
                    s0_2 = StagedRowKernels.addQuadValues(s0_2, w00, w01, w02, w03, x2_0, x2_1, x2_2, x2_3);
                    s1_2 = StagedRowKernels.addQuadValues(s1_2, w10, w11, w12, w13, x2_0, x2_1, x2_2, x2_3);
                    s2_2 = StagedRowKernels.addQuadValues(s2_2, w20, w21, w22, w23, x2_0, x2_1, x2_2, x2_3);
                    s3_2 = StagedRowKernels.addQuadValues(s3_2, w30, w31, w32, w33, x2_0, x2_1, x2_2, x2_3);
                    float x3_0 = shared[12 * width + sub];
                    float x3_1 = shared[13 * width + sub];
                    float x3_2 = shared[14 * width + sub];
                    float x3_3 = shared[15 * width + sub];
                    s0_3 = StagedRowKernels.addQuadValues(s0_3, w00, w01, w02, w03, x3_0, x3_1, x3_2, x3_3);
                    s1_3 = StagedRowKernels.addQuadValues(s1_3, w10, w11, w12, w13, x3_0, x3_1, x3_2, x3_3);
                    s2_3 = StagedRowKernels.addQuadValues(s2_3, w20, w21, w22, w23, x3_0, x3_1, x3_2, x3_3);
                    s3_3 = StagedRowKernels.addQuadValues(s3_3, w30, w31, w32, w33, x3_0, x3_1, x3_2, x3_3);
                    float x4_0 = shared[16 * width + sub];
                    float x4_1 = shared[17 * width + sub];
                    float x4_2 = shared[18 * width + sub];
                    float x4_3 = shared[19 * width + sub];
                    s0_4 = StagedRowKernels.addQuadValues(s0_4, w00, w01, w02, w03, x4_0, x4_1, x4_2, x4_3);
                    s1_4 = StagedRowKernels.addQuadValues(s1_4, w10, w11, w12, w13, x4_0, x4_1, x4_2, x4_3);
                    s2_4 = StagedRowKernels.addQuadValues(s2_4, w20, w21, w22, w23, x4_0, x4_1, x4_2, x4_3);
                    s3_4 = StagedRowKernels.addQuadValues(s3_4, w30, w31, w32, w33, x4_0, x4_1, x4_2, x4_3);
                    float x5_0 = shared[20 * width + sub];
                    float x5_1 = shared[21 * width + sub];
                    float x5_2 = shared[22 * width + sub];
                    float x5_3 = shared[23 * width + sub];
                    s0_5 = StagedRowKernels.addQuadValues(s0_5, w00, w01, w02, w03, x5_0, x5_1, x5_2, x5_3);
                    s1_5 = StagedRowKernels.addQuadValues(s1_5, w10, w11, w12, w13, x5_0, x5_1, x5_2, x5_3);
                    s2_5 = StagedRowKernels.addQuadValues(s2_5, w20, w21, w22, w23, x5_0, x5_1, x5_2, x5_3);
                    s3_5 = StagedRowKernels.addQuadValues(s3_5, w30, w31, w32, w33, x5_0, x5_1, x5_2, x5_3);
                    float x6_0 = shared[24 * width + sub];
                    float x6_1 = shared[25 * width + sub];
                    float x6_2 = shared[26 * width + sub];
                    float x6_3 = shared[27 * width + sub];
                    s0_6 = StagedRowKernels.addQuadValues(s0_6, w00, w01, w02, w03, x6_0, x6_1, x6_2, x6_3);
                    s1_6 = StagedRowKernels.addQuadValues(s1_6, w10, w11, w12, w13, x6_0, x6_1, x6_2, x6_3);
                    s2_6 = StagedRowKernels.addQuadValues(s2_6, w20, w21, w22, w23, x6_0, x6_1, x6_2, x6_3);
                    s3_6 = StagedRowKernels.addQuadValues(s3_6, w30, w31, w32, w33, x6_0, x6_1, x6_2, x6_3);
                    float x7_0 = shared[28 * width + sub];
                    float x7_1 = shared[29 * width + sub];
                    float x7_2 = shared[30 * width + sub];
                    float x7_3 = shared[31 * width + sub];
                    s0_7 = StagedRowKernels.addQuadValues(s0_7, w00, w01, w02, w03, x7_0, x7_1, x7_2, x7_3);
                    s1_7 = StagedRowKernels.addQuadValues(s1_7, w10, w11, w12, w13, x7_0, x7_1, x7_2, x7_3);
                    s2_7 = StagedRowKernels.addQuadValues(s2_7, w20, w21, w22, w23, x7_0, x7_1, x7_2, x7_3);
                    s3_7 = StagedRowKernels.addQuadValues(s3_7, w30, w31, w32, w33, x7_0, x7_1, x7_2, x7_3);
                }
            }
            context.localBarrier();
            shared[0 * MAX_LOCAL + lane] = s0_0;
            shared[1 * MAX_LOCAL + lane] = s0_1;
            shared[2 * MAX_LOCAL + lane] = s0_2;
            shared[3 * MAX_LOCAL + lane] = s0_3;
            shared[4 * MAX_LOCAL + lane] = s0_4;
            shared[5 * MAX_LOCAL + lane] = s0_5;
            shared[6 * MAX_LOCAL + lane] = s0_6;
            shared[7 * MAX_LOCAL + lane] = s0_7;
            shared[8 * MAX_LOCAL + lane] = s1_0;
            shared[9 * MAX_LOCAL + lane] = s1_1;
            shared[10 * MAX_LOCAL + lane] = s1_2;
            shared[11 * MAX_LOCAL + lane] = s1_3;
            shared[12 * MAX_LOCAL + lane] = s1_4;
            shared[13 * MAX_LOCAL + lane] = s1_5;
            shared[14 * MAX_LOCAL + lane] = s1_6;
            shared[15 * MAX_LOCAL + lane] = s1_7;
            shared[16 * MAX_LOCAL + lane] = s2_0;
            shared[17 * MAX_LOCAL + lane] = s2_1;
            shared[18 * MAX_LOCAL + lane] = s2_2;
            shared[19 * MAX_LOCAL + lane] = s2_3;
            shared[20 * MAX_LOCAL + lane] = s2_4;
            shared[21 * MAX_LOCAL + lane] = s2_5;
            shared[22 * MAX_LOCAL + lane] = s2_6;
            shared[23 * MAX_LOCAL + lane] = s2_7;
            shared[24 * MAX_LOCAL + lane] = s3_0;
            shared[25 * MAX_LOCAL + lane] = s3_1;
            shared[26 * MAX_LOCAL + lane] = s3_2;
            shared[27 * MAX_LOCAL + lane] = s3_3;
            shared[28 * MAX_LOCAL + lane] = s3_4;
            shared[29 * MAX_LOCAL + lane] = s3_5;
            shared[30 * MAX_LOCAL + lane] = s3_6;
            shared[31 * MAX_LOCAL + lane] = s3_7;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    shared[0 * MAX_LOCAL + lane] += shared[0 * MAX_LOCAL + lane + half];
                    shared[1 * MAX_LOCAL + lane] += shared[1 * MAX_LOCAL + lane + half];
                    shared[2 * MAX_LOCAL + lane] += shared[2 * MAX_LOCAL + lane + half];
                    shared[3 * MAX_LOCAL + lane] += shared[3 * MAX_LOCAL + lane + half];
                    shared[4 * MAX_LOCAL + lane] += shared[4 * MAX_LOCAL + lane + half];
                    shared[5 * MAX_LOCAL + lane] += shared[5 * MAX_LOCAL + lane + half];
                    shared[6 * MAX_LOCAL + lane] += shared[6 * MAX_LOCAL + lane + half];
                    shared[7 * MAX_LOCAL + lane] += shared[7 * MAX_LOCAL + lane + half];
                    shared[8 * MAX_LOCAL + lane] += shared[8 * MAX_LOCAL + lane + half];
                    shared[9 * MAX_LOCAL + lane] += shared[9 * MAX_LOCAL + lane + half];
                    shared[10 * MAX_LOCAL + lane] += shared[10 * MAX_LOCAL + lane + half];
                    shared[11 * MAX_LOCAL + lane] += shared[11 * MAX_LOCAL + lane + half];
                    shared[12 * MAX_LOCAL + lane] += shared[12 * MAX_LOCAL + lane + half];
                    shared[13 * MAX_LOCAL + lane] += shared[13 * MAX_LOCAL + lane + half];
                    shared[14 * MAX_LOCAL + lane] += shared[14 * MAX_LOCAL + lane + half];
                    shared[15 * MAX_LOCAL + lane] += shared[15 * MAX_LOCAL + lane + half];
                    shared[16 * MAX_LOCAL + lane] += shared[16 * MAX_LOCAL + lane + half];
                    shared[17 * MAX_LOCAL + lane] += shared[17 * MAX_LOCAL + lane + half];
                    shared[18 * MAX_LOCAL + lane] += shared[18 * MAX_LOCAL + lane + half];
                    shared[19 * MAX_LOCAL + lane] += shared[19 * MAX_LOCAL + lane + half];
                    shared[20 * MAX_LOCAL + lane] += shared[20 * MAX_LOCAL + lane + half];
                    shared[21 * MAX_LOCAL + lane] += shared[21 * MAX_LOCAL + lane + half];
                    shared[22 * MAX_LOCAL + lane] += shared[22 * MAX_LOCAL + lane + half];
                    shared[23 * MAX_LOCAL + lane] += shared[23 * MAX_LOCAL + lane + half];
                    shared[24 * MAX_LOCAL + lane] += shared[24 * MAX_LOCAL + lane + half];
                    shared[25 * MAX_LOCAL + lane] += shared[25 * MAX_LOCAL + lane + half];
                    shared[26 * MAX_LOCAL + lane] += shared[26 * MAX_LOCAL + lane + half];
                    shared[27 * MAX_LOCAL + lane] += shared[27 * MAX_LOCAL + lane + half];
                    shared[28 * MAX_LOCAL + lane] += shared[28 * MAX_LOCAL + lane + half];
                    shared[29 * MAX_LOCAL + lane] += shared[29 * MAX_LOCAL + lane + half];
                    shared[30 * MAX_LOCAL + lane] += shared[30 * MAX_LOCAL + lane + half];
                    shared[31 * MAX_LOCAL + lane] += shared[31 * MAX_LOCAL + lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                float value0 = shared[0 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[1 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[2 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[3 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[4 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[5 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[6 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[7 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
                float value0 = shared[8 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[9 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[10 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[11 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[12 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[13 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[14 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[15 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
            if (sub == 0 && quads > 0 && write2 == 1) {
                int o = (b - first) * rows + row2;
                float value0 = shared[16 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[17 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[18 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[19 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[20 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[21 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[22 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[23 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
            if (sub == 0 && quads > 0 && write3 == 1) {
                int o = (b - first) * rows + row3;
                float value0 = shared[24 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                if (b + 1 < count) {
                    float value1 = shared[25 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value1 = output.get(o + 1 * rows) + value1;
                    }
                    output.set(o + 1 * rows, value1);
                }
                if (b + 2 < count) {
                    float value2 = shared[26 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value2 = output.get(o + 2 * rows) + value2;
                    }
                    output.set(o + 2 * rows, value2);
                }
                if (b + 3 < count) {
                    float value3 = shared[27 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value3 = output.get(o + 3 * rows) + value3;
                    }
                    output.set(o + 3 * rows, value3);
                }
                if (b + 4 < count) {
                    float value4 = shared[28 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value4 = output.get(o + 4 * rows) + value4;
                    }
                    output.set(o + 4 * rows, value4);
                }
                if (b + 5 < count) {
                    float value5 = shared[29 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value5 = output.get(o + 5 * rows) + value5;
                    }
                    output.set(o + 5 * rows, value5);
                }
                if (b + 6 < count) {
                    float value6 = shared[30 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value6 = output.get(o + 6 * rows) + value6;
                    }
                    output.set(o + 6 * rows, value6);
                }
                if (b + 7 < count) {
                    float value7 = shared[31 * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value7 = output.get(o + 7 * rows) + value7;
                    }
                    output.set(o + 7 * rows, value7);
                }
            }
        }
        for (; b < count; b++) {
            float s0_0 = 0.0f;
            float s1_0 = 0.0f;
            float s2_0 = 0.0f;
            float s3_0 = 0.0f;
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
                if ((e0 & e0 >> 1 & e0 >> 2 & e0 >> 3 & 0x1111) != 0) {
                    w00 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k), e0 & 15, m00, w00);
                    w01 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k) + 1, e0 >> 4 & 15, m01, w01);
                    w02 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k) + 2, e0 >> 8 & 15, m02, w02);
                    w03 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base0 + k) + 3, e0 >> 12 & 15, m03, w03);
                }
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
                if ((e1 & e1 >> 1 & e1 >> 2 & e1 >> 3 & 0x1111) != 0) {
                    w10 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k), e1 & 15, m10, w10);
                    w11 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k) + 1, e1 >> 4 & 15, m11, w11);
                    w12 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k) + 2, e1 >> 8 & 15, m12, w12);
                    w13 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base1 + k) + 3, e1 >> 12 & 15, m13, w13);
                }
                int e2 = codes.get((base2 + k) >> 1) >> (((base2 + k) & 1) << 4) & 0xFFFF;
                int g2 = signMantissa.get(base2 + k);
                int m20 = g2 & 0xFF;
                int m21 = g2 >> 8 & 0xFF;
                int m22 = g2 >> 16 & 0xFF;
                int m23 = g2 >> 24 & 0xFF;
                float w20 = (m20 & 0x7F | 0x80) * table[CODE_SCALES + (m20 >> 3 & 0x10 | e2 & 15)];
                float w21 = (m21 & 0x7F | 0x80) * table[CODE_SCALES + (m21 >> 3 & 0x10 | e2 >> 4 & 15)];
                float w22 = (m22 & 0x7F | 0x80) * table[CODE_SCALES + (m22 >> 3 & 0x10 | e2 >> 8 & 15)];
                float w23 = (m23 & 0x7F | 0x80) * table[CODE_SCALES + (m23 >> 3 & 0x10 | e2 >> 12 & 15)];
                if ((e2 & e2 >> 1 & e2 >> 2 & e2 >> 3 & 0x1111) != 0) {
                    w20 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k), e2 & 15, m20, w20);
                    w21 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k) + 1, e2 >> 4 & 15, m21, w21);
                    w22 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k) + 2, e2 >> 8 & 15, m22, w22);
                    w23 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base2 + k) + 3, e2 >> 12 & 15, m23, w23);
                }
                int e3 = codes.get((base3 + k) >> 1) >> (((base3 + k) & 1) << 4) & 0xFFFF;
                int g3 = signMantissa.get(base3 + k);
                int m30 = g3 & 0xFF;
                int m31 = g3 >> 8 & 0xFF;
                int m32 = g3 >> 16 & 0xFF;
                int m33 = g3 >> 24 & 0xFF;
                float w30 = (m30 & 0x7F | 0x80) * table[CODE_SCALES + (m30 >> 3 & 0x10 | e3 & 15)];
                float w31 = (m31 & 0x7F | 0x80) * table[CODE_SCALES + (m31 >> 3 & 0x10 | e3 >> 4 & 15)];
                float w32 = (m32 & 0x7F | 0x80) * table[CODE_SCALES + (m32 >> 3 & 0x10 | e3 >> 8 & 15)];
                float w33 = (m33 & 0x7F | 0x80) * table[CODE_SCALES + (m33 >> 3 & 0x10 | e3 >> 12 & 15)];
                if ((e3 & e3 >> 1 & e3 >> 2 & e3 >> 3 & 0x1111) != 0) {
                    w30 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k), e3 & 15, m30, w30);
                    w31 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k) + 1, e3 >> 4 & 15, m31, w31);
                    w32 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k) + 2, e3 >> 8 & 15, m32, w32);
                    w33 = NibbleMatVecKernels.escaped(escapes, scales, 4 * (base3 + k) + 3, e3 >> 12 & 15, m33, w33);
                }
                int xc = b * cols + k;
                s0_0 = MatVecKernels.addQuad(s0_0, w00, w01, w02, w03, x, xc, stride);
                s1_0 = MatVecKernels.addQuad(s1_0, w10, w11, w12, w13, x, xc, stride);
                s2_0 = MatVecKernels.addQuad(s2_0, w20, w21, w22, w23, x, xc, stride);
                s3_0 = MatVecKernels.addQuad(s3_0, w30, w31, w32, w33, x, xc, stride);
            }
            shared[0 * MAX_LOCAL + lane] = s0_0;
            shared[1 * MAX_LOCAL + lane] = s1_0;
            shared[2 * MAX_LOCAL + lane] = s2_0;
            shared[3 * MAX_LOCAL + lane] = s3_0;
            context.localBarrier();
            for (int half = width / 2; half > 0; half >>= 1) {
                if (sub < half) {
                    shared[0 * MAX_LOCAL + lane] += shared[0 * MAX_LOCAL + lane + half];
                    shared[1 * MAX_LOCAL + lane] += shared[1 * MAX_LOCAL + lane + half];
                    shared[2 * MAX_LOCAL + lane] += shared[2 * MAX_LOCAL + lane + half];
                    shared[3 * MAX_LOCAL + lane] += shared[3 * MAX_LOCAL + lane + half];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                float value0 = shared[0 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write1 == 1) {
                int o = (b - first) * rows + row1;
                float value0 = shared[1 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write2 == 1) {
                int o = (b - first) * rows + row2;
                float value0 = shared[2 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
            if (sub == 0 && quads > 0 && write3 == 1) {
                int o = (b - first) * rows + row3;
                float value0 = shared[3 * MAX_LOCAL + lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
            }
        }
    }
}
