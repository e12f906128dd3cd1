package dev.df11.lab.matvec;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.StagedRowKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Lab rung of {@link StagedRowKernels#matVecStaged} with one barrier per chunk instead of two: the staged activations
 * are double-buffered in local memory. While the group multiplies chunk {@code c} from one buffer, each work-item
 * writes chunk {@code c + 1}'s activations (loaded into registers a chunk earlier) into the other and starts loading
 * chunk {@code c + 2}'s; one barrier then makes the new buffer visible and frees the old one (KERNEL-NOTES, "Staged
 * activations": the suspect is the barrier stalls with 16 warps an SM). Same launch (four slots of {@link #ROWS} rows,
 * {@code 4 * width} work-items, width up to 64), same products in the same order, so the same bits; partial tiles and
 * the one-token tier as there. Generated code (one line per product).
 */
public final class StagedOneBarrierKernels {

    /** Row slots of a group: {@code rowsPerGroup} must be {@code SLOTS * ROWS}. */
    public static final int SLOTS = StagedRowKernels.SLOTS;

    /** Rows per work-item. */
    public static final int ROWS = 4;

    /** Tokens of the staged tier. */
    public static final int TILE = 8;

    /** Work-items a group may have: two buffers of {@code TILE x 4 x width} values fit in the partial sums' array. */
    public static final int MAX_LOCAL = ForwardKernels.MAX_LOCAL;

    private StagedOneBarrierKernels() {
    }

