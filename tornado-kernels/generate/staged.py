#!/usr/bin/env python3
"""Writes StagedRowKernels.java (usage: staged.py ROWS TILE CLASS > OUT; the product uses 4 8 StagedRowKernels)."""
import sys
R = int(sys.argv[1]) if len(sys.argv) > 1 else 4
T = int(sys.argv[2]) if len(sys.argv) > 2 else 8
cls = sys.argv[3] if len(sys.argv) > 3 else "StagedRowKernels"
o = []
w = o.append
def weights(ind):
    for r in range(R):
        w(f"{ind}int e{r} = exponents.get(base{r} + k);")
        w(f"{ind}int g{r} = signMantissa.get(base{r} + k);")
        for j in range(4):
            sh = "" if j == 0 else f" >> {8*j}"
            w(f"{ind}int a{r}{j} = e{r}{sh} & 0xFF;")
            w(f"{ind}int m{r}{j} = g{r}{sh} & 0xFF;")
        for j in range(4):
            w(f"{ind}float w{r}{j} = Bf16Scales.widenPlanes(a{r}{j}, m{r}{j}, table[Bf16Scales.planeIndex(a{r}{j}, m{r}{j})]);")
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
    w(f"    public static void {name}(KernelContext context, IntArray exponents, IntArray signMantissa,")
    w("            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,")
    w("            int rowsPerGroup, IntArray batch, FloatArray scales, IntArray tail, int directory) {")
    w("        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);")
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
    w("        for (int i = lane; i < Bf16Scales.SIZE; i += size) {")
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
        w(f"            float p{n} = stagedValue(x, b + {t}, count, cols, {at} + sub, sub, stride);")
    for r in range(R):
        w(f"            int e{r} = 0;")
        w(f"            int g{r} = 0;")
    w("            if (sub < quads) {")
    for r in range(R):
        w(f"                e{r} = exponents.get(base{r} + sub);")
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
        w(f"                p{n} = stagedValue(x, b + {t}, count, cols, {at} + next, next, stride);")
    w("                if (next < quads) {")
    for r in range(R):
        w(f"                    e{r} = exponents.get(base{r} + next);")
        w(f"                    g{r} = signMantissa.get(base{r} + next);")
    w("                }")
    w("                if (chunk + sub < quads) {")
    for r in range(R):
        for j in range(4):
            sh = "" if j == 0 else f" >> {8*j}"
            w(f"                    int a{r}{j} = ce{r}{sh} & 0xFF;")
            w(f"                    int m{r}{j} = cg{r}{sh} & 0xFF;")
        for j in range(4):
            w(f"                    float w{r}{j} = Bf16Scales.widenPlanes(a{r}{j}, m{r}{j}, table[Bf16Scales.planeIndex(a{r}{j}, m{r}{j})]);")
    for t in range(T):
        for j in range(4):
            w(f"                    float x{t}_{j} = shared[{4*t+j} * width + sub];")
        for r in range(R):
            w(f"                    s{r}_{t} = addQuadValues(s{r}_{t}, w{r}0, w{r}1, w{r}2, w{r}3, x{t}_0, x{t}_1, x{t}_2, x{t}_3);")
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

