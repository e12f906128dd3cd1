"""The escape patch every nibble kernel puts after a quad's four widened weights (imported by the generators).

One scan of the quad's segment in the unit's escape list collects the true exponents of the quad's escaped weights
into one int, a byte each (NibbleMatVecKernels.escapedExponents), then each weight whose code is the escape is widened
from its exponent (NibbleMatVecKernels.escapedValue). One loop per quad, not one per weight: every loop is inlined
into the kernel, whose source, registers and compile time grow with each.

A kernel widens all the quads it multiplies in one step before it patches any (`group`): one test of all their codes,
so the path that finds no escape is one straight block of loads, widenings and multiply-adds. A test after each quad
split that block at every quad, and the staged nibble kernel took 2.2x its BF16 form's time at batch 1; the same
kernel without escape code took the BF16 form's (KERNEL-NOTES, "The nibble layout")."""


def patch(ind, code, at, weights, masks):
    """Lines for the quad whose 16-bit code field is `code`, first element `at` (an expression, a multiple of 4),
    widened weights `weights` (four names) from sign/mantissa bytes `masks` (four names)."""
    t = code.replace(" ", "")
    lines = [f"{ind}if (({escaped(code)} & 0x1111) != 0) {{",
             f"{ind}    int found{t} = NibbleMatVecKernels.escapedExponents(escapes, {at});"]
    for j in range(4):
        cs = "" if j == 0 else f" >> {4 * j}"
        fs = "" if j == 0 else f" >> {8 * j}"
        call = f"{ind}    {weights[j]} = NibbleMatVecKernels.escapedValue({code}{cs} & 15, found{t}{fs} & 0xFF,"
        rest = f"{masks[j]}, {weights[j]}, scales);"
        if len(call) + 1 + len(rest) <= 120:
            lines.append(call + " " + rest)
        else:
            lines.append(call)
            lines.append(f"{ind}            {rest}")
    lines.append(f"{ind}}}")
    return lines


def escaped(code):
    """The test that some weight of the quad with 16-bit code field `code` is escaped (non-zero in bits 0, 4, 8, 12)."""
    return f"{code} & {code} >> 1 & {code} >> 2 & {code} >> 3"


def group(ind, quads):
    """Lines patching the quads `quads`, each a tuple (code, at, weights, masks) as `patch` takes them, under one test
    of all their codes: the patch of each quad that has an escape runs only when some quad of the group has one."""
    if len(quads) == 1:
        return patch(ind, *quads[0])
    parts = [f"({escaped(q[0])})" for q in quads]
    head = f"{ind}if ((({' | '.join(parts)}) & 0x1111) != 0) {{"
    if len(head) > 120:
        name = "anyEscape" + quads[0][0].replace(" ", "").capitalize()
        lines = [f"{ind}int {name} = {parts[0]};"] + [f"{ind}{name} |= {q};" for q in parts[1:]]
        lines.append(f"{ind}if (({name} & 0x1111) != 0) {{")
    else:
        lines = [head]
    for q in quads:
        lines.extend(patch(ind + "    ", *q))
    lines.append(f"{ind}}}")
    return lines