    /** {@link MatVecKernels#matVec} has the parameters; {@code rowsPerGroup} must be {@code SLOTS * ROWS}. */
    public static void matVecStagedOneBarrier(KernelContext context, IntArray exponents, IntArray signMantissa,
            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,
            int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
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
                e0 = exponents.get(base0 + sub);
                g0 = signMantissa.get(base0 + sub);
                e1 = exponents.get(base1 + sub);
                g1 = signMantissa.get(base1 + sub);
                e2 = exponents.get(base2 + sub);
                g2 = signMantissa.get(base2 + sub);
                e3 = exponents.get(base3 + sub);
                g3 = signMantissa.get(base3 + sub);
            }
            context.localBarrier();
            shared[lane + 0 * size] = p0;
            shared[lane + 1 * size] = p1;
            shared[lane + 2 * size] = p2;
            shared[lane + 3 * size] = p3;
            shared[lane + 4 * size] = p4;
            shared[lane + 5 * size] = p5;
            shared[lane + 6 * size] = p6;
            shared[lane + 7 * size] = p7;
            int ahead = width + sub;
            p0 = StagedRowKernels.stagedValue(x, b + 0, count, cols, slot * stride + ahead, ahead, stride);
            p1 = StagedRowKernels.stagedValue(x, b + 1, count, cols, slot * stride + ahead, ahead, stride);
            p2 = StagedRowKernels.stagedValue(x, b + 2, count, cols, slot * stride + ahead, ahead, stride);
            p3 = StagedRowKernels.stagedValue(x, b + 3, count, cols, slot * stride + ahead, ahead, stride);
            p4 = StagedRowKernels.stagedValue(x, b + 4, count, cols, slot * stride + ahead, ahead, stride);
            p5 = StagedRowKernels.stagedValue(x, b + 5, count, cols, slot * stride + ahead, ahead, stride);
            p6 = StagedRowKernels.stagedValue(x, b + 6, count, cols, slot * stride + ahead, ahead, stride);
            p7 = StagedRowKernels.stagedValue(x, b + 7, count, cols, slot * stride + ahead, ahead, stride);
            context.localBarrier();
            int stage = 0;
            for (int chunk = 0; chunk < stride; chunk += width) {
                int ce0 = e0;
                int cg0 = g0;
                int ce1 = e1;
                int cg1 = g1;
                int ce2 = e2;
                int cg2 = g2;
                int ce3 = e3;
                int cg3 = g3;
                int next = chunk + width + sub;
                if (next < quads) {
                    e0 = exponents.get(base0 + next);
                    g0 = signMantissa.get(base0 + next);
                    e1 = exponents.get(base1 + next);
                    g1 = signMantissa.get(base1 + next);
                    e2 = exponents.get(base2 + next);
                    g2 = signMantissa.get(base2 + next);
                    e3 = exponents.get(base3 + next);
                    g3 = signMantissa.get(base3 + next);
                }
                if (chunk + sub < quads) {
                    int a00 = ce0 & 0xFF;
                    int m00 = cg0 & 0xFF;
                    int a01 = ce0 >> 8 & 0xFF;
                    int m01 = cg0 >> 8 & 0xFF;
                    int a02 = ce0 >> 16 & 0xFF;
                    int m02 = cg0 >> 16 & 0xFF;
                    int a03 = ce0 >> 24 & 0xFF;
                    int m03 = cg0 >> 24 & 0xFF;
                    float w00 = Bf16Scales.widenPlanes(a00, m00, table[Bf16Scales.planeIndex(a00, m00)]);
                    float w01 = Bf16Scales.widenPlanes(a01, m01, table[Bf16Scales.planeIndex(a01, m01)]);
                    float w02 = Bf16Scales.widenPlanes(a02, m02, table[Bf16Scales.planeIndex(a02, m02)]);
                    float w03 = Bf16Scales.widenPlanes(a03, m03, table[Bf16Scales.planeIndex(a03, m03)]);
                    int a10 = ce1 & 0xFF;
                    int m10 = cg1 & 0xFF;
                    int a11 = ce1 >> 8 & 0xFF;
                    int m11 = cg1 >> 8 & 0xFF;
                    int a12 = ce1 >> 16 & 0xFF;
                    int m12 = cg1 >> 16 & 0xFF;
                    int a13 = ce1 >> 24 & 0xFF;
                    int m13 = cg1 >> 24 & 0xFF;
                    float w10 = Bf16Scales.widenPlanes(a10, m10, table[Bf16Scales.planeIndex(a10, m10)]);
                    float w11 = Bf16Scales.widenPlanes(a11, m11, table[Bf16Scales.planeIndex(a11, m11)]);
                    float w12 = Bf16Scales.widenPlanes(a12, m12, table[Bf16Scales.planeIndex(a12, m12)]);
                    float w13 = Bf16Scales.widenPlanes(a13, m13, table[Bf16Scales.planeIndex(a13, m13)]);
                    int a20 = ce2 & 0xFF;
                    int m20 = cg2 & 0xFF;
                    int a21 = ce2 >> 8 & 0xFF;
                    int m21 = cg2 >> 8 & 0xFF;
                    int a22 = ce2 >> 16 & 0xFF;
                    int m22 = cg2 >> 16 & 0xFF;
                    int a23 = ce2 >> 24 & 0xFF;
                    int m23 = cg2 >> 24 & 0xFF;
                    float w20 = Bf16Scales.widenPlanes(a20, m20, table[Bf16Scales.planeIndex(a20, m20)]);
                    float w21 = Bf16Scales.widenPlanes(a21, m21, table[Bf16Scales.planeIndex(a21, m21)]);
                    float w22 = Bf16Scales.widenPlanes(a22, m22, table[Bf16Scales.planeIndex(a22, m22)]);
                    float w23 = Bf16Scales.widenPlanes(a23, m23, table[Bf16Scales.planeIndex(a23, m23)]);
                    int a30 = ce3 & 0xFF;
                    int m30 = cg3 & 0xFF;
                    int a31 = ce3 >> 8 & 0xFF;
                    int m31 = cg3 >> 8 & 0xFF;
                    int a32 = ce3 >> 16 & 0xFF;
                    int m32 = cg3 >> 16 & 0xFF;
                    int a33 = ce3 >> 24 & 0xFF;
                    int m33 = cg3 >> 24 & 0xFF;
                    float w30 = Bf16Scales.widenPlanes(a30, m30, table[Bf16Scales.planeIndex(a30, m30)]);
                    float w31 = Bf16Scales.widenPlanes(a31, m31, table[Bf16Scales.planeIndex(a31, m31)]);
                    float w32 = Bf16Scales.widenPlanes(a32, m32, table[Bf16Scales.planeIndex(a32, m32)]);
                    float w33 = Bf16Scales.widenPlanes(a33, m33, table[Bf16Scales.planeIndex(a33, m33)]);
                    float x0_0 = shared[stage + 0 * width + sub];
                    float x0_1 = shared[stage + 1 * width + sub];
                    float x0_2 = shared[stage + 2 * width + sub];
                    float x0_3 = shared[stage + 3 * width + sub];
                    s0_0 = StagedRowKernels.addQuadValues(s0_0, w00, w01, w02, w03, x0_0, x0_1, x0_2, x0_3);
                    s1_0 = StagedRowKernels.addQuadValues(s1_0, w10, w11, w12, w13, x0_0, x0_1, x0_2, x0_3);
                    s2_0 = StagedRowKernels.addQuadValues(s2_0, w20, w21, w22, w23, x0_0, x0_1, x0_2, x0_3);
                    s3_0 = StagedRowKernels.addQuadValues(s3_0, w30, w31, w32, w33, x0_0, x0_1, x0_2, x0_3);
                    float x1_0 = shared[stage + 4 * width + sub];
                    float x1_1 = shared[stage + 5 * width + sub];
                    float x1_2 = shared[stage + 6 * width + sub];
                    float x1_3 = shared[stage + 7 * width + sub];
                    s0_1 = StagedRowKernels.addQuadValues(s0_1, w00, w01, w02, w03, x1_0, x1_1, x1_2, x1_3);
                    s1_1 = StagedRowKernels.addQuadValues(s1_1, w10, w11, w12, w13, x1_0, x1_1, x1_2, x1_3);
                    s2_1 = StagedRowKernels.addQuadValues(s2_1, w20, w21, w22, w23, x1_0, x1_1, x1_2, x1_3);
                    s3_1 = StagedRowKernels.addQuadValues(s3_1, w30, w31, w32, w33, x1_0, x1_1, x1_2, x1_3);
                    float x2_0 = shared[stage + 8 * width + sub];
                    float x2_1 = shared[stage + 9 * width + sub];
                    float x2_2 = shared[stage + 10 * width + sub];
                    float x2_3 = shared[stage + 11 * width + sub];
                    s0_2 = StagedRowKernels.addQuadValues(s0_2, w00, w01, w02, w03, x2_0, x2_1, x2_2, x2_3);
                    s1_2 = StagedRowKernels.addQuadValues(s1_2, w10, w11, w12, w13, x2_0, x2_1, x2_2, x2_3);
                    s2_2 = StagedRowKernels.addQuadValues(s2_2, w20, w21, w22, w23, x2_0, x2_1, x2_2, x2_3);
                    s3_2 = StagedRowKernels.addQuadValues(s3_2, w30, w31, w32, w33, x2_0, x2_1, x2_2, x2_3);
                    float x3_0 = shared[stage + 12 * width + sub];
                    float x3_1 = shared[stage + 13 * width + sub];
                    float x3_2 = shared[stage + 14 * width + sub];
                    float x3_3 = shared[stage + 15 * width + sub];
                    s0_3 = StagedRowKernels.addQuadValues(s0_3, w00, w01, w02, w03, x3_0, x3_1, x3_2, x3_3);
                    s1_3 = StagedRowKernels.addQuadValues(s1_3, w10, w11, w12, w13, x3_0, x3_1, x3_2, x3_3);
                    s2_3 = StagedRowKernels.addQuadValues(s2_3, w20, w21, w22, w23, x3_0, x3_1, x3_2, x3_3);
                    s3_3 = StagedRowKernels.addQuadValues(s3_3, w30, w31, w32, w33, x3_0, x3_1, x3_2, x3_3);
                    float x4_0 = shared[stage + 16 * width + sub];
                    float x4_1 = shared[stage + 17 * width + sub];
                    float x4_2 = shared[stage + 18 * width + sub];
                    float x4_3 = shared[stage + 19 * width + sub];
                    s0_4 = StagedRowKernels.addQuadValues(s0_4, w00, w01, w02, w03, x4_0, x4_1, x4_2, x4_3);
                    s1_4 = StagedRowKernels.addQuadValues(s1_4, w10, w11, w12, w13, x4_0, x4_1, x4_2, x4_3);
                    s2_4 = StagedRowKernels.addQuadValues(s2_4, w20, w21, w22, w23, x4_0, x4_1, x4_2, x4_3);
                    s3_4 = StagedRowKernels.addQuadValues(s3_4, w30, w31, w32, w33, x4_0, x4_1, x4_2, x4_3);
                    float x5_0 = shared[stage + 20 * width + sub];
                    float x5_1 = shared[stage + 21 * width + sub];
                    float x5_2 = shared[stage + 22 * width + sub];
                    float x5_3 = shared[stage + 23 * width + sub];
                    s0_5 = StagedRowKernels.addQuadValues(s0_5, w00, w01, w02, w03, x5_0, x5_1, x5_2, x5_3);
                    s1_5 = StagedRowKernels.addQuadValues(s1_5, w10, w11, w12, w13, x5_0, x5_1, x5_2, x5_3);
                    s2_5 = StagedRowKernels.addQuadValues(s2_5, w20, w21, w22, w23, x5_0, x5_1, x5_2, x5_3);
                    s3_5 = StagedRowKernels.addQuadValues(s3_5, w30, w31, w32, w33, x5_0, x5_1, x5_2, x5_3);
                    float x6_0 = shared[stage + 24 * width + sub];
                    float x6_1 = shared[stage + 25 * width + sub];
                    float x6_2 = shared[stage + 26 * width + sub];
                    float x6_3 = shared[stage + 27 * width + sub];
                    s0_6 = StagedRowKernels.addQuadValues(s0_6, w00, w01, w02, w03, x6_0, x6_1, x6_2, x6_3);
                    s1_6 = StagedRowKernels.addQuadValues(s1_6, w10, w11, w12, w13, x6_0, x6_1, x6_2, x6_3);
                    s2_6 = StagedRowKernels.addQuadValues(s2_6, w20, w21, w22, w23, x6_0, x6_1, x6_2, x6_3);
                    s3_6 = StagedRowKernels.addQuadValues(s3_6, w30, w31, w32, w33, x6_0, x6_1, x6_2, x6_3);
                    float x7_0 = shared[stage + 28 * width + sub];
                    float x7_1 = shared[stage + 29 * width + sub];
                    float x7_2 = shared[stage + 30 * width + sub];
                    float x7_3 = shared[stage + 31 * width + sub];
                    s0_7 = StagedRowKernels.addQuadValues(s0_7, w00, w01, w02, w03, x7_0, x7_1, x7_2, x7_3);
                    s1_7 = StagedRowKernels.addQuadValues(s1_7, w10, w11, w12, w13, x7_0, x7_1, x7_2, x7_3);
                    s2_7 = StagedRowKernels.addQuadValues(s2_7, w20, w21, w22, w23, x7_0, x7_1, x7_2, x7_3);
                    s3_7 = StagedRowKernels.addQuadValues(s3_7, w30, w31, w32, w33, x7_0, x7_1, x7_2, x7_3);
                }
                stage = 8 * size - stage;
                shared[stage + lane + 0 * size] = p0;
                shared[stage + lane + 1 * size] = p1;
                shared[stage + lane + 2 * size] = p2;
                shared[stage + lane + 3 * size] = p3;
                shared[stage + lane + 4 * size] = p4;
                shared[stage + lane + 5 * size] = p5;
                shared[stage + lane + 6 * size] = p6;
                shared[stage + lane + 7 * size] = p7;
                int after = chunk + 2 * width + sub;
                p0 = StagedRowKernels.stagedValue(x, b + 0, count, cols, slot * stride + after, after, stride);
                p1 = StagedRowKernels.stagedValue(x, b + 1, count, cols, slot * stride + after, after, stride);
                p2 = StagedRowKernels.stagedValue(x, b + 2, count, cols, slot * stride + after, after, stride);
                p3 = StagedRowKernels.stagedValue(x, b + 3, count, cols, slot * stride + after, after, stride);
                p4 = StagedRowKernels.stagedValue(x, b + 4, count, cols, slot * stride + after, after, stride);
                p5 = StagedRowKernels.stagedValue(x, b + 5, count, cols, slot * stride + after, after, stride);
                p6 = StagedRowKernels.stagedValue(x, b + 6, count, cols, slot * stride + after, after, stride);
                p7 = StagedRowKernels.stagedValue(x, b + 7, count, cols, slot * stride + after, after, stride);
                context.localBarrier();
            }
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