w("package dev.df11.tornado.forward;")
w("")
w("import uk.ac.manchester.tornado.api.KernelContext;")
w("import uk.ac.manchester.tornado.api.types.arrays.FloatArray;")
w("import uk.ac.manchester.tornado.api.types.arrays.IntArray;")
w("")
w("/**")
w(f" * {{@link MatVecKernels#matVec}} for serving's batches: {R} rows per work-item, a tier of {{@link #TILE}} tokens")
w(" * whose activations are staged in local memory a chunk of quads at a time and shared by the group's row slots")
w(" * (four, or two where a row has more than 64 work-items), software-pipelined: while a chunk is multiplied, the next")
w(" * chunk's activations and weight ints are already loading into registers. The two-row kernel")
w(" * ({@link MatVecPairKernels}) re-reads a batch's activations from L2 for every two rows; here a group reads them once")
w(" * per tile for all its rows (KERNEL-NOTES, \"Staged activations\").")
w(" *")
w(f" * <p>Launched with {{@code S * width}} work-items and {{@code S * ROWS}} rows per group ({{@code S}} the kernel's")
w(" * slots), it computes what {@code matVec} computes with {@code width} work-items per row, bit for bit: slot {@code s}")
w(f" * serves rows {{@code s, s + S, ...}}; each row has {{@code matVec}}'s work-items, quads (work-item {{@code sub}} takes")
w(" * quads {@code sub, sub + width, ...}, one per chunk of {@code width} quads, in that order, each through")
w(" * {@link #addQuadValues}, the same expression as {@link MatVecKernels#addQuad}) and reduction tree. The last tile may")
w(" * be partial: two or more tokens left run as a tile whose missing tokens are staged as zeros and never written (a")
w(" * serving step's ragged batch costs one weight pass more, not one per token left); a single token left runs alone,")
w(" * reading its activations from global memory. Every tier gives the same bits (batch invariance). {@code x}")
w(" * quad-major per token ({@link MatVecKernels#quadMajor}). Each work-item that wrote a row's sums ends by adding the")
w(" * row's tail weights ({@link TailKernels#addRowTail}: the tail task's bits, without its launch). Generated by")
w(" * {@code tornado-kernels/generate/staged.py} (one line per product); edit that, not this file.")
w(" */")
w(f"public final class {cls} {{")
w("")
w("    /**")
w("     * Row slots of a group: {@code rowsPerGroup} must be {@code SLOTS * ROWS}. With four slots each work-item stages")
w("     * one quad component ({@code slot}) of its quad ({@code sub}) for every token of the tile, so the prefetch is")
w("     * {@link #TILE} registers.")
w("     */")
w("    public static final int SLOTS = 4;")
w("")
w("    /** Row slots of a {@link #matVecStagedTwoSlots} group: {@code rowsPerGroup} must be {@code TWO_SLOTS * ROWS}. */")
w("    public static final int TWO_SLOTS = 2;")
w("")
w("    /** Rows per work-item. */")
w(f"    public static final int ROWS = {R};")
w("")
w("    /** Tokens of the staged tier. */")
w(f"    public static final int TILE = {T};")
w("")
w("    /**")
w("     * Work-items a group may have. One local array holds either a chunk's staged activations ({@code TILE x 4 x")
w("     * width} values) or the partial sums ({@code ROWS x TILE} per work-item), never both at once.")
w("     */")
w("    public static final int MAX_LOCAL = ForwardKernels.MAX_LOCAL;")
w("")
w(f"    private {cls}() {{")
w("    }")
w("")
w("    /** {@code sum} plus one quad's products, {@link MatVecKernels#addQuad}'s expression on four values. */")
w("    public static float addQuadValues(float sum, float w0, float w1, float w2, float w3, float x0, float x1,")
w("            float x2, float x3) {")
w("        return sum + w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3;")
w("    }")
w("")
w("    /**")
w("     * Element {@code at} of token {@code token}'s quad-major activation row, or 0 past the row's {@code stride} quads")
w("     * ({@code quad} is the element's quad) or for a token past the batch's {@code count}. Kernel-safe.")
w("     */")
w("    public static float stagedValue(FloatArray x, int token, int count, int cols, int at, int quad, int stride) {")
w("        float value = 0.0f;")
w("        if (quad < stride && token < count) {")
w("            value = x.get(token * cols + at);")
w("        }")
w("        return value;")
w("    }")
w("")
method("matVecStaged", "SLOTS", 4, [
    '    /**',
    '     * Four slots: for launches of at most {@code MAX_LOCAL / SLOTS} (64) work-items a row. {@link MatVecKernels#matVec}',
    '     * has the parameters; {@code rowsPerGroup} must be {@code SLOTS * ROWS}.',
    '     */'])
w("")
method("matVecStagedTwoSlots", "TWO_SLOTS", 2, [
    '    /**',
    '     * Two slots (eight rows a group, each work-item staging two quad components): for launches of up to',
    '     * {@code MAX_LOCAL / TWO_SLOTS} (128) work-items a row. {@link MatVecKernels#matVec} has the parameters;',
    '     * {@code rowsPerGroup} must be {@code TWO_SLOTS * ROWS}.',
    '     */'])
w("}")
print("\n".join(o))
