package dev.df11.lab.matvec;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.MatVecKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Lab rung of {@link MatVecKernels#matVec}: each work-item serves two rows, so every activation it loads feeds two
 * rows' products instead of one. Measured on an H200 (KERNEL-NOTES, "Lab rung: two rows per work-item"): 6-7% faster
 * than the planes kernel at batch 1, 17-21% slower at batch 64, so it stays in the lab.
 *
 * <p>Same rows per group and the same work-items per row as the planes kernel launched with twice the local size:
 * launched with {@code L / 2} work-items and {@code rowsPerGroup} R, it computes what {@code matVec} computes with
 * {@code L} and R (bit for bit, on PoCL too since every path adds through {@link MatVecKernels#addQuad}). Slot {@code
 * s} of the group's {@code R / 2} serves rows {@code s} and {@code s + R / 2}; a row's work-item {@code sub} adds the
 * row's quads {@code sub, sub + width, ...} in that order, each through {@link MatVecKernels#addQuad}, and the row's
 * partial sums go through the same reduction tree. The loops have the planes kernel's shape ({@link
 * MatVecKernels#UNROLL} quads of each row per iteration, then a tail), with each row's lines where the planes kernel
 * has its one row's. {@code x} is quad-major ({@link MatVecKernels#quadMajor}); {@code rowsPerGroup} must be at least
 * 2.
 */
public final class RowPairKernels {

    /** Local memory for partial sums: two rows and a tile of tokens per work-item, at most this many work-items. */
    public static final int MAX_LOCAL = ForwardKernels.MAX_LOCAL / 2;

    private RowPairKernels() {
    }

    /** @see MatVecKernels#matVec for the parameters; the launch is described above. */
    public static void matVecRowPairs(KernelContext context, IntArray exponents, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(2 * MatVecKernels.TILE * MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int half = rowsPerGroup / 2;
        int width = size / half;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row0 = context.groupIdx * rowsPerGroup + slot;
        int row1 = row0 + half;
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
        int quarter = cols / 4;
        int step = MatVecKernels.UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        // partial[(r * TILE + t) * MAX_LOCAL + lane]: row r of the pair, token t of the tile.
        int l1 = MAX_LOCAL + lane;
        int l2 = 2 * MAX_LOCAL + lane;
        int l3 = 3 * MAX_LOCAL + lane;
        int l4 = 4 * MAX_LOCAL + lane;
        int l5 = 5 * MAX_LOCAL + lane;
        int l6 = 6 * MAX_LOCAL + lane;
        int l7 = 7 * MAX_LOCAL + lane;
        int b = first;
        for (; b + MatVecKernels.TILE <= count; b += MatVecKernels.TILE) {
            int xb0 = b * cols;
            int xb1 = xb0 + cols;
            int xb2 = xb1 + cols;
            int xb3 = xb2 + cols;
            float s00 = 0.0f;
            float s01 = 0.0f;
            float s02 = 0.0f;
            float s03 = 0.0f;
            float s10 = 0.0f;
            float s11 = 0.0f;
            float s12 = 0.0f;
            float s13 = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = exponents.get(base0 + k);
                int g0 = signMantissa.get(base0 + k);
                int a00 = e0 & 0xFF;
                int b00 = e0 >> 8 & 0xFF;
                int c00 = e0 >> 16 & 0xFF;
                int d00 = e0 >> 24 & 0xFF;
                int p00 = g0 & 0xFF;
                int q00 = g0 >> 8 & 0xFF;
                int r00 = g0 >> 16 & 0xFF;
                int t00 = g0 >> 24 & 0xFF;
                float w000 = Bf16Scales.widenPlanes(a00, p00, table[Bf16Scales.planeIndex(a00, p00)]);
                float w100 = Bf16Scales.widenPlanes(b00, q00, table[Bf16Scales.planeIndex(b00, q00)]);
                float w200 = Bf16Scales.widenPlanes(c00, r00, table[Bf16Scales.planeIndex(c00, r00)]);
                float w300 = Bf16Scales.widenPlanes(d00, t00, table[Bf16Scales.planeIndex(d00, t00)]);
                int f0 = exponents.get(base1 + k);
                int m0 = signMantissa.get(base1 + k);
                int a10 = f0 & 0xFF;
                int b10 = f0 >> 8 & 0xFF;
                int c10 = f0 >> 16 & 0xFF;
                int d10 = f0 >> 24 & 0xFF;
                int p10 = m0 & 0xFF;
                int q10 = m0 >> 8 & 0xFF;
                int r10 = m0 >> 16 & 0xFF;
                int t10 = m0 >> 24 & 0xFF;
                float w010 = Bf16Scales.widenPlanes(a10, p10, table[Bf16Scales.planeIndex(a10, p10)]);
                float w110 = Bf16Scales.widenPlanes(b10, q10, table[Bf16Scales.planeIndex(b10, q10)]);
                float w210 = Bf16Scales.widenPlanes(c10, r10, table[Bf16Scales.planeIndex(c10, r10)]);
                float w310 = Bf16Scales.widenPlanes(d10, t10, table[Bf16Scales.planeIndex(d10, t10)]);
                int xq0 = k;
                s00 = MatVecKernels.addQuad(s00, w000, w100, w200, w300, x, xb0 + xq0, quarter);
                s10 = MatVecKernels.addQuad(s10, w010, w110, w210, w310, x, xb0 + xq0, quarter);
                s01 = MatVecKernels.addQuad(s01, w000, w100, w200, w300, x, xb1 + xq0, quarter);
                s11 = MatVecKernels.addQuad(s11, w010, w110, w210, w310, x, xb1 + xq0, quarter);
                s02 = MatVecKernels.addQuad(s02, w000, w100, w200, w300, x, xb2 + xq0, quarter);
                s12 = MatVecKernels.addQuad(s12, w010, w110, w210, w310, x, xb2 + xq0, quarter);
                s03 = MatVecKernels.addQuad(s03, w000, w100, w200, w300, x, xb3 + xq0, quarter);
                s13 = MatVecKernels.addQuad(s13, w010, w110, w210, w310, x, xb3 + xq0, quarter);
                int e1 = exponents.get(base0 + k + width);
                int g1 = signMantissa.get(base0 + k + width);
                int a01 = e1 & 0xFF;
                int b01 = e1 >> 8 & 0xFF;
                int c01 = e1 >> 16 & 0xFF;
                int d01 = e1 >> 24 & 0xFF;
                int p01 = g1 & 0xFF;
                int q01 = g1 >> 8 & 0xFF;
                int r01 = g1 >> 16 & 0xFF;
                int t01 = g1 >> 24 & 0xFF;
                float w001 = Bf16Scales.widenPlanes(a01, p01, table[Bf16Scales.planeIndex(a01, p01)]);
                float w101 = Bf16Scales.widenPlanes(b01, q01, table[Bf16Scales.planeIndex(b01, q01)]);
                float w201 = Bf16Scales.widenPlanes(c01, r01, table[Bf16Scales.planeIndex(c01, r01)]);
                float w301 = Bf16Scales.widenPlanes(d01, t01, table[Bf16Scales.planeIndex(d01, t01)]);
                int f1 = exponents.get(base1 + k + width);
                int m1 = signMantissa.get(base1 + k + width);
                int a11 = f1 & 0xFF;
                int b11 = f1 >> 8 & 0xFF;
                int c11 = f1 >> 16 & 0xFF;
                int d11 = f1 >> 24 & 0xFF;
                int p11 = m1 & 0xFF;
                int q11 = m1 >> 8 & 0xFF;
                int r11 = m1 >> 16 & 0xFF;
                int t11 = m1 >> 24 & 0xFF;
                float w011 = Bf16Scales.widenPlanes(a11, p11, table[Bf16Scales.planeIndex(a11, p11)]);
                float w111 = Bf16Scales.widenPlanes(b11, q11, table[Bf16Scales.planeIndex(b11, q11)]);
                float w211 = Bf16Scales.widenPlanes(c11, r11, table[Bf16Scales.planeIndex(c11, r11)]);
                float w311 = Bf16Scales.widenPlanes(d11, t11, table[Bf16Scales.planeIndex(d11, t11)]);
                int xq1 = k + width;
                s00 = MatVecKernels.addQuad(s00, w001, w101, w201, w301, x, xb0 + xq1, quarter);
                s10 = MatVecKernels.addQuad(s10, w011, w111, w211, w311, x, xb0 + xq1, quarter);
                s01 = MatVecKernels.addQuad(s01, w001, w101, w201, w301, x, xb1 + xq1, quarter);
                s11 = MatVecKernels.addQuad(s11, w011, w111, w211, w311, x, xb1 + xq1, quarter);
                s02 = MatVecKernels.addQuad(s02, w001, w101, w201, w301, x, xb2 + xq1, quarter);
                s12 = MatVecKernels.addQuad(s12, w011, w111, w211, w311, x, xb2 + xq1, quarter);
                s03 = MatVecKernels.addQuad(s03, w001, w101, w201, w301, x, xb3 + xq1, quarter);
                s13 = MatVecKernels.addQuad(s13, w011, w111, w211, w311, x, xb3 + xq1, quarter);
                int e2 = exponents.get(base0 + k + 2 * width);
                int g2 = signMantissa.get(base0 + k + 2 * width);
                int a02 = e2 & 0xFF;
                int b02 = e2 >> 8 & 0xFF;
                int c02 = e2 >> 16 & 0xFF;
                int d02 = e2 >> 24 & 0xFF;
                int p02 = g2 & 0xFF;
                int q02 = g2 >> 8 & 0xFF;
                int r02 = g2 >> 16 & 0xFF;
                int t02 = g2 >> 24 & 0xFF;
                float w002 = Bf16Scales.widenPlanes(a02, p02, table[Bf16Scales.planeIndex(a02, p02)]);
                float w102 = Bf16Scales.widenPlanes(b02, q02, table[Bf16Scales.planeIndex(b02, q02)]);
                float w202 = Bf16Scales.widenPlanes(c02, r02, table[Bf16Scales.planeIndex(c02, r02)]);
                float w302 = Bf16Scales.widenPlanes(d02, t02, table[Bf16Scales.planeIndex(d02, t02)]);
                int f2 = exponents.get(base1 + k + 2 * width);
                int m2 = signMantissa.get(base1 + k + 2 * width);
                int a12 = f2 & 0xFF;
                int b12 = f2 >> 8 & 0xFF;
                int c12 = f2 >> 16 & 0xFF;
                int d12 = f2 >> 24 & 0xFF;
                int p12 = m2 & 0xFF;
                int q12 = m2 >> 8 & 0xFF;
                int r12 = m2 >> 16 & 0xFF;
                int t12 = m2 >> 24 & 0xFF;
                float w012 = Bf16Scales.widenPlanes(a12, p12, table[Bf16Scales.planeIndex(a12, p12)]);
                float w112 = Bf16Scales.widenPlanes(b12, q12, table[Bf16Scales.planeIndex(b12, q12)]);
                float w212 = Bf16Scales.widenPlanes(c12, r12, table[Bf16Scales.planeIndex(c12, r12)]);
                float w312 = Bf16Scales.widenPlanes(d12, t12, table[Bf16Scales.planeIndex(d12, t12)]);
                int xq2 = k + 2 * width;
                s00 = MatVecKernels.addQuad(s00, w002, w102, w202, w302, x, xb0 + xq2, quarter);
                s10 = MatVecKernels.addQuad(s10, w012, w112, w212, w312, x, xb0 + xq2, quarter);
                s01 = MatVecKernels.addQuad(s01, w002, w102, w202, w302, x, xb1 + xq2, quarter);
                s11 = MatVecKernels.addQuad(s11, w012, w112, w212, w312, x, xb1 + xq2, quarter);
                s02 = MatVecKernels.addQuad(s02, w002, w102, w202, w302, x, xb2 + xq2, quarter);
                s12 = MatVecKernels.addQuad(s12, w012, w112, w212, w312, x, xb2 + xq2, quarter);
                s03 = MatVecKernels.addQuad(s03, w002, w102, w202, w302, x, xb3 + xq2, quarter);
                s13 = MatVecKernels.addQuad(s13, w012, w112, w212, w312, x, xb3 + xq2, quarter);
                int e3 = exponents.get(base0 + k + 3 * width);
                int g3 = signMantissa.get(base0 + k + 3 * width);
                int a03 = e3 & 0xFF;
                int b03 = e3 >> 8 & 0xFF;
                int c03 = e3 >> 16 & 0xFF;
                int d03 = e3 >> 24 & 0xFF;
                int p03 = g3 & 0xFF;
                int q03 = g3 >> 8 & 0xFF;
                int r03 = g3 >> 16 & 0xFF;
                int t03 = g3 >> 24 & 0xFF;
                float w003 = Bf16Scales.widenPlanes(a03, p03, table[Bf16Scales.planeIndex(a03, p03)]);
                float w103 = Bf16Scales.widenPlanes(b03, q03, table[Bf16Scales.planeIndex(b03, q03)]);
                float w203 = Bf16Scales.widenPlanes(c03, r03, table[Bf16Scales.planeIndex(c03, r03)]);
                float w303 = Bf16Scales.widenPlanes(d03, t03, table[Bf16Scales.planeIndex(d03, t03)]);
                int f3 = exponents.get(base1 + k + 3 * width);
                int m3 = signMantissa.get(base1 + k + 3 * width);
                int a13 = f3 & 0xFF;
                int b13 = f3 >> 8 & 0xFF;
                int c13 = f3 >> 16 & 0xFF;
                int d13 = f3 >> 24 & 0xFF;
                int p13 = m3 & 0xFF;
                int q13 = m3 >> 8 & 0xFF;
                int r13 = m3 >> 16 & 0xFF;
                int t13 = m3 >> 24 & 0xFF;
                float w013 = Bf16Scales.widenPlanes(a13, p13, table[Bf16Scales.planeIndex(a13, p13)]);
                float w113 = Bf16Scales.widenPlanes(b13, q13, table[Bf16Scales.planeIndex(b13, q13)]);
                float w213 = Bf16Scales.widenPlanes(c13, r13, table[Bf16Scales.planeIndex(c13, r13)]);
                float w313 = Bf16Scales.widenPlanes(d13, t13, table[Bf16Scales.planeIndex(d13, t13)]);
                int xq3 = k + 3 * width;
                s00 = MatVecKernels.addQuad(s00, w003, w103, w203, w303, x, xb0 + xq3, quarter);
                s10 = MatVecKernels.addQuad(s10, w013, w113, w213, w313, x, xb0 + xq3, quarter);
                s01 = MatVecKernels.addQuad(s01, w003, w103, w203, w303, x, xb1 + xq3, quarter);
                s11 = MatVecKernels.addQuad(s11, w013, w113, w213, w313, x, xb1 + xq3, quarter);
                s02 = MatVecKernels.addQuad(s02, w003, w103, w203, w303, x, xb2 + xq3, quarter);
                s12 = MatVecKernels.addQuad(s12, w013, w113, w213, w313, x, xb2 + xq3, quarter);
                s03 = MatVecKernels.addQuad(s03, w003, w103, w203, w303, x, xb3 + xq3, quarter);
                s13 = MatVecKernels.addQuad(s13, w013, w113, w213, w313, x, xb3 + xq3, quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = exponents.get(base0 + k);
                int g = signMantissa.get(base0 + k);
                int f = exponents.get(base1 + k);
                int m = signMantissa.get(base1 + k);
                int a0 = e & 0xFF;
                int b0 = e >> 8 & 0xFF;
                int c0 = e >> 16 & 0xFF;
                int d0 = e >> 24 & 0xFF;
                int p0 = g & 0xFF;
                int q0 = g >> 8 & 0xFF;
                int r0 = g >> 16 & 0xFF;
                int t0 = g >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]);
                float w10 = Bf16Scales.widenPlanes(b0, q0, table[Bf16Scales.planeIndex(b0, q0)]);
                float w20 = Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]);
                float w30 = Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]);
                int a1 = f & 0xFF;
                int b1 = f >> 8 & 0xFF;
                int c1 = f >> 16 & 0xFF;
                int d1 = f >> 24 & 0xFF;
                int p1 = m & 0xFF;
                int q1 = m >> 8 & 0xFF;
                int r1 = m >> 16 & 0xFF;
                int t1 = m >> 24 & 0xFF;
                float w01 = Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]);
                float w11 = Bf16Scales.widenPlanes(b1, q1, table[Bf16Scales.planeIndex(b1, q1)]);
                float w21 = Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]);
                float w31 = Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]);
                int xq = k;
                s00 = MatVecKernels.addQuad(s00, w00, w10, w20, w30, x, xb0 + xq, quarter);
                s10 = MatVecKernels.addQuad(s10, w01, w11, w21, w31, x, xb0 + xq, quarter);
                s01 = MatVecKernels.addQuad(s01, w00, w10, w20, w30, x, xb1 + xq, quarter);
                s11 = MatVecKernels.addQuad(s11, w01, w11, w21, w31, x, xb1 + xq, quarter);
                s02 = MatVecKernels.addQuad(s02, w00, w10, w20, w30, x, xb2 + xq, quarter);
                s12 = MatVecKernels.addQuad(s12, w01, w11, w21, w31, x, xb2 + xq, quarter);
                s03 = MatVecKernels.addQuad(s03, w00, w10, w20, w30, x, xb3 + xq, quarter);
                s13 = MatVecKernels.addQuad(s13, w01, w11, w21, w31, x, xb3 + xq, quarter);
            }
            partial[lane] = s00;
            partial[l1] = s01;
            partial[l2] = s02;
            partial[l3] = s03;
            partial[l4] = s10;
            partial[l5] = s11;
            partial[l6] = s12;
            partial[l7] = s13;
            context.localBarrier();
            for (int stride = width / 2; stride > 0; stride >>= 1) {
                if (sub < stride) {
                    partial[lane] += partial[lane + stride];
                    partial[l1] += partial[l1 + stride];
                    partial[l2] += partial[l2 + stride];
                    partial[l3] += partial[l3 + stride];
                    partial[l4] += partial[l4 + stride];
                    partial[l5] += partial[l5 + stride];
                    partial[l6] += partial[l6 + stride];
                    partial[l7] += partial[l7 + stride];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                for (int t = 0; t < MatVecKernels.TILE; t++) {
                    float value = partial[t * MAX_LOCAL + lane];
                    if (accumulate == 1) {
                        value = output.get(o + t * rows) + value;
                    }
                    output.set(o + t * rows, value);
                }
                if (write1 == 1) {
                    for (int t = 0; t < MatVecKernels.TILE; t++) {
                        float value = partial[(MatVecKernels.TILE + t) * MAX_LOCAL + lane];
                        if (accumulate == 1) {
                            value = output.get(o + half + t * rows) + value;
                        }
                        output.set(o + half + t * rows, value);
                    }
                }
            }
            context.localBarrier();
        }
        for (; b < count; b++) {
            int xb = b * cols;
            float s0 = 0.0f;
            float s1 = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = exponents.get(base0 + k);
                int g0 = signMantissa.get(base0 + k);
                int f0 = exponents.get(base1 + k);
                int m0 = signMantissa.get(base1 + k);
                int e1 = exponents.get(base0 + k + width);
                int g1 = signMantissa.get(base0 + k + width);
                int f1 = exponents.get(base1 + k + width);
                int m1 = signMantissa.get(base1 + k + width);
                int e2 = exponents.get(base0 + k + 2 * width);
                int g2 = signMantissa.get(base0 + k + 2 * width);
                int f2 = exponents.get(base1 + k + 2 * width);
                int m2 = signMantissa.get(base1 + k + 2 * width);
                int e3 = exponents.get(base0 + k + 3 * width);
                int g3 = signMantissa.get(base0 + k + 3 * width);
                int f3 = exponents.get(base1 + k + 3 * width);
                int m3 = signMantissa.get(base1 + k + 3 * width);
                int x0 = xb + k;
                int x1 = xb + k + width;
                int x2 = xb + k + 2 * width;
                int x3 = xb + k + 3 * width;
                int a00 = e0 & 0xFF;
                int b00 = e0 >> 8 & 0xFF;
                int c00 = e0 >> 16 & 0xFF;
                int d00 = e0 >> 24 & 0xFF;
                int p00 = g0 & 0xFF;
                int q00 = g0 >> 8 & 0xFF;
                int r00 = g0 >> 16 & 0xFF;
                int t00 = g0 >> 24 & 0xFF;
                s0 = MatVecKernels.addQuad(s0, Bf16Scales.widenPlanes(a00, p00, table[Bf16Scales.planeIndex(a00, p00)]),
                        Bf16Scales.widenPlanes(b00, q00, table[Bf16Scales.planeIndex(b00, q00)]),
                        Bf16Scales.widenPlanes(c00, r00, table[Bf16Scales.planeIndex(c00, r00)]),
                        Bf16Scales.widenPlanes(d00, t00, table[Bf16Scales.planeIndex(d00, t00)]), x, x0, quarter);
                int a10 = f0 & 0xFF;
                int b10 = f0 >> 8 & 0xFF;
                int c10 = f0 >> 16 & 0xFF;
                int d10 = f0 >> 24 & 0xFF;
                int p10 = m0 & 0xFF;
                int q10 = m0 >> 8 & 0xFF;
                int r10 = m0 >> 16 & 0xFF;
                int t10 = m0 >> 24 & 0xFF;
                s1 = MatVecKernels.addQuad(s1, Bf16Scales.widenPlanes(a10, p10, table[Bf16Scales.planeIndex(a10, p10)]),
                        Bf16Scales.widenPlanes(b10, q10, table[Bf16Scales.planeIndex(b10, q10)]),
                        Bf16Scales.widenPlanes(c10, r10, table[Bf16Scales.planeIndex(c10, r10)]),
                        Bf16Scales.widenPlanes(d10, t10, table[Bf16Scales.planeIndex(d10, t10)]), x, x0, quarter);
                int a01 = e1 & 0xFF;
                int b01 = e1 >> 8 & 0xFF;
                int c01 = e1 >> 16 & 0xFF;
                int d01 = e1 >> 24 & 0xFF;
                int p01 = g1 & 0xFF;
                int q01 = g1 >> 8 & 0xFF;
                int r01 = g1 >> 16 & 0xFF;
                int t01 = g1 >> 24 & 0xFF;
                s0 = MatVecKernels.addQuad(s0, Bf16Scales.widenPlanes(a01, p01, table[Bf16Scales.planeIndex(a01, p01)]),
                        Bf16Scales.widenPlanes(b01, q01, table[Bf16Scales.planeIndex(b01, q01)]),
                        Bf16Scales.widenPlanes(c01, r01, table[Bf16Scales.planeIndex(c01, r01)]),
                        Bf16Scales.widenPlanes(d01, t01, table[Bf16Scales.planeIndex(d01, t01)]), x, x1, quarter);
                int a11 = f1 & 0xFF;
                int b11 = f1 >> 8 & 0xFF;
                int c11 = f1 >> 16 & 0xFF;
                int d11 = f1 >> 24 & 0xFF;
                int p11 = m1 & 0xFF;
                int q11 = m1 >> 8 & 0xFF;
                int r11 = m1 >> 16 & 0xFF;
                int t11 = m1 >> 24 & 0xFF;
                s1 = MatVecKernels.addQuad(s1, Bf16Scales.widenPlanes(a11, p11, table[Bf16Scales.planeIndex(a11, p11)]),
                        Bf16Scales.widenPlanes(b11, q11, table[Bf16Scales.planeIndex(b11, q11)]),
                        Bf16Scales.widenPlanes(c11, r11, table[Bf16Scales.planeIndex(c11, r11)]),
                        Bf16Scales.widenPlanes(d11, t11, table[Bf16Scales.planeIndex(d11, t11)]), x, x1, quarter);
                int a02 = e2 & 0xFF;
                int b02 = e2 >> 8 & 0xFF;
                int c02 = e2 >> 16 & 0xFF;
                int d02 = e2 >> 24 & 0xFF;
                int p02 = g2 & 0xFF;
                int q02 = g2 >> 8 & 0xFF;
                int r02 = g2 >> 16 & 0xFF;
                int t02 = g2 >> 24 & 0xFF;
                s0 = MatVecKernels.addQuad(s0, Bf16Scales.widenPlanes(a02, p02, table[Bf16Scales.planeIndex(a02, p02)]),
                        Bf16Scales.widenPlanes(b02, q02, table[Bf16Scales.planeIndex(b02, q02)]),
                        Bf16Scales.widenPlanes(c02, r02, table[Bf16Scales.planeIndex(c02, r02)]),
                        Bf16Scales.widenPlanes(d02, t02, table[Bf16Scales.planeIndex(d02, t02)]), x, x2, quarter);
                int a12 = f2 & 0xFF;
                int b12 = f2 >> 8 & 0xFF;
                int c12 = f2 >> 16 & 0xFF;
                int d12 = f2 >> 24 & 0xFF;
                int p12 = m2 & 0xFF;
                int q12 = m2 >> 8 & 0xFF;
                int r12 = m2 >> 16 & 0xFF;
                int t12 = m2 >> 24 & 0xFF;
                s1 = MatVecKernels.addQuad(s1, Bf16Scales.widenPlanes(a12, p12, table[Bf16Scales.planeIndex(a12, p12)]),
                        Bf16Scales.widenPlanes(b12, q12, table[Bf16Scales.planeIndex(b12, q12)]),
                        Bf16Scales.widenPlanes(c12, r12, table[Bf16Scales.planeIndex(c12, r12)]),
                        Bf16Scales.widenPlanes(d12, t12, table[Bf16Scales.planeIndex(d12, t12)]), x, x2, quarter);
                int a03 = e3 & 0xFF;
                int b03 = e3 >> 8 & 0xFF;
                int c03 = e3 >> 16 & 0xFF;
                int d03 = e3 >> 24 & 0xFF;
                int p03 = g3 & 0xFF;
                int q03 = g3 >> 8 & 0xFF;
                int r03 = g3 >> 16 & 0xFF;
                int t03 = g3 >> 24 & 0xFF;
                s0 = MatVecKernels.addQuad(s0, Bf16Scales.widenPlanes(a03, p03, table[Bf16Scales.planeIndex(a03, p03)]),
                        Bf16Scales.widenPlanes(b03, q03, table[Bf16Scales.planeIndex(b03, q03)]),
                        Bf16Scales.widenPlanes(c03, r03, table[Bf16Scales.planeIndex(c03, r03)]),
                        Bf16Scales.widenPlanes(d03, t03, table[Bf16Scales.planeIndex(d03, t03)]), x, x3, quarter);
                int a13 = f3 & 0xFF;
                int b13 = f3 >> 8 & 0xFF;
                int c13 = f3 >> 16 & 0xFF;
                int d13 = f3 >> 24 & 0xFF;
                int p13 = m3 & 0xFF;
                int q13 = m3 >> 8 & 0xFF;
                int r13 = m3 >> 16 & 0xFF;
                int t13 = m3 >> 24 & 0xFF;
                s1 = MatVecKernels.addQuad(s1, Bf16Scales.widenPlanes(a13, p13, table[Bf16Scales.planeIndex(a13, p13)]),
                        Bf16Scales.widenPlanes(b13, q13, table[Bf16Scales.planeIndex(b13, q13)]),
                        Bf16Scales.widenPlanes(c13, r13, table[Bf16Scales.planeIndex(c13, r13)]),
                        Bf16Scales.widenPlanes(d13, t13, table[Bf16Scales.planeIndex(d13, t13)]), x, x3, quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = exponents.get(base0 + k);
                int g = signMantissa.get(base0 + k);
                int f = exponents.get(base1 + k);
                int m = signMantissa.get(base1 + k);
                int xk = xb + k;
                int a0 = e & 0xFF;
                int b0 = e >> 8 & 0xFF;
                int c0 = e >> 16 & 0xFF;
                int d0 = e >> 24 & 0xFF;
                int p0 = g & 0xFF;
                int q0 = g >> 8 & 0xFF;
                int r0 = g >> 16 & 0xFF;
                int t0 = g >> 24 & 0xFF;
                s0 = MatVecKernels.addQuad(s0, Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]),
                        Bf16Scales.widenPlanes(b0, q0, table[Bf16Scales.planeIndex(b0, q0)]),
                        Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]),
                        Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]), x, xk, quarter);
                int a1 = f & 0xFF;
                int b1 = f >> 8 & 0xFF;
                int c1 = f >> 16 & 0xFF;
                int d1 = f >> 24 & 0xFF;
                int p1 = m & 0xFF;
                int q1 = m >> 8 & 0xFF;
                int r1 = m >> 16 & 0xFF;
                int t1 = m >> 24 & 0xFF;
                s1 = MatVecKernels.addQuad(s1, Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]),
                        Bf16Scales.widenPlanes(b1, q1, table[Bf16Scales.planeIndex(b1, q1)]),
                        Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]),
                        Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]), x, xk, quarter);
            }
            partial[lane] = s0;
            partial[l4] = s1;
            context.localBarrier();
            for (int stride = width / 2; stride > 0; stride >>= 1) {
                if (sub < stride) {
                    partial[lane] += partial[lane + stride];
                    partial[l4] += partial[l4 + stride];
                }
                context.localBarrier();
            }
            if (sub == 0 && quads > 0) {
                int o = (b - first) * rows + row0;
                float value = partial[lane];
                if (accumulate == 1) {
                    value = output.get(o) + value;
                }
                output.set(o, value);
                if (write1 == 1) {
                    float value1 = partial[l4];
                    if (accumulate == 1) {
                        value1 = output.get(o + half) + value1;
                    }
                    output.set(o + half, value1);
                }
            }
            context.localBarrier();
        }
    }
}
