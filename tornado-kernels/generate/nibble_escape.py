"""The escape patch every nibble kernel puts after a quad's four widened weights (imported by the generators).

One scan of the quad's segment in the unit's escape list collects the true exponents of the quad's escaped weights
into one int, a byte each (NibbleMatVecKernels.escapedExponents), then each weight whose code is the escape is widened
from its exponent (NibbleMatVecKernels.escapedValue). One loop per quad, not one per weight: every loop is inlined
into the kernel, whose source, registers and compile time grow with each."""


def patch(ind, code, at, weights, masks):
    """Lines for the quad whose 16-bit code field is `code`, first element `at` (an expression, a multiple of 4),
    widened weights `weights` (four names) from sign/mantissa bytes `masks` (four names)."""
    t = code.replace(" ", "")
    lines = [f"{ind}if (({code} & {code} >> 1 & {code} >> 2 & {code} >> 3 & 0x1111) != 0) {{",
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
