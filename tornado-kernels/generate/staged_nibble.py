#!/usr/bin/env python3
"""Writes StagedNibbleKernels.java, the staged kernels on the nibble layout (usage: staged_nibble.py 4 8 StagedNibbleKernels > OUT).
The escape code (15) widens to zero, as the unit's table widens the tail's weights on the planes (UnitTail)."""
import sys

R = int(sys.argv[1]) if len(sys.argv) > 1 else 4
T = int(sys.argv[2]) if len(sys.argv) > 2 else 8
cls = sys.argv[3] if len(sys.argv) > 3 else "StagedRowKernels"
o = []
w = o.append
def codeLoad(r, q):
    return f"codes.get((base{r} + {q}) >> 1) >> (((base{r} + {q}) & 1) << 4) & 0xFFFF"
def widen(ind, r, cv, gv):
    """Widens row r's quad."""
    for j in range(4):
        sh = "" if j == 0 else f" >> {8*j}"
        w(f"{ind}int m{r}{j} = {gv}{sh} & 0xFF;")
    for j in range(4):
        cs = "" if j == 0 else f" >> {4*j}"
        w(f"{ind}float w{r}{j} = (m{r}{j} & 0x7F | 0x80) * table[CODE_SCALES + (m{r}{j} >> 3 & 0x10 | {cv}{cs} & 15)];")
def weights(ind):
    for r in range(R):
        w(f"{ind}int e{r} = {codeLoad(r, 'k')};")
        w(f"{ind}int g{r} = signMantissa.get(base{r} + k);")
    for r in range(R):
        widen(ind, r, f"e{r}", f"g{r}")
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

def fold_tail():
    """The tail task's work for the rows this work-item wrote (TailKernels.addRowTail), after every tier."""
    for r in range(R):
        cond = "sub == 0 && quads > 0" + ("" if r == 0 else f" && write{r} == 1")
        w(f"        if ({cond}) {{")
        w(f"            TailKernels.addRowTail(output, x, row{r}, rows, cols, first, count, tail, directory, scales);")
        w("        }")

def method(name, slotsConst, S, doc):
    N = T * 4 // S
    for d in doc:
        w(d)
    w(f"    public static void {name}(KernelContext context, IntArray codes, IntArray signMantissa,")
    w("            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,")
    w("            int rowsPerGroup, IntArray batch, FloatArray scales, IntArray tail, int directory) {")
    w("        float[] table = context.allocateFloatLocalArray(UnitTail.TABLE);")
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
    w("        for (int i = lane; i < UnitTail.TABLE; i += size) {")
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
    for r in range(R):
        widen("                    ", r, f"ce{r}", f"cg{r}")
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

    fold_tail()
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


w("package dev.df11.tornado.forward;")
w("")
w("import dev.df11.tornado.forward.weights.NibbleLayout;")
w("import dev.df11.tornado.forward.weights.UnitTail;")
w("import uk.ac.manchester.tornado.api.KernelContext;")
w("import uk.ac.manchester.tornado.api.types.arrays.FloatArray;")
w("import uk.ac.manchester.tornado.api.types.arrays.IntArray;")
w("")
w("/**")
w(" * {@link StagedRowKernels} on the nibble layout ({@link NibbleLayout}): the serving product, line for line, with each")
w(" * weight quad's exponents read as four 4-bit codes and widened as {@link NibbleMatVecKernels} widens them (the escape")
w(" * code to zero, as the unit's table widens the tail on the planes: {@link UnitTail}). Same launch, rows, tiles, order")
w(" * and reduction as the staged kernel, hence as {@link MatVecKernels#matVec} on the unit's table with the same")
w(" * work-items per row: the same bits, the rows' tail weights added at the end likewise. Generated by")
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
