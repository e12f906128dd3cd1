#!/usr/bin/env python3
"""Writes NibbleMatVecKernels.java: MatVecKernels.matVec with weights read from the nibble layout. The escape code
(15) widens to zero, as the unit's table widens the tail's weights to zero on the planes (UnitTail); the tail task
after the product adds them. No escape code is in the kernel: its loops are one straight block each."""


def quad(i, kexpr, ind):
    """Lines that load quad `kexpr` of the row and widen its four weights into w0{i}..w3{i}."""
    s = ind
    out = [
        f"{s}int g{i} = base + {kexpr};",
        f"{s}int v{i} = codes.get(g{i} >> 1) >> ((g{i} & 1) << 4) & 0xFFFF;",
        f"{s}int s{i} = signMantissa.get(g{i});",
        f"{s}int p{i} = s{i} & 0xFF;",
        f"{s}int q{i} = s{i} >> 8 & 0xFF;",
        f"{s}int r{i} = s{i} >> 16 & 0xFF;",
        f"{s}int t{i} = s{i} >> 24 & 0xFF;",
        f"{s}float w0{i} = (p{i} & 0x7F | 0x80) * table[CODE_SCALES + (p{i} >> 3 & 0x10 | v{i} & 15)];",
        f"{s}float w1{i} = (q{i} & 0x7F | 0x80) * table[CODE_SCALES + (q{i} >> 3 & 0x10 | v{i} >> 4 & 15)];",
        f"{s}float w2{i} = (r{i} & 0x7F | 0x80) * table[CODE_SCALES + (r{i} >> 3 & 0x10 | v{i} >> 8 & 15)];",
        f"{s}float w3{i} = (t{i} & 0x7F | 0x80) * table[CODE_SCALES + (t{i} >> 3 & 0x10 | v{i} >> 12 & 15)];",
    ]
    return out

def add(i, sums, xbases, xq, ind):
    return [f"{ind}{sm} = MatVecKernels.addQuad({sm}, w0{i}, w1{i}, w2{i}, w3{i}, x, {xb} + {xq}, quarter);"
            for sm, xb in zip(sums, xbases)]

K = ["k", "k + width", "k + 2 * width", "k + 3 * width"]

def body():
    """The kernel's body: each unrolled step widens its four quads, then multiplies."""
    L = []
    a = L.append
    I3 = " " * 12
    I4 = " " * 16
    a("        float[] table = context.allocateFloatLocalArray(UnitTail.TABLE);")
    a("        float[] partial = context.allocateFloatLocalArray(MatVecKernels.TILE * ForwardKernels.MAX_LOCAL);")
    a("        int lane = context.localIdx;")
    a("        int size = context.localGroupSizeX;")
    a("        int width = size / rowsPerGroup;")
    a("        int slot = lane / width;")
    a("        int sub = lane - slot * width;")
    a("        int row = context.groupIdx * rowsPerGroup + slot;")
    a("        int limit = 0;")
    a("        if (row < rows) {")
    a("            limit = cols;")
    a("        }")
    a("        for (int i = lane; i < UnitTail.TABLE; i += size) {")
    a("            table[i] = scales.get(i);")
    a("        }")
    a("        context.localBarrier();")
    a("        int count = batch.get(ForwardKernels.COUNT);")
    a("        int first = 0;")
    a("        if (lastOnly == 1) {")
    a("            first = count - 1;")
    a("        }")
    a("        int base = (offset + row * cols) / 4;")
    a("        int quads = limit / 4;")
    a("        int quarter = cols / 4;")
    a("        int step = MatVecKernels.UNROLL * width;")
    a("        int remaining = quads - sub;")
    a("        if (remaining < 0) {")
    a("            remaining = 0;")
    a("        }")
    a("        int unrolled = sub + remaining / step * step;")
    a("        int b = first;")
    a("        for (; b + MatVecKernels.TILE <= count; b += MatVecKernels.TILE) {")
    a("            int xBase0 = b * cols;")
    a("            int xBase1 = xBase0 + cols;")
    a("            int xBase2 = xBase1 + cols;")
    a("            int xBase3 = xBase2 + cols;")
    a("            float sum0 = 0.0f;")
    a("            float sum1 = 0.0f;")
    a("            float sum2 = 0.0f;")
    a("            float sum3 = 0.0f;")
    a("            int lane1 = 1 * ForwardKernels.MAX_LOCAL + lane;")
    a("            int lane2 = 2 * ForwardKernels.MAX_LOCAL + lane;")
    a("            int lane3 = 3 * ForwardKernels.MAX_LOCAL + lane;")
    a("            for (int k = sub; k < unrolled; k += step) {")
    sums = ["sum0", "sum1", "sum2", "sum3"]
    xb = ["xBase0", "xBase1", "xBase2", "xBase3"]
    for i in range(4):
        L.extend(quad(i, K[i], I4))
    for i in range(4):
        L.extend(add(i, sums, xb, f"({K[i]})" if i else "k", I4))
    a("            }")
    a("            for (int k = unrolled; k < quads; k += width) {")
    L.extend(quad(4, "k", I4))
    L.extend(add(4, sums, xb, "k", I4))
    a("            }")
    a("""            partial[lane] = sum0;
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
            for (int k = sub; k < unrolled; k += step) {""")
    for i in range(4):
        L.extend(quad(i, K[i], I4))
    for i in range(4):
        L.extend(add(i, ["sum"], ["xBase"], f"({K[i]})" if i else "k", I4))
    a("            }")
    a("            for (int k = unrolled; k < quads; k += width) {")
    L.extend(quad(4, "k", I4))
    L.extend(add(4, ["sum"], ["xBase"], "k", I4))
    a("""            }
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
        if (sub == 0 && limit > 0) {
            TailKernels.addRowTail(output, x, row, rows, cols, first, count, tail, directory, scales);
        }""")
    return "\n".join(L)

