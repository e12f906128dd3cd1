#!/usr/bin/env python3
"""Writes StagedNibbleKernels.java, the staged kernels on the nibble layout (usage: staged_nibble.py 4 8 StagedNibbleKernels > OUT);
with a fourth argument `noescape`, the kernel lab's StagedNibbleNoEscapeKernels: the four-slot kernel without the
escape patch, the staged kernel's bits on units with no escapes (matvec-bench --weights narrow times it) and on any
unit the dense part of the tail order (TailSplit: the escape code widens to zero)."""
import sys

import nibble_escape
R = int(sys.argv[1]) if len(sys.argv) > 1 else 4
T = int(sys.argv[2]) if len(sys.argv) > 2 else 8
cls = sys.argv[3] if len(sys.argv) > 3 else "StagedRowKernels"
noescape = len(sys.argv) > 4 and sys.argv[4] == "noescape"
o = []
w = o.append
def codeLoad(r, q):
    return f"codes.get((base{r} + {q}) >> 1) >> (((base{r} + {q}) & 1) << 4) & 0xFFFF"
def widen(ind, r, cv, gv, q):
    """Widens row r's quad; returns its escape patch for nibble_escape.group (nothing for the noescape rung)."""
    for j in range(4):
        sh = "" if j == 0 else f" >> {8*j}"
        w(f"{ind}int m{r}{j} = {gv}{sh} & 0xFF;")
    for j in range(4):
        cs = "" if j == 0 else f" >> {4*j}"
        w(f"{ind}float w{r}{j} = (m{r}{j} & 0x7F | 0x80) * table[CODE_SCALES + (m{r}{j} >> 3 & 0x10 | {cv}{cs} & 15)];")
    return [] if noescape else [(cv, f"4 * (base{r} + {q})", [f"w{r}{j}" for j in range(4)], [f"m{r}{j}" for j in range(4)])]
def patch(ind, quads):
    """The escape patch of the quads `quads` (from widen), under one test (nibble_escape.group)."""
    if quads:
        for line in nibble_escape.group(ind, quads):
            w(line)
def weights(ind):
    for r in range(R):
        w(f"{ind}int e{r} = {codeLoad(r, 'k')};")
        w(f"{ind}int g{r} = signMantissa.get(base{r} + k);")
    patch(ind, [q for r in range(R) for q in widen(ind, r, f"e{r}", f"g{r}", "k")])
def reduce_and_write(ind, tokens):
    n = 0
    for r in range(R):
        for t in range(tokens):
            w(f"{ind}shared[{r*tokens+t} * MAX_LOCAL + lane] = s{r}_{t};")
    w(f"{ind}context.localBarrier();")
    w(f"{ind}for (int half = width / 2; half > 0; half >>= 1) {{")
    w(f"{ind}    if (sub < half) {{")
    for i in range(R*tokens):
        w(f"{ind}        shared[{i} * MAX_LOCAL + lane] += shared[{i} * MAX_LOCAL + lane + half];")
    w(f"{ind}    }}")
    w(f"{ind}    context.localBarrier();")
    w(f"{ind}}}")
    for r in range(R):
        cond = "sub == 0 && quads > 0" + ("" if r == 0 else f" && write{r} == 1")
        w(f"{ind}if ({cond}) {{")
        w(f"{ind}    int o = (b - first) * rows + row{r};")
        for t in range(tokens):
            off = "o" if t == 0 else f"o + {t} * rows"
            pad = "    " if t == 0 else "        "
            if t > 0:
                w(f"{ind}    if (b + {t} < count) {{")
            w(f"{ind}{pad}float value{t} = shared[{r*tokens+t} * MAX_LOCAL + lane];")
            w(f"{ind}{pad}if (accumulate == 1) {{")
            w(f"{ind}{pad}    value{t} = output.get({off}) + value{t};")
            w(f"{ind}{pad}}}")
            w(f"{ind}{pad}output.set({off}, value{t});")
            if t > 0:
                w(f"{ind}    }}")
        w(f"{ind}}}")

