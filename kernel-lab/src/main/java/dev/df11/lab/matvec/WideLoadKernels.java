package dev.df11.lab.matvec;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat4;
import uk.ac.manchester.tornado.api.types.collections.VectorInt4;
import uk.ac.manchester.tornado.api.types.vectors.Float4;
import uk.ac.manchester.tornado.api.types.vectors.Int4;

/**
 * Lab rung of the planes kernel at batch 1 with 16-byte loads: each work-item reads four ints of each plane at once
 * ({@link VectorInt4}, 16 weights per pair of loads instead of 4) and its 16 activations as four {@link Float4}s, in
 * the natural order. A question for the GPU, not a product path: how much of the gap to the CUDA C ceiling
 * ({@code kernel-lab/cuda/matvec_ceiling.cu}) is load width, and how much the widening ({@link #matVecWide} widens
 * as the product does, by table, int-to-float conversion and multiply; {@link #matVecWideTwoTables} by two lookups and
 * a multiply, exact only where no weight is subnormal). Its products are added in another order than the planes
 * kernel's, so outputs agree to rounding, not bit for bit.
 *
 * <p>Launch: {@code ceil(rows / rowsPerGroup)} groups of {@code L} work-items, {@code L / rowsPerGroup} per row;
 * {@code cols} a multiple of 16. Work-item {@code sub} of a row adds its 16-weight words {@code sub, sub + width, ...}
 * (two per iteration), then the group's tree reduction adds the row's partial sums. Batch 1 only.
 * {@code tables}: {@link Bf16Scales#table()} for {@link #matVecWide}, {@link #twoTables()} for the other.
 *
 * <p>Generated (the 16 widenings per iteration are written out: TornadoVM 5.2 cannot pass local arrays to helpers).
 * The leading significand bit comes from {@code (e + 255) >> 8} rather than {@link Bf16Scales#widenPlanes}'s test of
 * {@code e != 0}: Graal folds that test into the vector element, which TornadoVM 5.2's OpenCL code generator cannot
 * print ({@code OCLVectorElementSelect}). Same values.
 */
public final class WideLoadKernels {

    private WideLoadKernels() {
    }

    /**
     * The two tables of {@link #matVecWideTwoTables} in one array of {@link Bf16Scales#SIZE}: entry {@code sm} (a
     * sign/mantissa byte) is {@code ±(128 + mantissa)}, entry {@code 256 + e} is {@code 2^(e - 134)}, and 0 for
     * {@code e = 0}, so zeros come out as signed zeros and subnormal weights (which the planes kernel widens
     * exactly) as zeros.
     */
    public static FloatArray twoTables() {
        FloatArray tables = new FloatArray(Bf16Scales.SIZE);
        for (int sm = 0; sm < 256; sm++) {
            float significand = 128 + (sm & 0x7F);
            tables.set(sm, (sm & 0x80) != 0 ? -significand : significand);
        }
        for (int e = 0; e < 256; e++) {
            tables.set(256 + e, e == 0 ? 0.0f : Math.scalb(1.0f, e - 134));
        }
        return tables;
    }

