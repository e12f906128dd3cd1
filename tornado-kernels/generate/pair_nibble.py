#!/usr/bin/env python3
"""Writes PairNibbleKernels.java from MatVecPairKernels.java (usage: pair_nibble.py MatVecPairKernels.java > OUT):
the nibble transform (nibble_transform.py) on the two-row kernel's body, under the nibble form's own class header."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
t = subprocess.run([sys.executable, os.path.join(here, "nibble_transform.py"), sys.argv[1]],
                   check=True, capture_output=True, text=True).stdout
start = t.index('/**\n * {@link MatVecKernels#matVec} with two rows')
end = t.index('    /** @see MatVecKernels#matVec for the parameters; the launch is described above. */')
header = '''/**
 * {@link MatVecPairKernels} on the nibble layout ({@link NibbleLayout}): the two-row kernel line for line, with each
 * weight quad's exponents read as four 4-bit codes and widened as {@link NibbleMatVecKernels} widens them (the escape
 * code to zero, as the unit's table widens the tail on the planes: {@link UnitTail}). Same launch, rows, tiers, order
 * and reduction, hence the bits of {@link MatVecKernels#matVec} on the unit's table with the same work-items per row.
 * Generated from {@link MatVecPairKernels}' source by the nibble transform (the weight loads and widenings
 * rewritten, every other line kept): {@code tornado-kernels/generate/pair_nibble.py}; edit the two-row kernel or the
 * transform, not this file.
 */
public final class PairNibbleKernels {

    private static final int WIDE = MatVecPairKernels.WIDE;
    private static final int MAX_LOCAL = MatVecPairKernels.MAX_LOCAL;
    /** Where the code scales start in the kernel's table: after {@link Bf16Scales}' 512 entries. */
    private static final int CODE_SCALES = Bf16Scales.SIZE;

    private PairNibbleKernels() {
    }

'''
t = t[:start] + header + t[end:]
t = t.replace('    /** @see MatVecKernels#matVec for the parameters; the launch is described above. */\n'
              '    public static void matVecPairs(',
              "    /** @see NibbleMatVecKernels#matVecNibbles for the parameters; the launch is {@link MatVecPairKernels}'. */\n"
              '    public static void matVecPairsNibbles(')
t = t.replace('    public static void matVecPairsNibbles(KernelContext context, IntArray codes, IntArray signMantissa,'
              ' int offset,',
              '    public static void matVecPairsNibbles(KernelContext context, IntArray codes, IntArray signMantissa,\n'
              '            int offset,')
t = t.replace('            int offset,\n            int rows, int cols, FloatArray x, FloatArray output, int accumulate,'
              ' int lastOnly, int rowsPerGroup,\n            IntArray batch, FloatArray scales, IntArray tail, int directory) {',
              '            int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate, int lastOnly,\n'
              '            int rowsPerGroup, IntArray batch, FloatArray scales, IntArray tail, int directory) {')
t = t.replace('package dev.df11.tornado.forward;\n', 'package dev.df11.tornado.forward;\n\nimport dev.df11.tornado.forward.weights.NibbleLayout;\nimport dev.df11.tornado.forward.weights.UnitTail;', 1)
sys.stdout.write(t)
