#!/usr/bin/env python3
"""Writes NibbleMatVecKernels.java: MatVecKernels.matVec with weights read from the nibble layout. With the argument
`split`, the kernel lab's NibbleSplitKernels instead: the same kernel with its unrolled loops split in two, a loop
without escape code that runs while its quads have no escape, then the full loop for the rest of the row (the same
products in the same order), to tell whether the escape code inline in the hot loop is what costs."""
import re
import sys

import nibble_escape

def quad(i, kexpr, ind, patched=True):
    """Lines that load quad `kexpr` of the row and widen its four weights into w0{i}..w3{i}, then patch its escapes
    unless `patched` is false (the caller patches a group of quads: `escapes`)."""
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
    if patched:
        out.extend(escapes([i], ind))
    return out

def escapes(quads, ind):
    """The escape patch of the quads numbered `quads`, under one test (nibble_escape.group)."""
    return nibble_escape.group(ind, [(f"v{i}", f"4 * g{i}", [f"w{j}{i}" for j in range(4)],
                                      [f"p{i}", f"q{i}", f"r{i}", f"t{i}"]) for i in quads])

def add(i, sums, xbases, xq, ind):
    return [f"{ind}{sm} = MatVecKernels.addQuad({sm}, w0{i}, w1{i}, w2{i}, w3{i}, x, {xb} + {xq}, quarter);"
            for sm, xb in zip(sums, xbases)]

K = ["k", "k + width", "k + 2 * width", "k + 3 * width"]

