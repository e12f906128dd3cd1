package dev.df11.format.codec;

import dev.df11.format.lut.LookupTables;
import dev.df11.format.lut.MultiSymbolTable;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decodes single 4096-byte blocks on the CPU; one instance per thread (it owns scratch buffers).
 *
 * <p>A block's elements are {@code outputPositions[b] .. outputPositions[b+1]}; the first one's code starts at bit
 * {@code b * 32768 + gap(thread b * 512)}. The block's stream bytes (plus lookahead, zeros past the end of the
 * stream) are copied into a small array so that every read is in bounds whatever the unit claims. Exponents are
 * decoded into a byte array with the wide table, several per lookup; then a second, branch-free loop merges them with
 * the sign_mantissa bytes into BF16 words.
 *
 * <p>Checks, all reported as {@link Df11FormatException} naming the unit and block: a code that the tables cannot
 * decode, a code that would start past the block's end, codes that run past the end of the stream, and a block whose
 * last code does not end exactly where the next block's first gap says the next code starts.
 */
final class BlockDecoder {

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int BLOCK_BITS = (int) Df11Layout.BITS_PER_BLOCK;
    /** Room for one 8-byte read at the last bit of a block, and the codes that run over into the next block. */
    private static final int WINDOW_SLACK = 16;

    private final byte[] window = new byte[Df11Layout.BYTES_PER_BLOCK + WINDOW_SLACK];
    private final byte[] exponents = new byte[BLOCK_BITS + 8];
    /**
     * The block's sign_mantissa bytes when the unit's are memory-mapped: a fault in a compiled Vector API load (a
     * file truncated under its map) crashes the JVM, while a fault in this plain copy becomes an InternalError.
     */
    private final byte[] signMantissa = new byte[BLOCK_BITS + 8];
    private final MemorySegment signMantissaCopy = MemorySegment.ofArray(signMantissa);

    /**
     * Decodes block {@code block} and writes its elements that fall in {@code [from, to)} of the unit to
     * {@code out}, element {@code i} at byte {@code 2 * (i - outBase)}.
     */
    void decodeBlock(Df11Unit unit, PreparedTables prepared, int block, long from, long to, MemorySegment out,
                     long outBase) {
        long first = unit.outputPosition(block);
        long end = unit.outputPosition(block + 1);
        int count = (int) (end - first);
        if (count == 0) {
            return;
        }
        int endBit = decodeExponents(unit, prepared, block, count);
        checkEnd(unit, block, endBit);
        long lo = Math.max(first, from);
        long hi = Math.min(end, to);
        if (lo < hi) {
            MemorySegment sm = unit.signMantissa();
            long smOffset = lo;
            if (WordMerge.VECTORISED && sm.isMapped()) {
                MemorySegment.copy(sm, ValueLayout.JAVA_BYTE, lo, signMantissa, 0, (int) (hi - lo));
                sm = signMantissaCopy;
                smOffset = 0;
            }
            WordMerge.merge(exponents, (int) (lo - first), sm, smOffset, out, 2 * (lo - outBase), (int) (hi - lo));
        }
    }