HEAD = '''package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.NibbleLayout;
import dev.df11.tornado.forward.weights.UnitTail;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The dense part of {@code out = W x} ({@link UnitTail}) for a DF11 matrix held in the nibble layout
 * ({@link NibbleLayout}): each exponent a 4-bit code into its unit's 15 coded exponents, beside the unit's own
 * sign/mantissa bytes. Nothing is decoded ahead of the product and no decoded weight reaches global memory: a
 * weight's code and sign pick its power-of-two scale from a 32-entry table in local memory, and its value is
 * {@code (mantissa | 0x80) * scale}, the value {@link Bf16Scales#widenPlanes} gives from its true exponent. The
 * escape code (15) has scale zero, as the unit's table has at every uncoded exponent, so the tail's weights are left
 * to the tail task ({@link TailKernels#addTails}) here as on the planes.
 *
 * <p>Everything else is {@link MatVecKernels#matVec}, line for line: the same launch, work-items per row, loop order,
 * token tiles and reduction tree, so the products are summed in the same order and the result equals the planes
 * kernel's on the unit's table bit for bit, for every row of the batch. Weight bytes read: 1.5 a weight (a nibble
 * and the sign/mantissa byte) against 2 for the planes. Generated by
 * {@code tornado-kernels/generate/nibble_matvec.py} (the four-quad unroll repeats by hand: TornadoVM 5.2 cannot pass
 * a local array to a helper); edit that, not this file.
 */
public final class NibbleMatVecKernels {

    /** Where the code scales start in the kernel's table: after {@link Bf16Scales}' 512 entries. */
    private static final int CODE_SCALES = Bf16Scales.SIZE;

    private NibbleMatVecKernels() {
    }

    /**
     * @param codes        the unit's 4-bit exponent codes, eight per int, element {@code e} in bits
     *                     {@code 4 (e % 8)} up ({@link NibbleLayout})
     * @param signMantissa the unit's sign/mantissa plane
     * @param offset       element index of W[0, 0] in the unit (a multiple of 4)
     * @param rows         rows of W
     * @param cols         columns of W (a multiple of 4)
     * @param scales       the unit's table ({@link UnitTail#table()}): the BF16 scales, zero at uncoded exponents,
     *                     then the code scales, then the tail values
     * @param tail         the unit's tail array, whose weights each row adds last ({@link TailKernels#addRowTail})
     * @see MatVecKernels#matVec for the other parameters
     */
    public static void matVecNibbles(KernelContext context, IntArray codes, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales, IntArray tail, int directory) {
'''

print(HEAD + body() + "\n    }\n}")