def body(grouped=True, patched=True):
    """The kernel's body; `grouped`: the unrolled loops widen their four quads, then patch them under one test, then
    multiply (false: each quad patched as it is widened, as the split lab rung expects); `patched` false: no escape
    code at all (the escape code widens to zero: the dense part of the tail order)."""
    L = []
    a = L.append
    I3 = " " * 12
    I4 = " " * 16
    a("        float[] table = context.allocateFloatLocalArray(NibbleLayout.SCALES);")
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
    a("        for (int i = lane; i < NibbleLayout.SCALES; i += size) {")
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
    if grouped:
        for i in range(4):
            L.extend(quad(i, K[i], I4, False))
        if patched:
            L.extend(escapes(range(4), I4))
        for i in range(4):
            L.extend(add(i, sums, xb, f"({K[i]})" if i else "k", I4))
    else:
        for i in range(4):
            L.extend(quad(i, K[i], I4, patched))
            L.extend(add(i, sums, xb, f"({K[i]})" if i else "k", I4))
    a("            }")
    a("            for (int k = unrolled; k < quads; k += width) {")
    L.extend(quad(4, "k", I4, patched))
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
        L.extend(quad(i, K[i], I4, patched and not grouped))
    if grouped and patched:
        L.extend(escapes(range(4), I4))
    for i in range(4):
        L.extend(add(i, ["sum"], ["xBase"], f"({K[i]})" if i else "k", I4))
    a("            }")
    a("            for (int k = unrolled; k < quads; k += width) {")
    L.extend(quad(4, "k", I4, patched))
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
        }""")
    return "\n".join(L)

HEAD = '''package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.NibbleLayout;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@code out = W x} for a DF11 matrix held in the nibble layout ({@link NibbleLayout}): each exponent a 4-bit code
 * into its unit's 15 most common exponents, the rest escaped, beside the unit's own sign/mantissa bytes. Nothing is
 * decoded ahead of the product and no decoded weight reaches global memory: a weight's code and sign pick its
 * power-of-two scale from a 32-entry table in local memory, and its value is {@code (mantissa | 0x80) * scale}, the
 * value {@link Bf16Scales#widenPlanes} gives from its true exponent. A quad with an escape (code 15) looks the
 * escaped exponents up in the unit's escape list (one scan of its segment's entries a quad, {@link #escapedExponents};
 * rare: well under 1% of weights).
 *
 * <p>Everything else is {@link MatVecKernels#matVec}, line for line: the same launch, work-items per row, loop order,
 * token tiles and reduction tree, so the products are summed in the same order and the result equals the BF16 planes
 * path bit for bit, for every row of the batch. Weight bytes read: 1.5 a weight (a nibble and the sign/mantissa
 * byte) against 2 for the planes. Generated by {@code tornado-kernels/generate/nibble_matvec.py} (the four-quad unroll
 * repeats by hand: TornadoVM 5.2 cannot pass a local array to a helper); edit that, not this file.
 */
public final class NibbleMatVecKernels {

    /** Where the code scales start in the kernel's table: after {@link Bf16Scales}' 512 entries. */
    private static final int CODE_SCALES = Bf16Scales.SIZE;

    private NibbleMatVecKernels() {
    }

    /**
     * The true exponents of the escaped weights of the quad at element {@code at} of the unit (a multiple of 4), a
     * byte each from the lowest (0 for a weight not escaped), found in the escape list of the quad's segment.
     * Kernel-safe.
     */
    public static int escapedExponents(IntArray escapes, int at) {
        int segment = at >> NibbleLayout.SEGMENT_BITS;
        int from = escapes.get(segment);
        int to = escapes.get(segment + 1);
        int position = at & (NibbleLayout.SEGMENT - 1);
        int found = 0;
        for (int i = from; i < to; i++) {
            int entry = escapes.get(i);
            int d = (entry >> 8) - position;
            if (d >= 0 && d < 4) {
                found = found | (entry & 0xFF) << (d << 3);
            }
        }
        return found;
    }

    /**
     * {@code decoded}, or when {@code code} is the escape the weight widened from its true {@code exponent} (found in
     * the unit's escape list) as the planes kernels widen it. Kernel-safe.
     */
    public static float escapedValue(int code, int exponent, int signMantissa, float decoded,
            FloatArray scales) {
        float value = decoded;
        if (code == NibbleLayout.ESCAPE) {
            value = Bf16Scales.widenPlanes(exponent, signMantissa,
                    scales.get(Bf16Scales.planeIndex(exponent, signMantissa)));
        }
        return value;
    }

    /**
     * @param codes        the unit's 4-bit exponent codes, eight per int, element {@code e} in bits
     *                     {@code 4 (e % 8)} up ({@link NibbleLayout})
     * @param signMantissa the unit's sign/mantissa plane
     * @param escapes      the unit's escape list: per segment of {@link NibbleLayout#SEGMENT} elements the index of
     *                     its first entry, then the entries ({@link NibbleLayout})
     * @param offset       element index of W[0, 0] in the unit (a multiple of 4)
     * @param rows         rows of W
     * @param cols         columns of W (a multiple of 4)
     * @param scales       the unit's {@link NibbleLayout#SCALES} scales: {@link Bf16Scales#table()}, then its code
     *                     scales
     * @see MatVecKernels#matVec for the other parameters
     */
    public static void matVecNibbles(KernelContext context, IntArray codes, IntArray signMantissa, IntArray escapes,
            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,
            int rowsPerGroup, IntArray batch, FloatArray scales) {
'''

UNROLLED = "            for (int k = sub; k < unrolled; k += step) {"


def split(text):
    """Each unrolled loop of `text` as a loop free of escape code while its four quads have none, then the full loop
    from where that one stopped."""
    lines = text.split("\n")
    out = []
    n = 0
    i = 0
    while i < len(lines):
        if lines[i] != UNROLLED:
            out.append(lines[i])
            i += 1
            continue
        end = lines.index("            }", i)
        block = lines[i + 1:end]
        kv = f"k{n}"
        n += 1
        rename = lambda l: re.sub(r"\bk\b", kv, l)
        plain = []
        j = 0
        while j < len(block):
            line = block[j]
            if re.match(r"^\s*if \(\(v\d & v\d >> 1", line):
                ind = line[:len(line) - len(line.lstrip())]
                j = block.index(ind + "}", j) + 1
                continue
            m = re.match(r"^(\s*)int (v\d) = codes\.get", line)
            if m:
                plain.append(f"{m.group(1)}int {m.group(2)} = c{m.group(2)[1:]};")
            else:
                plain.append(line)
            j += 1
        gs = [re.match(r"^\s*int g(\d) = (.*);$", l) for l in block]
        gs = [g for g in gs if g]
        out.append(f"            int {kv} = sub;")
        out.append(f"            int clean{kv} = 1;")
        out.append(f"            while ({kv} < unrolled && clean{kv} == 1) {{")
        for g in gs:
            idx, expr = g.group(1), rename(g.group(2))
            out.append(f"                int c{idx} = codes.get(({expr}) >> 1) >> ((({expr}) & 1) << 4) & 0xFFFF;")
        terms = [f"c{g.group(1)} & c{g.group(1)} >> 1 & c{g.group(1)} >> 2 & c{g.group(1)} >> 3" for g in gs]
        out.append(f"                int any{kv} = {terms[0]}")
        for t in terms[1:]:
            out.append(f"                        | {t}")
        out[-1] += ";"
        out.append(f"                if ((any{kv} & 0x1111) == 0) {{")
        out.extend("    " + rename(l) for l in plain)
        out.append(f"                    {kv} += step;")
        out.append("                } else {")
        out.append(f"                    clean{kv} = 0;")
        out.append("                }")
        out.append("            }")
        out.append(f"            for (; {kv} < unrolled; {kv} += step) {{")
        out.extend(rename(l) for l in block)
        out.append("            }")
        i = end + 1
    return "\n".join(out)


LAB_IMPORTS = '''package dev.df11.lab.matvec;

import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.NibbleMatVecKernels;
import dev.df11.tornado.forward.weights.NibbleLayout;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

'''


def lab_head(doc, cls, method, summary):
    """A lab class's source up to its method's body: the imports, `doc` (javadoc lines without the markers), the class
    `cls`, and `method` with matVecNibbles' parameters and the one-line javadoc `summary`."""
    return (LAB_IMPORTS + "/**\n" + "".join(f" * {line}\n" for line in doc) + " */\n"
            + f"public final class {cls} {{\n\n"
            + "    /** Where the code scales start in the kernel's table: after the BF16 scales' 512 entries. */\n"
            + "    private static final int CODE_SCALES = dev.df11.tornado.forward.Bf16Scales.SIZE;\n\n"
            + f"    private {cls}() {{\n    }}\n\n"
            + f"    /** {summary} */\n"
            + f"    public static void {method}(KernelContext context, IntArray codes, IntArray signMantissa,\n"
            + "            IntArray escapes, int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate,\n"
            + "            int lastOnly, int rowsPerGroup, IntArray batch, FloatArray scales) {\n")