    /**
     * 16-byte loads, the product's widening (table entry, significand, int-to-float conversion, multiply).
     */
    public static void matVecWide(KernelContext context, VectorInt4 exponents, VectorInt4 signMantissa,
            int rows, int cols, VectorFloat4 x, FloatArray output, int rowsPerGroup, FloatArray tables) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int width = size / rowsPerGroup;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row = context.groupIdx * rowsPerGroup + slot;
        int words = 0;
        if (row < rows) {
            words = cols / 16;
        }
        for (int i = lane; i < Bf16Scales.SIZE; i += size) {
            table[i] = tables.get(i);
        }
        context.localBarrier();
        int base = row * (cols / 16);
        int step = 2 * width;
        int remaining = words - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        float sum = 0.0f;
        for (int i = sub; i < unrolled; i += step) {
            Int4 e0 = exponents.get(base + i);
            Int4 s0 = signMantissa.get(base + i);
            int xw0 = 4 * i;
            Float4 x0X = x.get(xw0 + 0);
            Float4 x0Y = x.get(xw0 + 1);
            Float4 x0Z = x.get(xw0 + 2);
            Float4 x0W = x.get(xw0 + 3);
            int e0X = e0.getX();
            int s0X = s0.getX();
            int a0X0 = e0X & 0xFF;
            int p0X0 = s0X & 0xFF;
            int a0X1 = e0X >> 8 & 0xFF;
            int p0X1 = s0X >> 8 & 0xFF;
            int a0X2 = e0X >> 16 & 0xFF;
            int p0X2 = s0X >> 16 & 0xFF;
            int a0X3 = e0X >> 24 & 0xFF;
            int p0X3 = s0X >> 24 & 0xFF;
            sum += (p0X0 & 0x7F | (a0X0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X0, p0X0)] * x0X.getX()
                    + (p0X1 & 0x7F | (a0X1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X1, p0X1)] * x0X.getY()
                    + (p0X2 & 0x7F | (a0X2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X2, p0X2)] * x0X.getZ()
                    + (p0X3 & 0x7F | (a0X3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X3, p0X3)] * x0X.getW();
            int e0Y = e0.getY();
            int s0Y = s0.getY();
            int a0Y0 = e0Y & 0xFF;
            int p0Y0 = s0Y & 0xFF;
            int a0Y1 = e0Y >> 8 & 0xFF;
            int p0Y1 = s0Y >> 8 & 0xFF;
            int a0Y2 = e0Y >> 16 & 0xFF;
            int p0Y2 = s0Y >> 16 & 0xFF;
            int a0Y3 = e0Y >> 24 & 0xFF;
            int p0Y3 = s0Y >> 24 & 0xFF;
            sum += (p0Y0 & 0x7F | (a0Y0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y0, p0Y0)] * x0Y.getX()
                    + (p0Y1 & 0x7F | (a0Y1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y1, p0Y1)] * x0Y.getY()
                    + (p0Y2 & 0x7F | (a0Y2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y2, p0Y2)] * x0Y.getZ()
                    + (p0Y3 & 0x7F | (a0Y3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y3, p0Y3)] * x0Y.getW();
            int e0Z = e0.getZ();
            int s0Z = s0.getZ();
            int a0Z0 = e0Z & 0xFF;
            int p0Z0 = s0Z & 0xFF;
            int a0Z1 = e0Z >> 8 & 0xFF;
            int p0Z1 = s0Z >> 8 & 0xFF;
            int a0Z2 = e0Z >> 16 & 0xFF;
            int p0Z2 = s0Z >> 16 & 0xFF;
            int a0Z3 = e0Z >> 24 & 0xFF;
            int p0Z3 = s0Z >> 24 & 0xFF;
            sum += (p0Z0 & 0x7F | (a0Z0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z0, p0Z0)] * x0Z.getX()
                    + (p0Z1 & 0x7F | (a0Z1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z1, p0Z1)] * x0Z.getY()
                    + (p0Z2 & 0x7F | (a0Z2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z2, p0Z2)] * x0Z.getZ()
                    + (p0Z3 & 0x7F | (a0Z3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z3, p0Z3)] * x0Z.getW();
            int e0W = e0.getW();
            int s0W = s0.getW();
            int a0W0 = e0W & 0xFF;
            int p0W0 = s0W & 0xFF;
            int a0W1 = e0W >> 8 & 0xFF;
            int p0W1 = s0W >> 8 & 0xFF;
            int a0W2 = e0W >> 16 & 0xFF;
            int p0W2 = s0W >> 16 & 0xFF;
            int a0W3 = e0W >> 24 & 0xFF;
            int p0W3 = s0W >> 24 & 0xFF;
            sum += (p0W0 & 0x7F | (a0W0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W0, p0W0)] * x0W.getX()
                    + (p0W1 & 0x7F | (a0W1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W1, p0W1)] * x0W.getY()
                    + (p0W2 & 0x7F | (a0W2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W2, p0W2)] * x0W.getZ()
                    + (p0W3 & 0x7F | (a0W3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W3, p0W3)] * x0W.getW();
            Int4 e1 = exponents.get(base + i + width);
            Int4 s1 = signMantissa.get(base + i + width);
            int xw1 = 4 * (i + width);
            Float4 x1X = x.get(xw1 + 0);
            Float4 x1Y = x.get(xw1 + 1);
            Float4 x1Z = x.get(xw1 + 2);
            Float4 x1W = x.get(xw1 + 3);
            int e1X = e1.getX();
            int s1X = s1.getX();
            int a1X0 = e1X & 0xFF;
            int p1X0 = s1X & 0xFF;
            int a1X1 = e1X >> 8 & 0xFF;
            int p1X1 = s1X >> 8 & 0xFF;
            int a1X2 = e1X >> 16 & 0xFF;
            int p1X2 = s1X >> 16 & 0xFF;
            int a1X3 = e1X >> 24 & 0xFF;
            int p1X3 = s1X >> 24 & 0xFF;
            sum += (p1X0 & 0x7F | (a1X0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1X0, p1X0)] * x1X.getX()
                    + (p1X1 & 0x7F | (a1X1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1X1, p1X1)] * x1X.getY()
                    + (p1X2 & 0x7F | (a1X2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1X2, p1X2)] * x1X.getZ()
                    + (p1X3 & 0x7F | (a1X3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1X3, p1X3)] * x1X.getW();
            int e1Y = e1.getY();
            int s1Y = s1.getY();
            int a1Y0 = e1Y & 0xFF;
            int p1Y0 = s1Y & 0xFF;
            int a1Y1 = e1Y >> 8 & 0xFF;
            int p1Y1 = s1Y >> 8 & 0xFF;
            int a1Y2 = e1Y >> 16 & 0xFF;
            int p1Y2 = s1Y >> 16 & 0xFF;
            int a1Y3 = e1Y >> 24 & 0xFF;
            int p1Y3 = s1Y >> 24 & 0xFF;
            sum += (p1Y0 & 0x7F | (a1Y0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Y0, p1Y0)] * x1Y.getX()
                    + (p1Y1 & 0x7F | (a1Y1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Y1, p1Y1)] * x1Y.getY()
                    + (p1Y2 & 0x7F | (a1Y2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Y2, p1Y2)] * x1Y.getZ()
                    + (p1Y3 & 0x7F | (a1Y3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Y3, p1Y3)] * x1Y.getW();
            int e1Z = e1.getZ();
            int s1Z = s1.getZ();
            int a1Z0 = e1Z & 0xFF;
            int p1Z0 = s1Z & 0xFF;
            int a1Z1 = e1Z >> 8 & 0xFF;
            int p1Z1 = s1Z >> 8 & 0xFF;
            int a1Z2 = e1Z >> 16 & 0xFF;
            int p1Z2 = s1Z >> 16 & 0xFF;
            int a1Z3 = e1Z >> 24 & 0xFF;
            int p1Z3 = s1Z >> 24 & 0xFF;
            sum += (p1Z0 & 0x7F | (a1Z0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Z0, p1Z0)] * x1Z.getX()
                    + (p1Z1 & 0x7F | (a1Z1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Z1, p1Z1)] * x1Z.getY()
                    + (p1Z2 & 0x7F | (a1Z2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Z2, p1Z2)] * x1Z.getZ()
                    + (p1Z3 & 0x7F | (a1Z3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1Z3, p1Z3)] * x1Z.getW();
            int e1W = e1.getW();
            int s1W = s1.getW();
            int a1W0 = e1W & 0xFF;
            int p1W0 = s1W & 0xFF;
            int a1W1 = e1W >> 8 & 0xFF;
            int p1W1 = s1W >> 8 & 0xFF;
            int a1W2 = e1W >> 16 & 0xFF;
            int p1W2 = s1W >> 16 & 0xFF;
            int a1W3 = e1W >> 24 & 0xFF;
            int p1W3 = s1W >> 24 & 0xFF;
            sum += (p1W0 & 0x7F | (a1W0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1W0, p1W0)] * x1W.getX()
                    + (p1W1 & 0x7F | (a1W1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1W1, p1W1)] * x1W.getY()
                    + (p1W2 & 0x7F | (a1W2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1W2, p1W2)] * x1W.getZ()
                    + (p1W3 & 0x7F | (a1W3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a1W3, p1W3)] * x1W.getW();
        }
        for (int i = unrolled; i < words; i += width) {
            Int4 e0 = exponents.get(base + i);
            Int4 s0 = signMantissa.get(base + i);
            int xw0 = 4 * i;
            Float4 x0X = x.get(xw0 + 0);
            Float4 x0Y = x.get(xw0 + 1);
            Float4 x0Z = x.get(xw0 + 2);
            Float4 x0W = x.get(xw0 + 3);
            int e0X = e0.getX();
            int s0X = s0.getX();
            int a0X0 = e0X & 0xFF;
            int p0X0 = s0X & 0xFF;
            int a0X1 = e0X >> 8 & 0xFF;
            int p0X1 = s0X >> 8 & 0xFF;
            int a0X2 = e0X >> 16 & 0xFF;
            int p0X2 = s0X >> 16 & 0xFF;
            int a0X3 = e0X >> 24 & 0xFF;
            int p0X3 = s0X >> 24 & 0xFF;
            sum += (p0X0 & 0x7F | (a0X0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X0, p0X0)] * x0X.getX()
                    + (p0X1 & 0x7F | (a0X1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X1, p0X1)] * x0X.getY()
                    + (p0X2 & 0x7F | (a0X2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X2, p0X2)] * x0X.getZ()
                    + (p0X3 & 0x7F | (a0X3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0X3, p0X3)] * x0X.getW();
            int e0Y = e0.getY();
            int s0Y = s0.getY();
            int a0Y0 = e0Y & 0xFF;
            int p0Y0 = s0Y & 0xFF;
            int a0Y1 = e0Y >> 8 & 0xFF;
            int p0Y1 = s0Y >> 8 & 0xFF;
            int a0Y2 = e0Y >> 16 & 0xFF;
            int p0Y2 = s0Y >> 16 & 0xFF;
            int a0Y3 = e0Y >> 24 & 0xFF;
            int p0Y3 = s0Y >> 24 & 0xFF;
            sum += (p0Y0 & 0x7F | (a0Y0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y0, p0Y0)] * x0Y.getX()
                    + (p0Y1 & 0x7F | (a0Y1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y1, p0Y1)] * x0Y.getY()
                    + (p0Y2 & 0x7F | (a0Y2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y2, p0Y2)] * x0Y.getZ()
                    + (p0Y3 & 0x7F | (a0Y3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Y3, p0Y3)] * x0Y.getW();
            int e0Z = e0.getZ();
            int s0Z = s0.getZ();
            int a0Z0 = e0Z & 0xFF;
            int p0Z0 = s0Z & 0xFF;
            int a0Z1 = e0Z >> 8 & 0xFF;
            int p0Z1 = s0Z >> 8 & 0xFF;
            int a0Z2 = e0Z >> 16 & 0xFF;
            int p0Z2 = s0Z >> 16 & 0xFF;
            int a0Z3 = e0Z >> 24 & 0xFF;
            int p0Z3 = s0Z >> 24 & 0xFF;
            sum += (p0Z0 & 0x7F | (a0Z0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z0, p0Z0)] * x0Z.getX()
                    + (p0Z1 & 0x7F | (a0Z1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z1, p0Z1)] * x0Z.getY()
                    + (p0Z2 & 0x7F | (a0Z2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z2, p0Z2)] * x0Z.getZ()
                    + (p0Z3 & 0x7F | (a0Z3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0Z3, p0Z3)] * x0Z.getW();
            int e0W = e0.getW();
            int s0W = s0.getW();
            int a0W0 = e0W & 0xFF;
            int p0W0 = s0W & 0xFF;
            int a0W1 = e0W >> 8 & 0xFF;
            int p0W1 = s0W >> 8 & 0xFF;
            int a0W2 = e0W >> 16 & 0xFF;
            int p0W2 = s0W >> 16 & 0xFF;
            int a0W3 = e0W >> 24 & 0xFF;
            int p0W3 = s0W >> 24 & 0xFF;
            sum += (p0W0 & 0x7F | (a0W0 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W0, p0W0)] * x0W.getX()
                    + (p0W1 & 0x7F | (a0W1 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W1, p0W1)] * x0W.getY()
                    + (p0W2 & 0x7F | (a0W2 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W2, p0W2)] * x0W.getZ()
                    + (p0W3 & 0x7F | (a0W3 + 255) >> 8 << 7) * table[Bf16Scales.planeIndex(a0W3, p0W3)] * x0W.getW();
        }
        partial[lane] = sum;
        context.localBarrier();
        for (int stride = width / 2; stride > 0; stride >>= 1) {
            if (sub < stride) {
                partial[lane] += partial[lane + stride];
            }
            context.localBarrier();
        }
        if (sub == 0 && words > 0) {
            output.set(row, partial[lane]);
        }
    }

    /**
     * 16-byte loads, widened by two table lookups and a multiply (no subnormal weights).
     */
    public static void matVecWideTwoTables(KernelContext context, VectorInt4 exponents, VectorInt4 signMantissa,
            int rows, int cols, VectorFloat4 x, FloatArray output, int rowsPerGroup, FloatArray tables) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int width = size / rowsPerGroup;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row = context.groupIdx * rowsPerGroup + slot;
        int words = 0;
        if (row < rows) {
            words = cols / 16;
        }
        for (int i = lane; i < Bf16Scales.SIZE; i += size) {
            table[i] = tables.get(i);
        }
        context.localBarrier();
        int base = row * (cols / 16);
        int step = 2 * width;
        int remaining = words - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        float sum = 0.0f;
        for (int i = sub; i < unrolled; i += step) {
            Int4 e0 = exponents.get(base + i);
            Int4 s0 = signMantissa.get(base + i);
            int xw0 = 4 * i;
            Float4 x0X = x.get(xw0 + 0);
            Float4 x0Y = x.get(xw0 + 1);
            Float4 x0Z = x.get(xw0 + 2);
            Float4 x0W = x.get(xw0 + 3);
            int e0X = e0.getX();
            int s0X = s0.getX();
            int a0X0 = e0X & 0xFF;
            int p0X0 = s0X & 0xFF;
            int a0X1 = e0X >> 8 & 0xFF;
            int p0X1 = s0X >> 8 & 0xFF;
            int a0X2 = e0X >> 16 & 0xFF;
            int p0X2 = s0X >> 16 & 0xFF;
            int a0X3 = e0X >> 24 & 0xFF;
            int p0X3 = s0X >> 24 & 0xFF;
            sum += table[256 + a0X0] * table[p0X0] * x0X.getX()
                    + table[256 + a0X1] * table[p0X1] * x0X.getY()
                    + table[256 + a0X2] * table[p0X2] * x0X.getZ()
                    + table[256 + a0X3] * table[p0X3] * x0X.getW();
            int e0Y = e0.getY();
            int s0Y = s0.getY();
            int a0Y0 = e0Y & 0xFF;
            int p0Y0 = s0Y & 0xFF;
            int a0Y1 = e0Y >> 8 & 0xFF;
            int p0Y1 = s0Y >> 8 & 0xFF;
            int a0Y2 = e0Y >> 16 & 0xFF;
            int p0Y2 = s0Y >> 16 & 0xFF;
            int a0Y3 = e0Y >> 24 & 0xFF;
            int p0Y3 = s0Y >> 24 & 0xFF;
            sum += table[256 + a0Y0] * table[p0Y0] * x0Y.getX()
                    + table[256 + a0Y1] * table[p0Y1] * x0Y.getY()
                    + table[256 + a0Y2] * table[p0Y2] * x0Y.getZ()
                    + table[256 + a0Y3] * table[p0Y3] * x0Y.getW();
            int e0Z = e0.getZ();
            int s0Z = s0.getZ();
            int a0Z0 = e0Z & 0xFF;
            int p0Z0 = s0Z & 0xFF;
            int a0Z1 = e0Z >> 8 & 0xFF;
            int p0Z1 = s0Z >> 8 & 0xFF;
            int a0Z2 = e0Z >> 16 & 0xFF;
            int p0Z2 = s0Z >> 16 & 0xFF;
            int a0Z3 = e0Z >> 24 & 0xFF;
            int p0Z3 = s0Z >> 24 & 0xFF;
            sum += table[256 + a0Z0] * table[p0Z0] * x0Z.getX()
                    + table[256 + a0Z1] * table[p0Z1] * x0Z.getY()
                    + table[256 + a0Z2] * table[p0Z2] * x0Z.getZ()
                    + table[256 + a0Z3] * table[p0Z3] * x0Z.getW();
            int e0W = e0.getW();
            int s0W = s0.getW();
            int a0W0 = e0W & 0xFF;
            int p0W0 = s0W & 0xFF;
            int a0W1 = e0W >> 8 & 0xFF;
            int p0W1 = s0W >> 8 & 0xFF;
            int a0W2 = e0W >> 16 & 0xFF;
            int p0W2 = s0W >> 16 & 0xFF;
            int a0W3 = e0W >> 24 & 0xFF;
            int p0W3 = s0W >> 24 & 0xFF;
            sum += table[256 + a0W0] * table[p0W0] * x0W.getX()
                    + table[256 + a0W1] * table[p0W1] * x0W.getY()
                    + table[256 + a0W2] * table[p0W2] * x0W.getZ()
                    + table[256 + a0W3] * table[p0W3] * x0W.getW();
            Int4 e1 = exponents.get(base + i + width);
            Int4 s1 = signMantissa.get(base + i + width);
            int xw1 = 4 * (i + width);
            Float4 x1X = x.get(xw1 + 0);
            Float4 x1Y = x.get(xw1 + 1);
            Float4 x1Z = x.get(xw1 + 2);
            Float4 x1W = x.get(xw1 + 3);
            int e1X = e1.getX();
            int s1X = s1.getX();
            int a1X0 = e1X & 0xFF;
            int p1X0 = s1X & 0xFF;
            int a1X1 = e1X >> 8 & 0xFF;
            int p1X1 = s1X >> 8 & 0xFF;
            int a1X2 = e1X >> 16 & 0xFF;
            int p1X2 = s1X >> 16 & 0xFF;
            int a1X3 = e1X >> 24 & 0xFF;
            int p1X3 = s1X >> 24 & 0xFF;
            sum += table[256 + a1X0] * table[p1X0] * x1X.getX()
                    + table[256 + a1X1] * table[p1X1] * x1X.getY()
                    + table[256 + a1X2] * table[p1X2] * x1X.getZ()
                    + table[256 + a1X3] * table[p1X3] * x1X.getW();
            int e1Y = e1.getY();
            int s1Y = s1.getY();
            int a1Y0 = e1Y & 0xFF;
            int p1Y0 = s1Y & 0xFF;
            int a1Y1 = e1Y >> 8 & 0xFF;
            int p1Y1 = s1Y >> 8 & 0xFF;
            int a1Y2 = e1Y >> 16 & 0xFF;
            int p1Y2 = s1Y >> 16 & 0xFF;
            int a1Y3 = e1Y >> 24 & 0xFF;
            int p1Y3 = s1Y >> 24 & 0xFF;
            sum += table[256 + a1Y0] * table[p1Y0] * x1Y.getX()
                    + table[256 + a1Y1] * table[p1Y1] * x1Y.getY()
                    + table[256 + a1Y2] * table[p1Y2] * x1Y.getZ()
                    + table[256 + a1Y3] * table[p1Y3] * x1Y.getW();
            int e1Z = e1.getZ();
            int s1Z = s1.getZ();
            int a1Z0 = e1Z & 0xFF;
            int p1Z0 = s1Z & 0xFF;
            int a1Z1 = e1Z >> 8 & 0xFF;
            int p1Z1 = s1Z >> 8 & 0xFF;
            int a1Z2 = e1Z >> 16 & 0xFF;
            int p1Z2 = s1Z >> 16 & 0xFF;
            int a1Z3 = e1Z >> 24 & 0xFF;
            int p1Z3 = s1Z >> 24 & 0xFF;
            sum += table[256 + a1Z0] * table[p1Z0] * x1Z.getX()
                    + table[256 + a1Z1] * table[p1Z1] * x1Z.getY()
                    + table[256 + a1Z2] * table[p1Z2] * x1Z.getZ()
                    + table[256 + a1Z3] * table[p1Z3] * x1Z.getW();
            int e1W = e1.getW();
            int s1W = s1.getW();
            int a1W0 = e1W & 0xFF;
            int p1W0 = s1W & 0xFF;
            int a1W1 = e1W >> 8 & 0xFF;
            int p1W1 = s1W >> 8 & 0xFF;
            int a1W2 = e1W >> 16 & 0xFF;
            int p1W2 = s1W >> 16 & 0xFF;
            int a1W3 = e1W >> 24 & 0xFF;
            int p1W3 = s1W >> 24 & 0xFF;
            sum += table[256 + a1W0] * table[p1W0] * x1W.getX()
                    + table[256 + a1W1] * table[p1W1] * x1W.getY()
                    + table[256 + a1W2] * table[p1W2] * x1W.getZ()
                    + table[256 + a1W3] * table[p1W3] * x1W.getW();
        }
        for (int i = unrolled; i < words; i += width) {
            Int4 e0 = exponents.get(base + i);
            Int4 s0 = signMantissa.get(base + i);
            int xw0 = 4 * i;
            Float4 x0X = x.get(xw0 + 0);
            Float4 x0Y = x.get(xw0 + 1);
            Float4 x0Z = x.get(xw0 + 2);
            Float4 x0W = x.get(xw0 + 3);
            int e0X = e0.getX();
            int s0X = s0.getX();
            int a0X0 = e0X & 0xFF;
            int p0X0 = s0X & 0xFF;
            int a0X1 = e0X >> 8 & 0xFF;
            int p0X1 = s0X >> 8 & 0xFF;
            int a0X2 = e0X >> 16 & 0xFF;
            int p0X2 = s0X >> 16 & 0xFF;
            int a0X3 = e0X >> 24 & 0xFF;
            int p0X3 = s0X >> 24 & 0xFF;
            sum += table[256 + a0X0] * table[p0X0] * x0X.getX()
                    + table[256 + a0X1] * table[p0X1] * x0X.getY()
                    + table[256 + a0X2] * table[p0X2] * x0X.getZ()
                    + table[256 + a0X3] * table[p0X3] * x0X.getW();
            int e0Y = e0.getY();
            int s0Y = s0.getY();
            int a0Y0 = e0Y & 0xFF;
            int p0Y0 = s0Y & 0xFF;
            int a0Y1 = e0Y >> 8 & 0xFF;
            int p0Y1 = s0Y >> 8 & 0xFF;
            int a0Y2 = e0Y >> 16 & 0xFF;
            int p0Y2 = s0Y >> 16 & 0xFF;
            int a0Y3 = e0Y >> 24 & 0xFF;
            int p0Y3 = s0Y >> 24 & 0xFF;
            sum += table[256 + a0Y0] * table[p0Y0] * x0Y.getX()
                    + table[256 + a0Y1] * table[p0Y1] * x0Y.getY()
                    + table[256 + a0Y2] * table[p0Y2] * x0Y.getZ()
                    + table[256 + a0Y3] * table[p0Y3] * x0Y.getW();
            int e0Z = e0.getZ();
            int s0Z = s0.getZ();
            int a0Z0 = e0Z & 0xFF;
            int p0Z0 = s0Z & 0xFF;
            int a0Z1 = e0Z >> 8 & 0xFF;
            int p0Z1 = s0Z >> 8 & 0xFF;
            int a0Z2 = e0Z >> 16 & 0xFF;
            int p0Z2 = s0Z >> 16 & 0xFF;
            int a0Z3 = e0Z >> 24 & 0xFF;
            int p0Z3 = s0Z >> 24 & 0xFF;
            sum += table[256 + a0Z0] * table[p0Z0] * x0Z.getX()
                    + table[256 + a0Z1] * table[p0Z1] * x0Z.getY()
                    + table[256 + a0Z2] * table[p0Z2] * x0Z.getZ()
                    + table[256 + a0Z3] * table[p0Z3] * x0Z.getW();
            int e0W = e0.getW();
            int s0W = s0.getW();
            int a0W0 = e0W & 0xFF;
            int p0W0 = s0W & 0xFF;
            int a0W1 = e0W >> 8 & 0xFF;
            int p0W1 = s0W >> 8 & 0xFF;
            int a0W2 = e0W >> 16 & 0xFF;
            int p0W2 = s0W >> 16 & 0xFF;
            int a0W3 = e0W >> 24 & 0xFF;
            int p0W3 = s0W >> 24 & 0xFF;
            sum += table[256 + a0W0] * table[p0W0] * x0W.getX()
                    + table[256 + a0W1] * table[p0W1] * x0W.getY()
                    + table[256 + a0W2] * table[p0W2] * x0W.getZ()
                    + table[256 + a0W3] * table[p0W3] * x0W.getW();
        }
        partial[lane] = sum;
        context.localBarrier();
        for (int stride = width / 2; stride > 0; stride >>= 1) {
            if (sub < stride) {
                partial[lane] += partial[lane + stride];
            }
            context.localBarrier();
        }
        if (sub == 0 && words > 0) {
            output.set(row, partial[lane]);
        }
    }
}
