#!/usr/bin/env python3
"""Rewrites a planes product kernel's source into its nibble-layout form (usage: SRC CLASS SUFFIX > OUT).

Each `int eX = exponents.get(EXPR);` becomes a 16-bit code load, the exponent byte extractions go, each
`Bf16Scales.widenPlanes(a, m, table[...])` becomes the code-scale widening, and after a quad's four weights an escape
patch follows. Everything else (loops, order, reductions) is kept line for line."""
import re, sys
src, cls, suffix = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(src).read().split("\n")
load = re.compile(r"^(\s*)int (e\w*) = exponents\.get\((.*)\);$")
ext = re.compile(r"^\s*int (a\w*|bb?\w*|c\w*|d\w*) = (e\w*)( >> (\d+))? & 0xFF;$")
widen = re.compile(r"^(\s*)float (w\w*) = Bf16Scales\.widenPlanes\((\w+), (\w+), table\[Bf16Scales\.planeIndex\(\3, \4\)\]\);$")
owner = {}      # a-var -> (e-var, j)
where = {}      # e-var -> quad expression
pending = {}    # e-var -> list of (w, m, j)
out = []
for line in lines:
    m = load.match(line)
    if m:
        ind, e, expr = m.groups()
        where[e] = expr
        out.append(f"{ind}int {e} = codes.get(({expr}) >> 1) >> ((({expr}) & 1) << 4) & 0xFFFF;")
        continue
    m = ext.match(line)
    if m and m.group(2) in where:
        a, e, _, sh = m.groups()
        owner[a] = (e, int(sh or 0) // 8)
        continue
    m = widen.match(line)
    if m:
        ind, w, a, mm = m.groups()
        e, j = owner[a]
        cs = "" if j == 0 else f" >> {4 * j}"
        out.append(f"{ind}float {w} = ({mm} & 0x7F | 0x80) * table[CODE_SCALES + ({mm} >> 3 & 0x10 | {e}{cs} & 15)];")
        pending.setdefault(e, []).append((w, mm, j))
        if len(pending[e]) == 4:
            out.append(f"{ind}if (({e} & {e} >> 1 & {e} >> 2 & {e} >> 3 & 0x1111) != 0) {{")
            for w2, m2, j2 in pending.pop(e):
                cs2 = "" if j2 == 0 else f" >> {4 * j2}"
                plus = "" if j2 == 0 else f" + {j2}"
                call = f"{ind}    {w2} = NibbleMatVecKernels.escaped(escapes, scales, 4 * ({where[e]}){plus},"
                rest = f"{e}{cs2} & 15, {m2}, {w2});"
                if len(call) + 1 + len(rest) <= 120:
                    out.append(call + " " + rest)
                else:
                    out.append(call)
                    out.append(f"{ind}            {rest}")
            out.append(f"{ind}}}")
        continue
    out.append(line)
assert not pending, pending
text = "\n".join(out)
text = text.replace("IntArray exponents, IntArray signMantissa,", "IntArray codes, IntArray signMantissa, IntArray escapes,")
text = text.replace("context.allocateFloatLocalArray(Bf16Scales.SIZE)", "context.allocateFloatLocalArray(NibbleLayout.SCALES)")
text = text.replace("i < Bf16Scales.SIZE; i += size", "i < NibbleLayout.SCALES; i += size")
assert "exponents" not in text, [l for l in text.split("\n") if "exponents" in l][:3]
print(text)
