#!/usr/bin/env python3
"""Rewrites a planes product kernel's source into its nibble-layout form (usage: SRC > OUT).

Each `int eX = exponents.get(EXPR);` becomes a 16-bit code load, the exponent byte extractions go, and each
`Bf16Scales.widenPlanes(a, m, table[...])` becomes the code-scale widening, under which the escape code (15) widens to
zero as the unit's table widens the tail's weights on the planes (UnitTail). Everything else (loops, order,
reductions) is kept line for line."""
import re
import sys

src = sys.argv[1]
lines = open(src).read().split("\n")
load = re.compile(r"^(\s*)int (e\w*) = exponents\.get\((.*)\);$")
ext = re.compile(r"^\s*int (a\w*|bb?\w*|c\w*|d\w*) = (e\w*)( >> (\d+))? & 0xFF;$")
widen = re.compile(r"^(\s*)float (w\w*) = Bf16Scales\.widenPlanes\((\w+), (\w+), table\[Bf16Scales\.planeIndex\(\3, \4\)\]\);$")
owner = {}      # a-var -> (e-var, j)
where = {}      # e-var -> quad expression
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
        continue
    out.append(line)
text = "\n".join(out)
text = text.replace("IntArray exponents, IntArray signMantissa,", "IntArray codes, IntArray signMantissa,")
text = text.replace("context.allocateFloatLocalArray(Bf16Scales.SIZE)", "context.allocateFloatLocalArray(UnitTail.TABLE)")
text = text.replace("i < Bf16Scales.SIZE; i += size", "i < UnitTail.TABLE; i += size")
assert "exponents" not in text, [l for l in text.split("\n") if "exponents" in l][:3]
print(text)
