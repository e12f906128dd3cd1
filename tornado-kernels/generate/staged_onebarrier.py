#!/usr/bin/env python3
"""Writes the lab rung StagedOneBarrierKernels.java (usage: staged_onebarrier.py 4 8 StagedOneBarrierKernels > OUT)."""
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

def method(name, slotsConst, S, doc):
    N = T * 4 // S
    for d in doc:
        w(d)
    w(f"    public static void {name}(KernelContext context, IntArray exponents, IntArray signMantissa,")
    w("            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,")
    w("            int rowsPerGroup, IntArray batch, FloatArray scales) {")
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
        w(f"            float p{n} = StagedRowKernels.stagedValue(x, b + {t}, count, cols, {at} + sub, sub, stride);")
    for r in range(R):
        w(f"            int e{r} = 0;")
        w(f"            int g{r} = 0;")
    w("            if (sub < quads) {")
    for r in range(R):
        w(f"                e{r} = exponents.get(base{r} + sub);")
        w(f"                g{r} = signMantissa.get(base{r} + sub);")
    w("            }")
    w("            context.localBarrier();")
    for n in range(N):
        w(f"            shared[lane + {n} * size] = p{n};")
    w("            int ahead = width + sub;")
    for n in range(N):
        t, jo = S * n // 4, S * n % 4
        at = "slot * stride" if jo == 0 else f"(slot + {jo}) * stride"
        w(f"            p{n} = StagedRowKernels.stagedValue(x, b + {t}, count, cols, {at} + ahead, ahead, stride);")
    w("            context.localBarrier();")
    w("            int stage = 0;")
    w("            for (int chunk = 0; chunk < stride; chunk += width) {")
    for r in range(R):
        w(f"                int ce{r} = e{r};")
        w(f"                int cg{r} = g{r};")
    w("                int next = chunk + width + sub;")
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
            w(f"                    float x{t}_{j} = shared[stage + {4*t+j} * width + sub];")
        for r in range(R):
            w(f"                    s{r}_{t} = StagedRowKernels.addQuadValues(s{r}_{t}, w{r}0, w{r}1, w{r}2, w{r}3, x{t}_0, x{t}_1, x{t}_2, x{t}_3);")
    w("                }")
    w(f"                stage = {N} * size - stage;")
    for n in range(N):
        w(f"                shared[stage + lane + {n} * size] = p{n};")
    w("                int after = chunk + 2 * width + sub;")
    for n in range(N):
        t, jo = S * n // 4, S * n % 4
        at = "slot * stride" if jo == 0 else f"(slot + {jo}) * stride"
        w(f"                p{n} = StagedRowKernels.stagedValue(x, b + {t}, count, cols, {at} + after, after, stride);")
    w("                context.localBarrier();")
    w("            }")
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

w("package dev.df11.lab.matvec;")
w("")
w("import dev.df11.tornado.forward.Bf16Scales;")
w("import dev.df11.tornado.forward.ForwardKernels;")
w("import dev.df11.tornado.forward.MatVecKernels;")
w("import dev.df11.tornado.forward.StagedRowKernels;")
w("import uk.ac.manchester.tornado.api.KernelContext;")
w("import uk.ac.manchester.tornado.api.types.arrays.FloatArray;")
w("import uk.ac.manchester.tornado.api.types.arrays.IntArray;")
w("")
w("/**")
w(" * Lab rung of {@link StagedRowKernels#matVecStaged} with one barrier per chunk instead of two: the staged activations")
w(" * are double-buffered in local memory. While the group multiplies chunk {@code c} from one buffer, each work-item")
w(" * writes chunk {@code c + 1}'s activations (loaded into registers a chunk earlier) into the other and starts loading")
w(" * chunk {@code c + 2}'s; one barrier then makes the new buffer visible and frees the old one (KERNEL-NOTES, \"Staged")
w(" * activations\": the suspect is the barrier stalls with 16 warps an SM). Same launch (four slots of {@link #ROWS} rows,")
w(" * {@code 4 * width} work-items, width up to 64), same products in the same order, so the same bits; partial tiles and")
w(" * the one-token tier as there. Generated by {@code tornado-kernels/generate/staged_onebarrier.py} (one line per")
w(" * product); edit that, not this file.")
w(" */")
w(f"public final class {cls} {{")
w("")
w("    /** Row slots of a group: {@code rowsPerGroup} must be {@code SLOTS * ROWS}. */")
w("    public static final int SLOTS = StagedRowKernels.SLOTS;")
w("")
w("    /** Rows per work-item. */")
w(f"    public static final int ROWS = {R};")
w("")
w("    /** Tokens of the staged tier. */")
w(f"    public static final int TILE = {T};")
w("")
w("    /** Work-items a group may have: two buffers of {@code TILE x 4 x width} values fit in the partial sums' array. */")
w("    public static final int MAX_LOCAL = ForwardKernels.MAX_LOCAL;")
w("")
w(f"    private {cls}() {{")
w("    }")
w("")
method("matVecStagedOneBarrier", "SLOTS", 4, [
    '    /** {@link MatVecKernels#matVec} has the parameters; {@code rowsPerGroup} must be {@code SLOTS * ROWS}. */'])
w("}")
print("\n".join(o))
