package dev.df11.format.codec;

import dev.df11.format.lut.LookupTables;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The six arrays of one compressed DF11 unit, exactly as stored (heap, off-heap or memory-mapped segments).
 *
 * <p>Layout (official DFloat11, {@link Df11Layout}):
 * <pre>
 * luts             uint8 [(k+1) * 256]   k decode tables, then one row of code lengths by exponent
 * encodedExponent  uint8 [bytes]         Huffman codes of the exponents, MSB-first, concatenated
 * signMantissa     uint8 [n]             ((w >> 8) & 0x80) | (w & 0x7F) per element
 * outputPositions  uint32 LE [blocks+1]  index of the first element whose code starts in each 4096-byte block; last = n
 * gaps             uint8 [>= blocks*320] per 8-byte window, 5 bits MSB-first: offset of its first code start
 * splitPositions   int64 [m-1]           element index where each matrix after the first starts
 * </pre>
 * Blocks are counted by {@code outputPositions}; the stream may run into one more block than that (only the tail of
 * the last code lies there, so no element starts in it).
 *
 * @param source where the arrays were read from (a file name), named by every {@link Df11FormatException} about the
 *               unit, also those of decoders; null for units made in memory
 */
public record Df11Unit(String name, MemorySegment luts, MemorySegment encodedExponent, MemorySegment signMantissa,
                       MemorySegment outputPositions, MemorySegment gaps, long[] splitPositions, String source) {

    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED;

    public Df11Unit {
        splitPositions = splitPositions.clone();
    }

    /** A unit made in memory (no source file). */
    public Df11Unit(String name, MemorySegment luts, MemorySegment encodedExponent, MemorySegment signMantissa,
                    MemorySegment outputPositions, MemorySegment gaps, long[] splitPositions) {
        this(name, luts, encodedExponent, signMantissa, outputPositions, gaps, splitPositions, null);
    }

    /** The same arrays, read from {@code file} (named by error messages). */
    public Df11Unit withSource(String file) {
        return new Df11Unit(name, luts, encodedExponent, signMantissa, outputPositions, gaps, splitPositions, file);
    }

    /** An error about this unit, naming it and its source file. */
    public Df11FormatException formatError(String problem) {
        return new Df11FormatException(name, source, problem, null);
    }

    @Override
    public long[] splitPositions() {
        return splitPositions.clone();
    }

    /** Number of BF16 elements (weights) in the unit. */
    public long elementCount() {
        return signMantissa.byteSize();
    }

    /** Number of 4096-byte blocks that hold code starts, as told by {@code outputPositions}. */
    public int blockCount() {
        return (int) Math.max(0, outputPositions.byteSize() / Integer.BYTES - 1);
    }

    /** Number of matrices (1 + the number of split positions). */
    public int matrixCount() {
        return splitPositions.length + 1;
    }

    /** Index of the first element of matrix {@code m}. */
    public long matrixStart(int m) {
        checkMatrix(m);
        return m == 0 ? 0 : splitPositions[m - 1];
    }

    /** Index one past the last element of matrix {@code m}. */
    public long matrixEnd(int m) {
        checkMatrix(m);
        return m == splitPositions.length ? elementCount() : splitPositions[m];
    }

    /** {@code outputPositions[i]} as an unsigned value. */
    public long outputPosition(int i) {
        return Integer.toUnsignedLong(outputPositions.get(U32_LE, 4L * i));
    }

    /** Size of the stream in bytes. */
    public long streamBytes() {
        return encodedExponent.byteSize();
    }

    /** The 5-bit gap of global thread {@code thread}, or 0 past the end of the gaps array. */
    public int gap(long thread) {
        long bit = thread * Df11Layout.GAP_BITS;
        long index = bit >>> 3;
        if (index >= gaps.byteSize()) {
            return 0;
        }
        int hi = gaps.get(ValueLayout.JAVA_BYTE, index) & 0xFF;
        int lo = index + 1 < gaps.byteSize() ? gaps.get(ValueLayout.JAVA_BYTE, index + 1) & 0xFF : 0;
        return (((hi << 8) | lo) >>> (11 - (int) (bit & 7))) & 0x1F;
    }

    /** Parses and checks the lookup tables; see {@link LookupTables#parse}. */
    public LookupTables lookupTables() {
        try {
            return LookupTables.parse(name, luts);
        } catch (Df11FormatException e) {
            throw source == null ? e : new Df11FormatException(name, source, e.problem(), e);
        }
    }

    /**
     * Checks every rule that can be checked without decoding: array sizes, the lookup tables, positions that start at
     * 0, never go back, end at n and fit a block, gaps that cover every block, split positions within the unit.
     * Decoders check the rest (codes agree with positions and gaps, the stream is long enough) as they go.
     *
     * @param file where the unit comes from (a file name), for the message; null for the unit's own source
     * @throws Df11FormatException naming the file and the unit
     */
    public void validate(String file) {
        try {
            checkStructure();
        } catch (Df11FormatException e) {
            String where = file != null ? file : source;
            if (where == null) {
                throw e;
            }
            throw new Df11FormatException(name, where, e.problem(), e);
        }
    }

    /** {@link #validate} without a source name; decoders call this. */
    void checkStructure() {
        lookupTables();
        long n = elementCount();
        if (n > 0xFFFF_FFFFL) {
            fail(n + " elements do not fit the uint32 output positions");
        }
        if (outputPositions.byteSize() % Integer.BYTES != 0 || outputPositions.byteSize() < Integer.BYTES) {
            fail("output_positions has " + outputPositions.byteSize() + " bytes; need a positive multiple of 4");
        }
        if (outputPositions.byteSize() / Integer.BYTES - 1 > Math.min(Integer.MAX_VALUE, n + 1)) {
            fail("output_positions has " + outputPositions.byteSize() / Integer.BYTES + " entries for " + n
                    + " elements; every block but the last must hold an element");
        }
        int blocks = blockCount();
        if (outputPosition(0) != 0) {
            fail("output_positions[0] is " + outputPosition(0) + ", must be 0");
        }
        if (outputPosition(blocks) != n) {
            fail("output_positions ends with " + outputPosition(blocks) + ", must end with n = " + n);
        }
        for (int b = 0; b < blocks; b++) {
            long start = outputPosition(b);
            long end = outputPosition(b + 1);
            if (end < start) {
                fail("output_positions go backwards at block " + b + " (" + start + " then " + end + ")");
            }
            if (end > n) {
                fail("output_positions[" + (b + 1) + "] = " + end + " is past n = " + n);
            }
            if (end - start > Df11Layout.BITS_PER_BLOCK) {
                fail("output_positions give block " + b + " " + (end - start) + " elements; a 4096-byte block holds"
                        + " at most " + Df11Layout.BITS_PER_BLOCK + " codes");
            }
            if (end == start && start != n) {
                fail("block " + b + " has no element but elements follow it (output_positions[" + b + "] = " + start
                        + ")");
            }
        }
        long bytes = streamBytes();
        long minBytes = blocks == 0 ? 0 : (blocks - 1L) * Df11Layout.BYTES_PER_BLOCK + 1;
        long maxBytes = (blocks + 1L) * Df11Layout.BYTES_PER_BLOCK;
        if (bytes < minBytes || bytes > maxBytes) {
            fail("encoded_exponent has " + bytes + " bytes, which does not match " + blocks
                    + " blocks of output_positions (expected " + minBytes + ".." + maxBytes + ")");
        }
        long gapBytes = (long) blocks * Df11Layout.GAP_BYTES_PER_BLOCK;
        if (gaps.byteSize() < gapBytes) {
            fail("gaps has " + gaps.byteSize() + " bytes; " + blocks + " blocks need " + gapBytes);
        }
        long previous = 0;
        for (int i = 0; i < splitPositions.length; i++) {
            long s = splitPositions[i];
            if (s < previous || s > n) {
                fail("split_positions[" + i + "] = " + s + " is out of order or past n = " + n);
            }
            previous = s;
        }
    }

    private void fail(String problem) {
        throw formatError(problem);
    }

    private void checkMatrix(int m) {
        if (m < 0 || m > splitPositions.length) {
            throw new IndexOutOfBoundsException("unit '" + name + "' has " + matrixCount() + " matrices, no matrix " + m);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Df11Unit u && name.equals(u.name) && Arrays.equals(splitPositions, u.splitPositions)
                && sameBytes(luts, u.luts) && sameBytes(encodedExponent, u.encodedExponent)
                && sameBytes(signMantissa, u.signMantissa) && sameBytes(outputPositions, u.outputPositions)
                && sameBytes(gaps, u.gaps);
    }

    private static boolean sameBytes(MemorySegment a, MemorySegment b) {
        return a.byteSize() == b.byteSize() && a.mismatch(b) < 0;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(elementCount());
    }

    @Override
    public String toString() {
        return "Df11Unit{" + name + ", n=" + elementCount() + ", streamBytes=" + streamBytes() + ", blocks="
                + blockCount() + ", matrices=" + matrixCount() + "}";
    }
}
