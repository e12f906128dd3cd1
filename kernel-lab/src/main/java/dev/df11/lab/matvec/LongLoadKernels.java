package dev.df11.lab.matvec;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

/**
 * Lab rung of the planes kernel at batch 1 with 8-byte loads: each work-item reads a long of each plane at a time (8
 * weights per pair of loads instead of 4), four of each in flight, and its activations from an "octet-major" row
 * (element {@code 8m + j} at {@code j * cols / 8 + m}, {@link #octetMajor}), so a row's work-items read consecutive
 * floats. TornadoVM 5.2 emits only scalar loads ({@code VectorInt4} and {@code Float4} come out as four 4-byte
 * loads each: the lab rung that tried them, WideLoadKernels, ran 2.2x slower than the product kernel and was
 * removed, in git at 6d92f8d); a long is the widest load it emits. The CUDA C ceiling
 * ({@code kernel-lab/cuda/matvec_ceiling.cu}, H100, 2026-12-07) put this shape at 1.15-1.27x the product kernel's speed
 * over the 8B step's matrices; on an H200 (PTX) it ran 2-3% faster than the product kernel at the product's launch:
 * the kernel is bound by its instructions per weight, not by its loads (KERNEL-NOTES, "Counters at last"). Widening as
 * the product does. Its products are added in another order than the planes kernel's, so outputs agree to rounding,
 * not bit for bit.
 *
 * <p>Launch: {@code ceil(rows / rowsPerGroup)} groups of {@code L} work-items, {@code L / rowsPerGroup} per row;
 * {@code cols} a multiple of 8. Work-item {@code sub} adds its longs {@code sub, sub + width, ...} (4 per
 * iteration, then a tail), then the group's tree reduction adds the row's partial sums. Batch 1 only. Generated (the
 * widenings are written out: TornadoVM 5.2 cannot pass local arrays to helpers).
 */
public final class LongLoadKernels {

    private LongLoadKernels() {
    }

    /** Where element {@code c} of an octet-major activation row of {@code cols} values (a multiple of 8) is stored. */
    public static int octetMajor(int c, int cols) {
        return (c & 7) * (cols / 8) + (c >> 3);
    }

    /** Host side: {@code cols} activations (natural order) stored octet-major ({@link #octetMajor}). */
    public static FloatArray toOctetMajor(FloatArray x, int cols) {
        FloatArray octets = new FloatArray(cols);
        for (int c = 0; c < cols; c++) {
            octets.set(octetMajor(c, cols), x.get(c));
        }
        return octets;
    }

    /** Host side: a plane's ints as longs, two ints (eight weights) each, the lower int in the low half. */
    public static LongArray longs(IntArray ints) {
        LongArray longs = new LongArray(ints.getSize() / 2);
        for (int i = 0; i < longs.getSize(); i++) {
            longs.set(i, (ints.get(2 * i) & 0xFFFFFFFFL) | ((long) ints.get(2 * i + 1) << 32));
        }
        return longs;
    }