def method(name, slotsConst, S, doc):
    N = T * 4 // S
    for d in doc:
        w(d)
    w(f"    public static void {name}(KernelContext context, IntArray codes, IntArray signMantissa,")
    w("            IntArray escapes, int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate,")
    w("            int lastOnly, int rowsPerGroup, IntArray batch, FloatArray scales) {")
    w("        float[] table = context.allocateFloatLocalArray(NibbleLayout.SCALES);")
    w("        float[] shared = context.allocateFloatLocalArray(ROWS * TILE * MAX_LOCAL);")
    w("        int lane = context.localIdx;")
    w("        int size = context.localGroupSizeX;")
    w(f"        int slots = {slotsConst};")
    w("        int width = size / slots;")
    w("        int slot = lane / width;")
    w("        int sub = lane - slot * width;")
    w("        int row0 = context.groupIdx * rowsPerGroup + slot;")
    w("        int quads = 0;")
    w("        if (row0 < rows) {")
    w("            quads = cols / 4;")
    w("        }")
    w("        int base0 = (offset + row0 * cols) / 4;")
    for r in range(1, R):
        w(f"        int row{r} = row0 + {r} * slots;")
        w(f"        int write{r} = 0;")
        w(f"        int base{r} = base0;")
        w(f"        if (row{r} < rows) {{")
        w(f"            write{r} = 1;")
        w(f"            base{r} = (offset + row{r} * cols) / 4;")
        w(f"        }}")
    w("        for (int i = lane; i < NibbleLayout.SCALES; i += size) {")
    w("            table[i] = scales.get(i);")
    w("        }")
    w("        context.localBarrier();")
    w("        int count = batch.get(ForwardKernels.COUNT);")
    w("        int first = 0;")
    w("        if (lastOnly == 1) {")
    w("            first = count - 1;")
    w("        }")
    w("        int stride = cols / 4;")
    w("        int b = first;")
    w("        for (; b + 1 < count; b += TILE) {")
    for r in range(R):
        for t in range(T):
            w(f"            float s{r}_{t} = 0.0f;")
    for n in range(N):
        t, jo = S * n // 4, S * n % 4
        at = "slot * stride" if jo == 0 else f"(slot + {jo}) * stride"
        w(f"            float p{n} = StagedRowKernels.stagedValue(x, b + {t}, count, cols, {at} + sub, sub, stride);")
    for r in range(R):
        w(f"            int e{r} = 0;")
        w(f"            int g{r} = 0;")
    w("            if (sub < quads) {")
    for r in range(R):
        w(f"                e{r} = {codeLoad(r, 'sub')};")
        w(f"                g{r} = signMantissa.get(base{r} + sub);")
    w("            }")
    w("            for (int chunk = 0; chunk < stride; chunk += width) {")
    w("                context.localBarrier();")
    for n in range(N):
        w(f"                shared[lane + {n} * size] = p{n};")
    w("                context.localBarrier();")
    for r in range(R):
        w(f"                int ce{r} = e{r};")
        w(f"                int cg{r} = g{r};")
    w("                int next = chunk + width + sub;")
    for n in range(N):
        t, jo = S * n // 4, S * n % 4
        at = "slot * stride" if jo == 0 else f"(slot + {jo}) * stride"
        w(f"                p{n} = StagedRowKernels.stagedValue(x, b + {t}, count, cols, {at} + next, next, stride);")
    w("                if (next < quads) {")
    for r in range(R):
        w(f"                    e{r} = {codeLoad(r, 'next')};")
        w(f"                    g{r} = signMantissa.get(base{r} + next);")
    w("                }")
    w("                if (chunk + sub < quads) {")
    # The tile's rows patch one by one: one test for all of them made the tile loop slower at batch 16 on an H100
    # (0.78 against 0.57 ms on gate|up), while it made the one-token loop below faster (KERNEL-NOTES).
    for r in range(R):
        patch("                    ", widen("                    ", r, f"ce{r}", f"cg{r}", "chunk + sub"))
    for t in range(T):
        for j in range(4):
            w(f"                    float x{t}_{j} = shared[{4*t+j} * width + sub];")
        for r in range(R):
            w(f"                    s{r}_{t} = StagedRowKernels.addQuadValues(s{r}_{t}, w{r}0, w{r}1, w{r}2, w{r}3, x{t}_0, x{t}_1, x{t}_2, x{t}_3);")
    w("                }")
    w("            }")
    w("            context.localBarrier();")
    reduce_and_write("            ", T)
    w("        }")
    w("        for (; b < count; b++) {")
    for r in range(R):
        w(f"            float s{r}_0 = 0.0f;")
    w("            for (int k = sub; k < quads; k += width) {")
    weights("                ")
    w("                int xc = b * cols + k;")
    for r in range(R):
        w(f"                s{r}_0 = MatVecKernels.addQuad(s{r}_0, w{r}0, w{r}1, w{r}2, w{r}3, x, xc, stride);")
    w("            }")
    reduce_and_write("            ", 1)
    w("        }")

    w("    }")

