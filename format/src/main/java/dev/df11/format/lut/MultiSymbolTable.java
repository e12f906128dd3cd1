package dev.df11.format.lut;

import dev.df11.format.codec.Df11Layout;

/**
 * A wide decode table derived from {@link LookupTables}: indexed by the next {@link #indexBits} stream bits, an entry
 * holds every exponent that those bits alone determine (up to {@link #MAX_SYMBOLS}), how many there are, and how many
 * bits they take. A CPU decoder thus resolves several short codes per lookup and falls back to
 * {@link LookupTables#decode} only when the first code is longer than the index.
 *
 * <p>Entry layout (a {@code long}): bytes 0-5 hold the exponents in stream order (byte 0 first), bits 48-51 the count
 * (0 = the first code is not resolved by these bits), bits 52-56 the bits consumed. Written little-endian to a byte
 * array, an entry therefore drops its exponents straight into place; the two high bytes land past them and are
 * overwritten by the next entry.
 *
 * <p>"Determined" follows the GPU kernel's reading of the tables (one byte per lookup): a code counts only if every
 * completion of the unknown bits gives the same exponent and its length fits in the known bits, so the table agrees
 * with {@link LookupTables#decode} even on the official encoder's irregular tables.
 */
public final class MultiSymbolTable {

    /** Most exponents per entry. */
    public static final int MAX_SYMBOLS = 6;
    private static final int COUNT_SHIFT = 48;
    private static final int BITS_SHIFT = 52;
    private static final int UNRESOLVED = -1;
    private static final int MEMO_SET = 1 << 30;

    private final int indexBits;
    private final long[] entries;

    private MultiSymbolTable(int indexBits, long[] entries) {
        this.indexBits = indexBits;
        this.entries = entries;
    }

    /** Builds the table for {@code tables} indexed by {@code indexBits} (8..16) bits. */
    public static MultiSymbolTable build(LookupTables tables, int indexBits) {
        if (indexBits < 8 || indexBits > 16) {
            throw new IllegalArgumentException("indexBits must be in 8..16, got " + indexBits);
        }
        long[] entries = new long[1 << indexBits];
        int[][] memo = new int[indexBits + 1][]; // memo[known][bits]: resolve() results, 0 = not computed yet
        for (int index = 0; index < entries.length; index++) {
            long entry = 0;
            int used = 0;
            int count = 0;
            while (count < MAX_SYMBOLS) {
                int known = indexBits - used;
                if (known <= 0) {
                    break;
                }
                int bits = index & ((1 << known) - 1);
                if (memo[known] == null) {
                    memo[known] = new int[1 << known];
                }
                int resolved = memo[known][bits];
                if (resolved == 0) {
                    resolved = resolve(tables, bits, known);
                    memo[known][bits] = resolved == UNRESOLVED ? UNRESOLVED : resolved | MEMO_SET;
                }
                if (resolved == UNRESOLVED) {
                    break;
                }
                entry |= (long) (resolved & 0xFF) << (8 * count);
                used += (resolved & ~MEMO_SET) >>> 8;
                count++;
            }
            entries[index] = entry | ((long) count << COUNT_SHIFT) | ((long) used << BITS_SHIFT);
        }
        return new MultiSymbolTable(indexBits, entries);
    }

    /**
     * The exponent and length of the code that begins {@code bits} (the {@code known} low bits are the next stream
     * bits, most significant first), or {@link #UNRESOLVED} if the remaining, unknown bits could change it.
     */
    private static int resolve(LookupTables tables, int bits, int known) {
        int table = 0;
        int remaining = known;
        for (int depth = 0; depth < Df11Layout.MAX_CODE_LENGTH / 8; depth++) {
            int value;
            if (remaining >= 8) {
                value = tables.entry(table, (bits >>> (remaining - 8)) & 0xFF);
            } else {
                int prefix = remaining == 0 ? 0 : bits & ((1 << remaining) - 1);
                int first = prefix << (8 - remaining);
                value = tables.entry(table, first);
                for (int b = first + 1; b < first + (1 << (8 - remaining)); b++) {
                    if (tables.entry(table, b) != value) {
                        return UNRESOLVED;
                    }
                }
            }
            if (value < Df11Layout.FIRST_POINTER_VALUE) {
                int length = tables.codeLength(value);
                return length <= known ? value | (length << 8) : UNRESOLVED;
            }
            if (remaining < 8) {
                return UNRESOLVED; // a pointer whose next byte is not known yet
            }
            table = 256 - value;
            remaining -= 8;
        }
        return UNRESOLVED;
    }

    /** Number of stream bits that index the table. */
    public int indexBits() {
        return indexBits;
    }

    /** The raw entries (shared, do not modify): index with the next {@link #indexBits} stream bits. */
    public long[] entries() {
        return entries;
    }

    /** Number of exponents in an entry (0 = fall back to the byte tables). */
    public static int count(long entry) {
        return (int) (entry >>> COUNT_SHIFT) & 0xF;
    }

    /** Bits taken by the exponents of an entry. */
    public static int bitsConsumed(long entry) {
        return (int) (entry >>> BITS_SHIFT) & 0x1F;
    }

    /** The {@code i}-th exponent of an entry. */
    public static int exponent(long entry, int i) {
        return (int) (entry >>> (8 * i)) & 0xFF;
    }
}
