package dev.df11.lab.matvec;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.TailKernels;
import dev.df11.tornado.forward.TensorCoreKernels;
import dev.df11.tornado.forward.WeightPlanes;
import dev.df11.tornado.forward.weights.UnitTail;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.HalfFloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Lab rung of the planes kernel ({@link MatVecKernels#matVec}) on an fp16 layout of the same weights: each weight of
 * the unit's dense part stored as the fp16 bits of {@code w * 2^(142 - top)} ({@code top} the unit's largest coded
 * exponent, {@link TensorCoreKernels#topExponent}), which is exact (the coded exponents lie within 30 binades of each
 * other, and fp16 holds 8 significant bits over 30 normal binades: the tensor cores' widening, done once on the host).
 * The kernel then widens a weight with one fp16-to-fp32 conversion ({@code HalfFloat.getFloat32}, {@code cvt.f32.f16}
 * on PTX) instead of the planes' byte unpacking, table lookup, significand select, int-to-float conversion and multiply:
 * KERNEL-NOTES ("Counters at last") found the planes kernel bound by those instructions, about 25 a weight, at a third
 * of the DRAM bandwidth. Two bytes a weight, as the planes.
 *
 * <p>Same bits as the planes kernel on the unit's table: every product and sum of the row is the planes kernel's times
 * {@code 2^(142 - top)}, a power of two, which commutes with fp32 rounding while nothing overflows or falls to a
 * subnormal; the row's sum is scaled back (exactly) before it is written or accumulated, then the row's tail weights
 * are added as every product kernel adds them ({@link TailKernels#addRowTail}). Same work-items per row, quad order
 * and reduction tree as the planes kernel's single-token loop, so {@code matvec-bench --half} checks it bit for bit
 * against the planes kernel with the tail. Tokens one at a time (no tile): a batch-1 rung.
 *
 * <p>{@link #matVecNibbleHalf} is the same for the nibble layout ({@link dev.df11.tornado.forward.weights.NibbleLayout}):
 * each weight's fp16 bits built from its 4-bit code and its sign/mantissa byte with integer operations and a 16-entry
 * table of exponent fields ({@link #fields}), then converted by {@code Float.float16ToFloat} (PTX: {@code cvt.f32.f16}
 * of a computed 16-bit register, which TornadoVM has no test of; its OpenCL backend emits an integer conversion
 * there, so the rung is for PTX alone).
 *
 * <p>Not testable on PoCL (no {@code cl_khr_fp16} on its CPU device); only a GPU runs them.
 */
public final class HalfPlaneKernels {

    /** Quads each work-item loads per iteration, as the planes kernel ({@link MatVecKernels#UNROLL}). */
    public static final int UNROLL = MatVecKernels.UNROLL;

    private HalfPlaneKernels() {
    }

    /** The power of two the layout multiplies the weights by, {@code 2^(142 - top)}: the inverse of {@link #unscale}. */
    public static int shift(int topExponent) {
        return 142 - topExponent;
    }

    /** What the kernel multiplies a row's sum by: {@code 2^(top - 142)} ({@link TensorCoreKernels#unitScale}). */
    public static float unscale(int topExponent) {
        return TensorCoreKernels.unitScale(topExponent);
    }

    /**
     * Host side: the fp16 layout of {@code elements} weights of {@code planes}, each widened as the planes kernel
     * widens it with {@code table} (a unit's table: uncoded exponents widen to zero) and scaled by {@code 2^shift}.
     *
     * @throws IllegalArgumentException naming the element when a weight is not exactly an fp16 value once scaled (a
     *                                  coded exponent outside the 30 binades below {@code top})
     */
    public static HalfFloatArray layout(WeightPlanes planes, long elements, FloatArray table, int topExponent) {
        int shift = shift(topExponent);
        HalfFloatArray layout = new HalfFloatArray(Math.toIntExact(elements));
        MemorySegment halves = layout.getSegment();
        for (long i = 0; i < elements; i++) {
            int bits = planes.bf16(i);
            int exponent = bits >> 7 & 0xFF;
            int signMantissa = (bits >> 8 & 0x80) | (bits & 0x7F);
            float w = Bf16Scales.widenPlanes(exponent, signMantissa,
                    table.get(Bf16Scales.planeIndex(exponent, signMantissa)));
            float scaled = Math.scalb(w, shift);
            short half = Float.floatToFloat16(scaled);
            if (Float.floatToRawIntBits(Float.float16ToFloat(half)) != Float.floatToRawIntBits(scaled)) {
                throw new IllegalArgumentException("weight " + i + " (BF16 0x" + Integer.toHexString(bits) + ") is not"
                        + " an fp16 value once scaled by 2^" + shift + "; the unit's coded exponents must lie within"
                        + " 30 binades of 2^" + (topExponent - 127));
            }
            halves.setAtIndex(ValueLayout.JAVA_SHORT, i, half);
        }
        return layout;
    }

    /**
     * Host side: the exponent fields of the nibble codes for {@link #matVecNibbleHalf}, from a unit's table
     * ({@link UnitTail#table()}, whose code scales are {@code 2^(e - 134)} for code {@code c}'s exponent {@code e},
     * zero for the escape): entry {@code c} is {@code (e + 30 - top) << 10} in the low half, all ones in the high half
     * (the mask {@link #widenHalf} keeps), or 0 for a code without an exponent.
     *
     * @throws IllegalArgumentException when a code's exponent lies outside the 30 binades below {@code top}
     */
    public static IntArray fields(FloatArray table, int topExponent) {
        IntArray fields = new IntArray(16);
        for (int c = 0; c < 16; c++) {
            float scale = table.get(Bf16Scales.SIZE + c);
            if (scale == 0.0f) {
                fields.set(c, 0);
                continue;
            }
            int e = Math.getExponent(scale) + 134;
            int field = e + 30 - topExponent;
            if (field < 1 || field > 30) {
                throw new IllegalArgumentException("code " + c + " stands for exponent " + e + ", outside the 30 binades"
                        + " below the unit's top exponent " + topExponent);
            }
            fields.set(c, field << 10 | 0xFFFF0000);
        }
        return fields;
    }

    /**
     * The scaled weight ({@code w * 2^(142 - top)}) of sign/mantissa byte {@code m} whose code has exponent field
     * {@code field} ({@link #fields}): its fp16 bits built with integer operations, then converted; zero for the
     * escape code (field 0 masks every bit). Kernel-safe.
     */
    public static float widenHalf(int m, int field) {
        return Float.float16ToFloat((short) (((m & 0x80) << 8 | (m & 0x7F) << 3 | field) & (field >> 16)));
    }

    /**
     * {@link dev.df11.tornado.forward.NibbleMatVecKernels#matVecNibbles}' product with each weight widened by
     * {@link #widenHalf} through the unit's {@link #fields}, every token overwriting {@code output} (no accumulation,
     * no last-only: a lab rung); its other parameters as {@link #matVecHalf}.
     */
    public static void matVecNibbleHalf(KernelContext context, IntArray codes, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray output, int rowsPerGroup, IntArray batch, IntArray fields,
            float unscale, FloatArray table, IntArray tail, int directory) {
        int[] field = context.allocateIntLocalArray(16);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
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
        for (int i = lane; i < 16; i += size) {
            field[i] = fields.get(i);
        }
        context.localBarrier();
        int count = batch.get(ForwardKernels.COUNT);
        int base = (offset + row * cols) / 4;
        int quads = limit / 4;
        int quarter = cols / 4;
        int step = UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        for (int b = 0; b < count; b++) {
            int xBase = b * cols;
            float sum = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int g0 = base + k;
                int g1 = g0 + width;
                int g2 = g1 + width;
                int g3 = g2 + width;
                int v0 = codes.get(g0 >> 1) >> ((g0 & 1) << 4) & 0xFFFF;
                int s0 = signMantissa.get(g0);
                sum = MatVecKernels.addQuad(sum, widenHalf(s0 & 0xFF, field[v0 & 15]),
                        widenHalf(s0 >> 8 & 0xFF, field[v0 >> 4 & 15]),
                        widenHalf(s0 >> 16 & 0xFF, field[v0 >> 8 & 15]),
                        widenHalf(s0 >> 24 & 0xFF, field[v0 >> 12 & 15]), x, xBase + k, quarter);
                int v1 = codes.get(g1 >> 1) >> ((g1 & 1) << 4) & 0xFFFF;
                int s1 = signMantissa.get(g1);
                sum = MatVecKernels.addQuad(sum, widenHalf(s1 & 0xFF, field[v1 & 15]),
                        widenHalf(s1 >> 8 & 0xFF, field[v1 >> 4 & 15]),
                        widenHalf(s1 >> 16 & 0xFF, field[v1 >> 8 & 15]),
                        widenHalf(s1 >> 24 & 0xFF, field[v1 >> 12 & 15]), x, xBase + k + width, quarter);
                int v2 = codes.get(g2 >> 1) >> ((g2 & 1) << 4) & 0xFFFF;
                int s2 = signMantissa.get(g2);
                sum = MatVecKernels.addQuad(sum, widenHalf(s2 & 0xFF, field[v2 & 15]),
                        widenHalf(s2 >> 8 & 0xFF, field[v2 >> 4 & 15]),
                        widenHalf(s2 >> 16 & 0xFF, field[v2 >> 8 & 15]),
                        widenHalf(s2 >> 24 & 0xFF, field[v2 >> 12 & 15]), x, xBase + k + 2 * width, quarter);
                int v3 = codes.get(g3 >> 1) >> ((g3 & 1) << 4) & 0xFFFF;
                int s3 = signMantissa.get(g3);
                sum = MatVecKernels.addQuad(sum, widenHalf(s3 & 0xFF, field[v3 & 15]),
                        widenHalf(s3 >> 8 & 0xFF, field[v3 >> 4 & 15]),
                        widenHalf(s3 >> 16 & 0xFF, field[v3 >> 8 & 15]),
                        widenHalf(s3 >> 24 & 0xFF, field[v3 >> 12 & 15]), x, xBase + k + 3 * width, quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int g4 = base + k;
                int v4 = codes.get(g4 >> 1) >> ((g4 & 1) << 4) & 0xFFFF;
                int s4 = signMantissa.get(g4);
                sum = MatVecKernels.addQuad(sum, widenHalf(s4 & 0xFF, field[v4 & 15]),
                        widenHalf(s4 >> 8 & 0xFF, field[v4 >> 4 & 15]),
                        widenHalf(s4 >> 16 & 0xFF, field[v4 >> 8 & 15]),
                        widenHalf(s4 >> 24 & 0xFF, field[v4 >> 12 & 15]), x, xBase + k, quarter);
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
                output.set(b * rows + row, partial[lane] * unscale);
            }
            context.localBarrier();
        }
        if (sub == 0 && limit > 0) {
            TailKernels.addRowTail(output, x, row, rows, cols, 0, count, tail, directory, table);
        }
    }

    /**
     * {@link MatVecKernels#matVec}'s product on the fp16 layout ({@link #layout}); its parameters, with
     * {@code weights} for the planes, {@code unscale} ({@link #unscale}) and {@code table} the unit's table (read only
     * for the tail values).
     */
    public static void matVecHalf(KernelContext context, HalfFloatArray weights, int offset, int rows, int cols,
            FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup, IntArray batch,
            float unscale, FloatArray table, IntArray tail, int directory) {
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
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
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        int base = offset + row * cols;
        int quads = limit / 4;
        int quarter = cols / 4;
        int step = UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        for (int b = first; b < count; b++) {
            int xBase = b * cols;
            float sum = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int i0 = base + 4 * k;
                int i1 = i0 + 4 * width;
                int i2 = i1 + 4 * width;
                int i3 = i2 + 4 * width;
                float a0 = weights.get(i0).getFloat32();
                float b0 = weights.get(i0 + 1).getFloat32();
                float c0 = weights.get(i0 + 2).getFloat32();
                float d0 = weights.get(i0 + 3).getFloat32();
                float a1 = weights.get(i1).getFloat32();
                float b1 = weights.get(i1 + 1).getFloat32();
                float c1 = weights.get(i1 + 2).getFloat32();
                float d1 = weights.get(i1 + 3).getFloat32();
                float a2 = weights.get(i2).getFloat32();
                float b2 = weights.get(i2 + 1).getFloat32();
                float c2 = weights.get(i2 + 2).getFloat32();
                float d2 = weights.get(i2 + 3).getFloat32();
                float a3 = weights.get(i3).getFloat32();
                float b3 = weights.get(i3 + 1).getFloat32();
                float c3 = weights.get(i3 + 2).getFloat32();
                float d3 = weights.get(i3 + 3).getFloat32();
                sum = MatVecKernels.addQuad(sum, a0, b0, c0, d0, x, xBase + k, quarter);
                sum = MatVecKernels.addQuad(sum, a1, b1, c1, d1, x, xBase + k + width, quarter);
                sum = MatVecKernels.addQuad(sum, a2, b2, c2, d2, x, xBase + k + 2 * width, quarter);
                sum = MatVecKernels.addQuad(sum, a3, b3, c3, d3, x, xBase + k + 3 * width, quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int i = base + 4 * k;
                sum = MatVecKernels.addQuad(sum, weights.get(i).getFloat32(), weights.get(i + 1).getFloat32(),
                        weights.get(i + 2).getFloat32(), weights.get(i + 3).getFloat32(), x, xBase + k, quarter);
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
                float value = partial[lane] * unscale;
                if (accumulate == 1) {
                    value = output.get(o) + value;
                }
                output.set(o, value);
            }
            context.localBarrier();
        }
        if (sub == 0 && limit > 0) {
            TailKernels.addRowTail(output, x, row, rows, cols, first, count, tail, directory, table);
        }
    }
}