def class_open(two_slots):
    """The class line, its constants (from StagedRowKernels) and its private constructor."""
    w(f"public final class {cls} {{")
    w("")
    w("    private static final int ROWS = StagedRowKernels.ROWS;")
    w("    private static final int TILE = StagedRowKernels.TILE;")
    w("    private static final int MAX_LOCAL = StagedRowKernels.MAX_LOCAL;")
    w("    private static final int SLOTS = StagedRowKernels.SLOTS;")
    if two_slots:
        w("    private static final int TWO_SLOTS = StagedRowKernels.TWO_SLOTS;")
    w("    /** Where the code scales start in the kernel's table: after {@link Bf16Scales}' 512 entries. */")
    w("    private static final int CODE_SCALES = Bf16Scales.SIZE;")
    w("")
    w(f"    private {cls}() {{")
    w("    }")


if noescape:
    w("package dev.df11.lab.matvec;")
    w("")
    w("import dev.df11.tornado.forward.Bf16Scales;")
    w("import dev.df11.tornado.forward.ForwardKernels;")
    w("import dev.df11.tornado.forward.MatVecKernels;")
    w("import dev.df11.tornado.forward.StagedRowKernels;")
    w("import dev.df11.tornado.forward.weights.NibbleLayout;")
    w("import uk.ac.manchester.tornado.api.KernelContext;")
    w("import uk.ac.manchester.tornado.api.types.arrays.FloatArray;")
    w("import uk.ac.manchester.tornado.api.types.arrays.IntArray;")
    w("")
    w("/**")
    w(" * Lab rung: {@code StagedNibbleKernels.matVecStagedNibbles} without its escape patch, so that a GPU run can tell")
    w(" * what the escape code costs when no escape is taken from what the rest of the nibble widening costs. On a unit")
    w(" * with no escapes its bits are the staged kernel's ({@code matvec-bench --weights narrow}). On any unit it is the")
    w(" * dense part of the tail order ({@link TailSplit}): the escape code widens to zero, as the split's table widens")
    w(" * the tail's weights, so with {@link TailSplit#addTails} after it gives the staged kernel's bits on that table.")
    w(" * Generated by {@code tornado-kernels/generate/staged_nibble.py 4 8 StagedNibbleNoEscapeKernels noescape}; edit")
    w(" * that, not this file.")
    w(" */")
    class_open(False)
    w("")
    method("matVecStagedNoEscapes", "SLOTS", 4, [
        '    /** {@code StagedNibbleKernels.matVecStagedNibbles} without the escape patch (the escape code widens to zero). */'])
    w("}")
    print("\n".join(o))

    sys.exit(0)
w("package dev.df11.tornado.forward;")
w("")
w("import dev.df11.tornado.forward.weights.NibbleLayout;")
w("import uk.ac.manchester.tornado.api.KernelContext;")
w("import uk.ac.manchester.tornado.api.types.arrays.FloatArray;")
w("import uk.ac.manchester.tornado.api.types.arrays.IntArray;")
w("")
w("/**")
w(" * {@link StagedRowKernels} on the nibble layout ({@link NibbleLayout}): the serving product, line for line, with each")
w(" * weight quad's exponents read as four 4-bit codes and widened as {@link NibbleMatVecKernels} widens them (escapes")
w(" * looked up by {@link NibbleMatVecKernels#escapedValue}). Same launch, rows, tiles, order and reduction as the staged")
w(" * kernel, hence as {@link MatVecKernels#matVec} with the same work-items per row: the same bits. Generated by")
w(" * {@code tornado-kernels/generate/staged_nibble.py}; edit that, not this file.")
w(" */")
class_open(True)
w("")
method("matVecStagedNibbles", "SLOTS", 4, [
    '    /**',
    '     * {@link StagedRowKernels#matVecStaged} on the nibble layout; {@link NibbleMatVecKernels#matVecNibbles} has',
    '     * the parameters.',
    '     */'])
w("")
method("matVecStagedTwoSlotsNibbles", "TWO_SLOTS", 2, [
    '    /**',
    '     * {@link StagedRowKernels#matVecStagedTwoSlots} on the nibble layout; {@link NibbleMatVecKernels#matVecNibbles}',
    '     * has the parameters.',
    '     */'])
w("}")
print("\n".join(o))