SPLIT_HEAD = lab_head([
    "Lab rung: {@link NibbleMatVecKernels#matVecNibbles} with each unrolled loop split in two. The first copy has no",
    "escape code: it runs while the four quads of an iteration hold no code 15 and stops at the first that does; the",
    "second, the full loop, goes on from there. The same products in the same order, so the same bits; the difference is",
    "where the escape code sits (not inline in the loop that nearly every iteration runs), to test whether the nibble",
    "forms' inner loops are slow because their code no longer fits the instruction caches (KERNEL-NOTES, \"The nibble",
    "layout\"). Generated by {@code tornado-kernels/generate/nibble_matvec.py split}; edit that, not this file."],
    "NibbleSplitKernels", "matVecNibblesSplit",
    "{@link NibbleMatVecKernels#matVecNibbles} with its unrolled loops split; the same parameters.")

DENSE_HEAD = lab_head([
    "Lab rung: {@link NibbleMatVecKernels#matVecNibbles} without escape code: the escape code widens to zero, so this is",
    "the planes kernel's nibble form in the tail order ({@link TailSplit}): with {@link TailSplit#addTails} after it, it",
    "gives {@link MatVecKernels#matVec}'s bits on the split's table. Generated by",
    "{@code tornado-kernels/generate/nibble_matvec.py dense}; edit that, not this file."],
    "NibbleDenseKernels", "matVecNibblesDense",
    "{@link NibbleMatVecKernels#matVecNibbles} without escape code; the same parameters ({@code escapes} unread).")

if len(sys.argv) > 1 and sys.argv[1] == "split":
    print(SPLIT_HEAD + split(body(False)) + "\n    }\n}")
elif len(sys.argv) > 1 and sys.argv[1] == "dense":
    print(DENSE_HEAD + body(True, False) + "\n    }\n}")
else:
    print(HEAD + body() + "\n    }\n}")
