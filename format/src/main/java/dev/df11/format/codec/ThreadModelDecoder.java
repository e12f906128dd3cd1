package dev.df11.format.codec;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.lut.LookupTables;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A slow, literal model of the GPU decode kernel, for checking the fast decoder and as the blueprint of GPU kernels.
 *
 * <p>Per block of 512 threads (4096 stream bytes):
 * <ol>
 * <li>Each thread {@code g} loads its 8-byte window plus 4 lookahead bytes (zeros past the end of the stream), skips
 * {@code gap(g)} bits and counts the codes that start inside its window (phase 1).</li>
 * <li>An exclusive prefix sum of the counts, seeded with {@code outputPositions[block]}, gives each thread the index
 * of its first element.</li>
 * <li>Each thread decodes again and writes its elements into the block's staging buffer, clipped to
 * {@code outputPositions[block+1]} (phase 2); the staging buffer is then copied out (coalesced on a GPU).</li>
 * </ol>
 * Codes are read exactly as the kernel reads them: up to four byte-wide table lookups
 * ({@link LookupTables#decode}).
 *
 * <p>Where the kernel would silently write garbage, the model throws {@link Df11FormatException}: a thread whose codes
 * do not end where the next thread's gap says its first code starts, threads that find fewer codes than the output
 * positions promise, a code the tables cannot decode, a code that runs past the end of the stream. Counting stops at
 * an undecodable code (the official encoder's end-of-stream padding can produce one after the last element), which is
 * an error only if an element needs it. A GPU kernel should do the same: stop counting, never loop on a zero length.
 */
public final class ThreadModelDecoder implements Df11UnitDecoder {

    private static final int THREADS = Df11Layout.THREADS_PER_BLOCK;
    private static final int WINDOW_BITS = Df11Layout.BITS_PER_THREAD;

    @Override
    public void decodeRange(Df11Unit unit, long from, long to, MemorySegment out) {
        unit.checkStructure();
        if (from < 0 || to < from || to > unit.elementCount()) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of unit '" + unit.name() + "' with "
                    + unit.elementCount() + " elements");
        }
        if (out.byteSize() < 2 * (to - from)) {
            throw unit.formatError("the output segment has " + out.byteSize() + " bytes, decoding"
                    + " elements [" + from + ", " + to + ") needs " + 2 * (to - from));
        }
        LookupTables tables = unit.lookupTables();
        for (int b = 0; b < unit.blockCount(); b++) {
            long blockFirst = unit.outputPosition(b);
            long blockEnd = unit.outputPosition(b + 1);
            if (blockEnd > from && blockFirst < to) {
                decodeBlock(unit, tables, b, from, to, out);
            }
        }
    }

    private static void decodeBlock(Df11Unit unit, LookupTables tables, int block, long from, long to,
                                    MemorySegment out) {
        long n = unit.elementCount();
        long[] windowHi = new long[THREADS];
        long[] windowLo = new long[THREADS];
        int[] gaps = new int[THREADS];
        int[] counts = new int[THREADS];
        int[] endBits = new int[THREADS]; // bit (in the window) after the last counted code; -1 if counting broke off

        // Phase 1: every thread counts the codes that start in its window.
        for (int t = 0; t < THREADS; t++) {
            long g = (long) block * THREADS + t;
            windowHi[t] = readBigEndian(unit, g * Df11Layout.BYTES_PER_THREAD, 8);
            windowLo[t] = readBigEndian(unit, g * Df11Layout.BYTES_PER_THREAD + 8, Df11Layout.LOOKAHEAD_BYTES)
                    << (64 - 8 * Df11Layout.LOOKAHEAD_BYTES);
            gaps[t] = unit.gap(g);
            int pos = gaps[t];
            int count = 0;
            while (pos < WINDOW_BITS) {
                int code = tables.decode(peek32(windowHi[t], windowLo[t], pos));
                if (code == LookupTables.INVALID) {
                    pos = -1;
                    break;
                }
                count++;
                pos += code >>> 8;
            }
            counts[t] = count;
            endBits[t] = pos;
        }

        // Exclusive prefix sum seeded with the block's first output position.
        long[] firstIndex = new long[THREADS + 1];
        firstIndex[0] = unit.outputPosition(block);
        for (int t = 0; t < THREADS; t++) {
            firstIndex[t + 1] = firstIndex[t] + counts[t];
        }
        long blockFirst = unit.outputPosition(block);
        long clipEnd = Math.min(unit.outputPosition(block + 1), n);
        checkCounts(unit, block, firstIndex[THREADS], clipEnd);

        // Phase 2: decode again and write into the block's staging buffer, then copy out the requested part.
        short[] staging = new short[(int) (clipEnd - blockFirst)];
        long streamBits = unit.streamBytes() * 8;
        for (int t = 0; t < THREADS; t++) {
            long index = firstIndex[t];
            long end = Math.min(index + counts[t], clipEnd);
            int pos = gaps[t];
            long windowStartBit = ((long) block * THREADS + t) * WINDOW_BITS;
            while (index < end) {
                int code = tables.decode(peek32(windowHi[t], windowLo[t], pos));
                int length = code >>> 8;
                if (windowStartBit + pos + length > streamBits) {
                    throw unit.formatError("block " + block + " thread " + t + ": element " + index
                            + " needs stream bits up to " + (windowStartBit + pos + length) + ", past the end of the "
                            + unit.streamBytes() + "-byte stream");
                }
                int signMantissa = unit.signMantissa().get(ValueLayout.JAVA_BYTE, index);
                staging[(int) (index - blockFirst)] = Bf16.compose(code & 0xFF, signMantissa);
                index++;
                pos += length;
            }
        }
        checkChain(unit, block, firstIndex, clipEnd, endBits, gaps);
        for (long i = Math.max(blockFirst, from); i < Math.min(clipEnd, to); i++) {
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * (i - from), staging[(int) (i - blockFirst)]);
        }
    }

    /** The threads must find at least the codes the positions promise, and exactly as many unless the block is last. */
    private static void checkCounts(Df11Unit unit, int block, long countedEnd, long clipEnd) {
        boolean last = clipEnd == unit.elementCount();
        if (countedEnd < clipEnd || (!last && countedEnd != clipEnd)) {
            throw unit.formatError("block " + block + ": its threads find codes for elements up to "
                    + countedEnd + ", but output_positions say the block ends at element " + clipEnd);
        }
    }

    /**
     * Where a thread has elements to write, the previous thread's codes must end exactly at this thread's gap (for
     * thread 0, the previous block's last thread; for the last thread, the next block's first gap).
     */
    private static void checkChain(Df11Unit unit, int block, long[] firstIndex, long clipEnd, int[] endBits, int[] gaps) {
        for (int t = 0; t + 1 < THREADS; t++) {
            if (firstIndex[t + 1] < clipEnd && endBits[t] != WINDOW_BITS + gaps[t + 1]) {
                throw chainBreak(unit, block, t, endBits[t], gaps[t + 1]);
            }
        }
        boolean nextBlockHasElements = block + 1 < unit.blockCount()
                && unit.outputPosition(block + 2) > unit.outputPosition(block + 1);
        if (nextBlockHasElements) {
            int nextGap = unit.gap((long) (block + 1) * THREADS);
            if (endBits[THREADS - 1] != WINDOW_BITS + nextGap) {
                throw chainBreak(unit, block, THREADS - 1, endBits[THREADS - 1], nextGap);
            }
        }
    }

    private static Df11FormatException chainBreak(Df11Unit unit, int block, int thread, int endBit, int nextGap) {
        return unit.formatError("block " + block + " thread " + thread + ": its codes end at window"
                + " bit " + (endBit < 0 ? "(undecodable code)" : String.valueOf(endBit)) + ", but the next thread's gap"
                + " is " + nextGap + " (expected " + (WINDOW_BITS + nextGap) + ")");
    }

    /** Bits {@code [pos, pos + 32)} of the 96-bit register formed by a window and its lookahead. */
    private static int peek32(long hi, long lo, int pos) {
        long v = pos == 0 ? hi : (hi << pos) | (lo >>> (64 - pos));
        return (int) (v >>> 32);
    }

    /** {@code bytes} stream bytes from {@code offset} as a big-endian number; bytes past the stream read as zero. */
    private static long readBigEndian(Df11Unit unit, long offset, int bytes) {
        long v = 0;
        for (int k = 0; k < bytes; k++) {
            long at = offset + k;
            int b = at < unit.streamBytes() ? unit.encodedExponent().get(ValueLayout.JAVA_BYTE, at) & 0xFF : 0;
            v = (v << 8) | b;
        }
        return v;
    }
}
