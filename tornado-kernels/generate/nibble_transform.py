#!/usr/bin/env python3
"""Rewrites a planes product kernel's source into its nibble-layout form (usage: SRC CLASS SUFFIX [nopatch] > OUT;
with `nopatch` the escape patches are left out: the escape code then widens to zero, as the tail lab rung wants).

Each `int eX = exponents.get(EXPR);` becomes a 16-bit code load, the exponent byte extractions go, each
`Bf16Scales.widenPlanes(a, m, table[...])` becomes the code-scale widening, and the escape patches of the quads widened
so far go, under one test (nibble_escape.group), before the first line that uses one of their weights. Everything else
(loops, order, reductions) is kept line for line."""
import os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nibble_escape
src, cls, suffix = sys.argv[1], sys.argv[2], sys.argv[3]
nopatch = len(sys.argv) > 4 and sys.argv[4] == "nopatch"
lines = open(src).read().split("\n")
load = re.compile(r"^(\s*)int (e\w*) = exponents\.get\((.*)\);$")
ext = re.compile(r"^\s*int (a\w*|bb?\w*|c\w*|d\w*) = (e\w*)( >> (\d+))? & 0xFF;$")
widen = re.compile(r"^(\s*)float (w\w*) = Bf16Scales\.widenPlanes\((\w+), (\w+), table\[Bf16Scales\.planeIndex\(\3, \4\)\]\);$")
owner = {}      # a-var -> (e-var, j)
where = {}      # e-var -> quad expression
pending = {}    # e-var -> list of (w, m, j)
widened = []    # quads widened and not yet patched: their patch goes before the first line that uses one of their weights
out = []
def flush(ind):
    if widened:
        out.extend(nibble_escape.group(ind, widened))
        widened.clear()
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
            quad = pending.pop(e)
            if not nopatch:
                widened.append((e, f"4 * ({where[e]})", [q[0] for q in quad], [q[1] for q in quad]))
            last = ind
        continue
    names = {w for q in widened for w in q[2]}
    if line.strip().startswith("}") or names & set(re.findall(r"\b\w+\b", line)):
        flush(last if widened else "")
    out.append(line)
assert not pending and not widened, (pending, widened)
text = "\n".join(out)
text = text.replace("IntArray exponents, IntArray signMantissa,", "IntArray codes, IntArray signMantissa, IntArray escapes,")
text = text.replace("context.allocateFloatLocalArray(Bf16Scales.SIZE)", "context.allocateFloatLocalArray(NibbleLayout.SCALES)")
text = text.replace("i < Bf16Scales.SIZE; i += size", "i < NibbleLayout.SCALES; i += size")
assert "exponents" not in text, [l for l in text.split("\n") if "exponents" in l][:3]
print(text)