    /** @param x {@code cols} inputs, octet-major; {@code scales}: {@link Bf16Scales#table()} */
    public static void matVecLong(KernelContext context, LongArray exponents, LongArray signMantissa, int rows,
            int cols, FloatArray x, FloatArray output, int rowsPerGroup, FloatArray scales) {
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
            words = cols / 8;
        }
        for (int i = lane; i < Bf16Scales.SIZE; i += size) {
            table[i] = scales.get(i);
        }
        context.localBarrier();
        int eighth = cols / 8;
        int base = row * eighth;
        int step = 4 * width;
        int remaining = words - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        float sum = 0.0f;
        for (int k = sub; k < unrolled; k += step) {
            long e0 = exponents.get(base + k);
            long s0 = signMantissa.get(base + k);
            long e1 = exponents.get(base + k + 1 * width);
            long s1 = signMantissa.get(base + k + 1 * width);
            long e2 = exponents.get(base + k + 2 * width);
            long s2 = signMantissa.get(base + k + 2 * width);
            long e3 = exponents.get(base + k + 3 * width);
            long s3 = signMantissa.get(base + k + 3 * width);
            int e0l = (int) e0;
            int e0h = (int) (e0 >> 32);
            int s0l = (int) s0;
            int s0h = (int) (s0 >> 32);
            int xk0 = k;
            int a00 = e0l & 0xFF;
            int p00 = s0l & 0xFF;
            int a01 = e0l >> 8 & 0xFF;
            int p01 = s0l >> 8 & 0xFF;
            int a02 = e0l >> 16 & 0xFF;
            int p02 = s0l >> 16 & 0xFF;
            int a03 = e0l >> 24 & 0xFF;
            int p03 = s0l >> 24 & 0xFF;
            int a04 = e0h & 0xFF;
            int p04 = s0h & 0xFF;
            int a05 = e0h >> 8 & 0xFF;
            int p05 = s0h >> 8 & 0xFF;
            int a06 = e0h >> 16 & 0xFF;
            int p06 = s0h >> 16 & 0xFF;
            int a07 = e0h >> 24 & 0xFF;
            int p07 = s0h >> 24 & 0xFF;
            sum += Bf16Scales.widenPlanes(a00, p00, table[Bf16Scales.planeIndex(a00, p00)]) * x.get(xk0)
                    + Bf16Scales.widenPlanes(a01, p01, table[Bf16Scales.planeIndex(a01, p01)]) * x.get(xk0 + 1 * eighth)
                    + Bf16Scales.widenPlanes(a02, p02, table[Bf16Scales.planeIndex(a02, p02)]) * x.get(xk0 + 2 * eighth)
                    + Bf16Scales.widenPlanes(a03, p03, table[Bf16Scales.planeIndex(a03, p03)]) * x.get(xk0 + 3 * eighth)
                    + Bf16Scales.widenPlanes(a04, p04, table[Bf16Scales.planeIndex(a04, p04)]) * x.get(xk0 + 4 * eighth)
                    + Bf16Scales.widenPlanes(a05, p05, table[Bf16Scales.planeIndex(a05, p05)]) * x.get(xk0 + 5 * eighth)
                    + Bf16Scales.widenPlanes(a06, p06, table[Bf16Scales.planeIndex(a06, p06)]) * x.get(xk0 + 6 * eighth)
                    + Bf16Scales.widenPlanes(a07, p07, table[Bf16Scales.planeIndex(a07, p07)]) * x.get(xk0 + 7 * eighth);
            int e1l = (int) e1;
            int e1h = (int) (e1 >> 32);
            int s1l = (int) s1;
            int s1h = (int) (s1 >> 32);
            int xk1 = k + 1 * width;
            int a10 = e1l & 0xFF;
            int p10 = s1l & 0xFF;
            int a11 = e1l >> 8 & 0xFF;
            int p11 = s1l >> 8 & 0xFF;
            int a12 = e1l >> 16 & 0xFF;
            int p12 = s1l >> 16 & 0xFF;
            int a13 = e1l >> 24 & 0xFF;
            int p13 = s1l >> 24 & 0xFF;
            int a14 = e1h & 0xFF;
            int p14 = s1h & 0xFF;
            int a15 = e1h >> 8 & 0xFF;
            int p15 = s1h >> 8 & 0xFF;
            int a16 = e1h >> 16 & 0xFF;
            int p16 = s1h >> 16 & 0xFF;
            int a17 = e1h >> 24 & 0xFF;
            int p17 = s1h >> 24 & 0xFF;
            sum += Bf16Scales.widenPlanes(a10, p10, table[Bf16Scales.planeIndex(a10, p10)]) * x.get(xk1)
                    + Bf16Scales.widenPlanes(a11, p11, table[Bf16Scales.planeIndex(a11, p11)]) * x.get(xk1 + 1 * eighth)
                    + Bf16Scales.widenPlanes(a12, p12, table[Bf16Scales.planeIndex(a12, p12)]) * x.get(xk1 + 2 * eighth)
                    + Bf16Scales.widenPlanes(a13, p13, table[Bf16Scales.planeIndex(a13, p13)]) * x.get(xk1 + 3 * eighth)
                    + Bf16Scales.widenPlanes(a14, p14, table[Bf16Scales.planeIndex(a14, p14)]) * x.get(xk1 + 4 * eighth)
                    + Bf16Scales.widenPlanes(a15, p15, table[Bf16Scales.planeIndex(a15, p15)]) * x.get(xk1 + 5 * eighth)
                    + Bf16Scales.widenPlanes(a16, p16, table[Bf16Scales.planeIndex(a16, p16)]) * x.get(xk1 + 6 * eighth)
                    + Bf16Scales.widenPlanes(a17, p17, table[Bf16Scales.planeIndex(a17, p17)]) * x.get(xk1 + 7 * eighth);
            int e2l = (int) e2;
            int e2h = (int) (e2 >> 32);
            int s2l = (int) s2;
            int s2h = (int) (s2 >> 32);
            int xk2 = k + 2 * width;
            int a20 = e2l & 0xFF;
            int p20 = s2l & 0xFF;
            int a21 = e2l >> 8 & 0xFF;
            int p21 = s2l >> 8 & 0xFF;
            int a22 = e2l >> 16 & 0xFF;
            int p22 = s2l >> 16 & 0xFF;
            int a23 = e2l >> 24 & 0xFF;
            int p23 = s2l >> 24 & 0xFF;
            int a24 = e2h & 0xFF;
            int p24 = s2h & 0xFF;
            int a25 = e2h >> 8 & 0xFF;
            int p25 = s2h >> 8 & 0xFF;
            int a26 = e2h >> 16 & 0xFF;
            int p26 = s2h >> 16 & 0xFF;
            int a27 = e2h >> 24 & 0xFF;
            int p27 = s2h >> 24 & 0xFF;
            sum += Bf16Scales.widenPlanes(a20, p20, table[Bf16Scales.planeIndex(a20, p20)]) * x.get(xk2)
                    + Bf16Scales.widenPlanes(a21, p21, table[Bf16Scales.planeIndex(a21, p21)]) * x.get(xk2 + 1 * eighth)
                    + Bf16Scales.widenPlanes(a22, p22, table[Bf16Scales.planeIndex(a22, p22)]) * x.get(xk2 + 2 * eighth)
                    + Bf16Scales.widenPlanes(a23, p23, table[Bf16Scales.planeIndex(a23, p23)]) * x.get(xk2 + 3 * eighth)
                    + Bf16Scales.widenPlanes(a24, p24, table[Bf16Scales.planeIndex(a24, p24)]) * x.get(xk2 + 4 * eighth)
                    + Bf16Scales.widenPlanes(a25, p25, table[Bf16Scales.planeIndex(a25, p25)]) * x.get(xk2 + 5 * eighth)
                    + Bf16Scales.widenPlanes(a26, p26, table[Bf16Scales.planeIndex(a26, p26)]) * x.get(xk2 + 6 * eighth)
                    + Bf16Scales.widenPlanes(a27, p27, table[Bf16Scales.planeIndex(a27, p27)]) * x.get(xk2 + 7 * eighth);
            int e3l = (int) e3;
            int e3h = (int) (e3 >> 32);
            int s3l = (int) s3;
            int s3h = (int) (s3 >> 32);
            int xk3 = k + 3 * width;
            int a30 = e3l & 0xFF;
            int p30 = s3l & 0xFF;
            int a31 = e3l >> 8 & 0xFF;
            int p31 = s3l >> 8 & 0xFF;
            int a32 = e3l >> 16 & 0xFF;
            int p32 = s3l >> 16 & 0xFF;
            int a33 = e3l >> 24 & 0xFF;
            int p33 = s3l >> 24 & 0xFF;
            int a34 = e3h & 0xFF;
            int p34 = s3h & 0xFF;
            int a35 = e3h >> 8 & 0xFF;
            int p35 = s3h >> 8 & 0xFF;
            int a36 = e3h >> 16 & 0xFF;
            int p36 = s3h >> 16 & 0xFF;
            int a37 = e3h >> 24 & 0xFF;
            int p37 = s3h >> 24 & 0xFF;
            sum += Bf16Scales.widenPlanes(a30, p30, table[Bf16Scales.planeIndex(a30, p30)]) * x.get(xk3)
                    + Bf16Scales.widenPlanes(a31, p31, table[Bf16Scales.planeIndex(a31, p31)]) * x.get(xk3 + 1 * eighth)
                    + Bf16Scales.widenPlanes(a32, p32, table[Bf16Scales.planeIndex(a32, p32)]) * x.get(xk3 + 2 * eighth)
                    + Bf16Scales.widenPlanes(a33, p33, table[Bf16Scales.planeIndex(a33, p33)]) * x.get(xk3 + 3 * eighth)
                    + Bf16Scales.widenPlanes(a34, p34, table[Bf16Scales.planeIndex(a34, p34)]) * x.get(xk3 + 4 * eighth)
                    + Bf16Scales.widenPlanes(a35, p35, table[Bf16Scales.planeIndex(a35, p35)]) * x.get(xk3 + 5 * eighth)
                    + Bf16Scales.widenPlanes(a36, p36, table[Bf16Scales.planeIndex(a36, p36)]) * x.get(xk3 + 6 * eighth)
                    + Bf16Scales.widenPlanes(a37, p37, table[Bf16Scales.planeIndex(a37, p37)]) * x.get(xk3 + 7 * eighth);
        }
        for (int k = unrolled; k < words; k += width) {
            long e0 = exponents.get(base + k);
            long s0 = signMantissa.get(base + k);
            int e0l = (int) e0;
            int e0h = (int) (e0 >> 32);
            int s0l = (int) s0;
            int s0h = (int) (s0 >> 32);
            int xk0 = k;
            int a00 = e0l & 0xFF;
            int p00 = s0l & 0xFF;
            int a01 = e0l >> 8 & 0xFF;
            int p01 = s0l >> 8 & 0xFF;
            int a02 = e0l >> 16 & 0xFF;
            int p02 = s0l >> 16 & 0xFF;
            int a03 = e0l >> 24 & 0xFF;
            int p03 = s0l >> 24 & 0xFF;
            int a04 = e0h & 0xFF;
            int p04 = s0h & 0xFF;
            int a05 = e0h >> 8 & 0xFF;
            int p05 = s0h >> 8 & 0xFF;
            int a06 = e0h >> 16 & 0xFF;
            int p06 = s0h >> 16 & 0xFF;
            int a07 = e0h >> 24 & 0xFF;
            int p07 = s0h >> 24 & 0xFF;
            sum += Bf16Scales.widenPlanes(a00, p00, table[Bf16Scales.planeIndex(a00, p00)]) * x.get(xk0)
                    + Bf16Scales.widenPlanes(a01, p01, table[Bf16Scales.planeIndex(a01, p01)]) * x.get(xk0 + 1 * eighth)
                    + Bf16Scales.widenPlanes(a02, p02, table[Bf16Scales.planeIndex(a02, p02)]) * x.get(xk0 + 2 * eighth)
                    + Bf16Scales.widenPlanes(a03, p03, table[Bf16Scales.planeIndex(a03, p03)]) * x.get(xk0 + 3 * eighth)
                    + Bf16Scales.widenPlanes(a04, p04, table[Bf16Scales.planeIndex(a04, p04)]) * x.get(xk0 + 4 * eighth)
                    + Bf16Scales.widenPlanes(a05, p05, table[Bf16Scales.planeIndex(a05, p05)]) * x.get(xk0 + 5 * eighth)
                    + Bf16Scales.widenPlanes(a06, p06, table[Bf16Scales.planeIndex(a06, p06)]) * x.get(xk0 + 6 * eighth)
                    + Bf16Scales.widenPlanes(a07, p07, table[Bf16Scales.planeIndex(a07, p07)]) * x.get(xk0 + 7 * eighth);
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