    /** Decodes the block's {@code count} exponents into {@link #exponents}; returns the bit (in the block) after the last code. */
    private int decodeExponents(Df11Unit unit, PreparedTables prepared, int block, int count) {
        long blockByte = (long) block * Df11Layout.BYTES_PER_BLOCK;
        long available = Math.min(window.length, unit.streamBytes() - blockByte);
        MemorySegment.copy(unit.encodedExponent(), ValueLayout.JAVA_BYTE, blockByte, window, 0, (int) available);
        java.util.Arrays.fill(window, (int) available, window.length, (byte) 0);

        LookupTables tables = prepared.tables();
        long[] wide = prepared.wide().entries();
        int shift = 64 - prepared.wide().indexBits();
        byte[] win = window;
        byte[] exps = exponents;
        int pos = unit.gap((long) block * Df11Layout.THREADS_PER_BLOCK);
        int i = 0;
        // Four wide lookups per 64-bit read (each takes at most indexBits <= 12 of its >= 57 valid bits). An entry
        // that resolves nothing consumes nothing, so the lookups after it repeat it; one byte-table decode then
        // handles the long code. The guards keep every code of a round inside the block and the exponent buffer.
        int indexBits = prepared.wide().indexBits();
        int lastFastCount = count - 4 * MultiSymbolTable.MAX_SYMBOLS;
        int lastFastPos = BLOCK_BITS - 4 * indexBits;
        while (i <= lastFastCount && pos <= lastFastPos) {
            long bits = (long) LONG_BE.get(win, pos >>> 3) << (pos & 7);
            long entry = wide[(int) (bits >>> shift)];
            LONG_LE.set(exps, i, entry);
            i += MultiSymbolTable.count(entry);
            int used = MultiSymbolTable.bitsConsumed(entry);
            bits <<= MultiSymbolTable.bitsConsumed(entry);
            entry = wide[(int) (bits >>> shift)];
            LONG_LE.set(exps, i, entry);
            i += MultiSymbolTable.count(entry);
            used += MultiSymbolTable.bitsConsumed(entry);
            bits <<= MultiSymbolTable.bitsConsumed(entry);
            entry = wide[(int) (bits >>> shift)];
            LONG_LE.set(exps, i, entry);
            i += MultiSymbolTable.count(entry);
            used += MultiSymbolTable.bitsConsumed(entry);
            bits <<= MultiSymbolTable.bitsConsumed(entry);
            entry = wide[(int) (bits >>> shift)];
            LONG_LE.set(exps, i, entry);
            i += MultiSymbolTable.count(entry);
            used += MultiSymbolTable.bitsConsumed(entry);
            pos += used;
            if (MultiSymbolTable.count(entry) == 0) {
                int code = tables.decode((int) (((long) LONG_BE.get(win, pos >>> 3) << (pos & 7)) >>> 32));
                if (code == LookupTables.INVALID) {
                    throw invalidCode(unit, block, pos);
                }
                exps[i++] = (byte) code;
                pos += code >>> 8;
            }
        }
        while (i < count) {
            if (pos >= BLOCK_BITS) {
                throw unit.formatError("block " + block + ": output_positions give it " + count
                        + " elements, but only " + i + " codes start inside it");
            }
            long bits = (long) LONG_BE.get(win, pos >>> 3) << (pos & 7);
            int code = tables.decode((int) (bits >>> 32));
            if (code == LookupTables.INVALID) {
                throw invalidCode(unit, block, pos);
            }
            exps[i++] = (byte) code;
            pos += code >>> 8;
        }
        return pos;
    }

    /** The block's codes must end where the next block's first code starts, or inside the stream if none follows. */
    private static void checkEnd(Df11Unit unit, int block, int endBit) {
        long absoluteEnd = (long) block * BLOCK_BITS + endBit;
        int next = block + 1;
        boolean nextHasElements = next < unit.blockCount() && unit.outputPosition(next + 1) > unit.outputPosition(next);
        if (nextHasElements) {
            long nextStart = (long) next * BLOCK_BITS + unit.gap((long) next * Df11Layout.THREADS_PER_BLOCK);
            if (absoluteEnd != nextStart) {
                throw unit.formatError("block " + block + ": its codes end at stream bit "
                        + absoluteEnd + ", but the gap of block " + next + " puts the next code at bit " + nextStart);
            }
        } else if (absoluteEnd > unit.streamBytes() * 8) {
            throw unit.formatError("block " + block + ": its codes end at bit " + absoluteEnd
                    + ", past the end of the " + unit.streamBytes() + "-byte stream (truncated encoded_exponent?)");
        }
    }

    private static Df11FormatException invalidCode(Df11Unit unit, int block, int pos) {
        return unit.formatError("block " + block + ": the bits at stream bit "
                + ((long) block * BLOCK_BITS + pos) + " are no code of the lookup tables (four lookups found no exponent)");
    }
}
