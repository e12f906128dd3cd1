package dev.df11.format.lut;

import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Layout;
import dev.df11.format.codec.UnencodableUnitException;
import dev.df11.format.huffman.CanonicalCode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * The decode tables of one DF11 unit, in the official {@code luts} layout: {@code k} tables of 256 bytes, then a row of
 * 256 code lengths indexed by exponent.
 *
 * <p>Grammar. Table 0 is indexed by the next byte of the stream. An entry {@code v < 240} is the exponent whose code
 * begins the byte (the entry is repeated over every byte value that starts with that code); an entry {@code v >= 240}
 * sends the decoder to table {@code t = 256 - v}, indexed by the following byte, and so on for at most four bytes (a
 * code is at most 32 bits). The decoded exponent's length, read from the last row, says how many bits to consume.
 *
 * <p>Our tables ({@link #build}) come from a canonical code: the child tables are ordered by prefix length and then
 * prefix value, every pointer points forward, and every entry is meaningful. Tables from another encoder
 * ({@link #parse}) are accepted as the GPU kernel reads them: the official encoder fills the bytes that belong to its
 * end-of-stream symbol with copies of neighbouring entries, which can be a pointer back to the same table or an
 * exponent whose length does not match the depth. Those entries are never reached by a real element, so they are
 * tolerated; what is refused is anything that would make any decoder read outside the tables or stall: a pointer to a
 * table that does not exist, or an exponent in a table whose code length is not 1..32. {@link #decode} follows at
 * most four tables, so even a pointer cycle cannot hang a decoder.
 */
public final class LookupTables {

    /** Returned by {@link #decode} when four table lookups do not reach an exponent. */
    public static final int INVALID = -1;

    private static final int TABLE_SIZE = 256;
    private static final int MAX_DEPTH = Df11Layout.MAX_CODE_LENGTH / 8;

    private final int tableCount;
    private final byte[] entries;
    private final int[] lengths;

    private LookupTables(int tableCount, byte[] entries, int[] lengths) {
        this.tableCount = tableCount;
        this.entries = entries;
        this.lengths = lengths;
    }

    /**
     * Builds the tables of a canonical code over exponents.
     *
     * @throws UnencodableUnitException when an exponent of 240..255 has a code or more than 16 tables are needed
     */
    public static LookupTables build(String unitName, CanonicalCode code) {
        if (code.symbolCount() != TABLE_SIZE) {
            throw new IllegalArgumentException("a DF11 code covers 256 exponents, this one " + code.symbolCount());
        }
        TreeSet<Long> prefixes = new TreeSet<>(); // (prefix bytes << 32) | prefix value: length first, then value
        boolean anySymbol = false;
        for (int e = 0; e < TABLE_SIZE; e++) {
            int len = code.length(e);
            if (len == 0) {
                continue;
            }
            anySymbol = true;
            if (e >= Df11Layout.FIRST_POINTER_VALUE) {
                throw new UnencodableUnitException(unitName, "exponent " + e + " (|x| >= 2^113, Inf or NaN) cannot be"
                        + " coded: table bytes 240..255 are pointers in the DF11 layout; keep this unit as BF16");
            }
            for (int k = 1; 8 * k < len; k++) {
                prefixes.add(((long) k << 32) | prefixOf(code.code(e), len, 8 * k));
            }
        }
        if (!anySymbol) {
            throw new IllegalArgumentException("a code without symbols has no tables");
        }
        int tableCount = 1 + prefixes.size();
        if (tableCount > Df11Layout.MAX_TABLES) {
            throw new UnencodableUnitException(unitName, "its Huffman code needs " + tableCount
                    + " lookup tables, the DF11 layout allows " + Df11Layout.MAX_TABLES + "; keep this unit as BF16");
        }
        Long[] ordered = prefixes.toArray(new Long[0]);
        byte[] entries = new byte[tableCount * TABLE_SIZE];
        boolean[] covered = new boolean[entries.length];
        int[] lengths = new int[TABLE_SIZE];
        for (int e = 0; e < TABLE_SIZE; e++) {
            int len = code.length(e);
            if (len == 0) {
                continue;
            }
            lengths[e] = len;
            int c = code.code(e);
            int lastDepth = (len - 1) / 8;
            int table = 0;
            for (int depth = 0; depth < lastDepth; depth++) {
                int nextByte = (int) ((c & 0xFFFFFFFFL) >>> (len - 8 * depth - 8)) & 0xFF;
                long key = ((long) (depth + 1) << 32) | prefixOf(c, len, 8 * (depth + 1));
                int child = 1 + Arrays.binarySearch(ordered, key);
                entries[table * TABLE_SIZE + nextByte] = (byte) (TABLE_SIZE - child);
                covered[table * TABLE_SIZE + nextByte] = true;
                table = child;
            }
            int rest = len - 8 * lastDepth;
            int value = c & ((1 << rest) - 1);
            int from = table * TABLE_SIZE + (value << (8 - rest));
            int to = from + (1 << (8 - rest));
            Arrays.fill(entries, from, to, (byte) e);
            Arrays.fill(covered, from, to, true);
        }
        fillUncovered(entries, covered, tableCount);
        return new LookupTables(tableCount, entries, lengths);
    }

    /**
     * An incomplete code (only a single-symbol unit has one) leaves table bytes that no codeword starts with. They
     * get a copy of a real entry of the same table, so that every byte of every table still decodes to something
     * valid.
     */
    private static void fillUncovered(byte[] entries, boolean[] covered, int tableCount) {
        for (int t = 0; t < tableCount; t++) {
            int base = t * TABLE_SIZE;
            int firstCovered = -1;
            for (int b = 0; b < TABLE_SIZE && firstCovered < 0; b++) {
                if (covered[base + b]) {
                    firstCovered = base + b;
                }
            }
            for (int b = 0; b < TABLE_SIZE; b++) {
                if (!covered[base + b]) {
                    entries[base + b] = entries[firstCovered];
                }
            }
        }
    }

    private static long prefixOf(int code, int len, int prefixBits) {
        return (code & 0xFFFFFFFFL) >>> (len - prefixBits);
    }

    /**
     * Reads and checks the {@code luts} array of a unit from any DF11 encoder.
     *
     * @throws Df11FormatException naming {@code unitName} when the array has a bad size, a pointer leads to a missing
     *                             table, or an exponent in a table has a code length outside 1..32
     */
    public static LookupTables parse(String unitName, MemorySegment luts) {
        long size = luts.byteSize();
        if (size % TABLE_SIZE != 0 || size < 2L * TABLE_SIZE || size > (Df11Layout.MAX_TABLES + 1L) * TABLE_SIZE) {
            throw new Df11FormatException(unitName, "luts has " + size + " bytes; it must be (k+1)*256 bytes for"
                    + " 1 <= k <= " + Df11Layout.MAX_TABLES + " decode tables plus the code-length row");
        }
        int tableCount = (int) (size / TABLE_SIZE) - 1;
        byte[] entries = new byte[tableCount * TABLE_SIZE];
        MemorySegment.copy(luts, ValueLayout.JAVA_BYTE, 0, entries, 0, entries.length);
        int[] lengths = new int[TABLE_SIZE];
        for (int e = 0; e < TABLE_SIZE; e++) {
            lengths[e] = luts.get(ValueLayout.JAVA_BYTE, (long) tableCount * TABLE_SIZE + e) & 0xFF;
        }
        for (int t = 0; t < tableCount; t++) {
            for (int b = 0; b < TABLE_SIZE; b++) {
                int v = entries[t * TABLE_SIZE + b] & 0xFF;
                if (v >= Df11Layout.FIRST_POINTER_VALUE) {
                    int target = TABLE_SIZE - v;
                    if (target >= tableCount) {
                        throw new Df11FormatException(unitName, "luts table " + t + " byte " + b + " points to table "
                                + target + ", but there are only " + tableCount + " tables");
                    }
                } else if (lengths[v] < 1 || lengths[v] > Df11Layout.MAX_CODE_LENGTH) {
                    throw new Df11FormatException(unitName, "luts table " + t + " byte " + b + " decodes exponent " + v
                            + " whose code length is " + lengths[v] + " (must be 1.." + Df11Layout.MAX_CODE_LENGTH + ")");
                }
            }
        }
        checkAgainstLengthRow(unitName, tableCount, entries, lengths);
        return new LookupTables(tableCount, entries, lengths);
    }

    /**
     * Checks the tables against the code-length row: every exponent with a nonzero length must own, in a table reached
     * from table 0 through {@code d} pointers, a whole aligned run of {@code 2^(8(d+1) - length)} entries, where
     * {@code 8d < length <= 8(d+1)}. That is what decoding the exponent's code and consuming {@code length} bits
     * needs. It catches entries of exponents of different lengths exchanged, an overwritten entry that breaks an
     * exponent's only run, length-row values exchanged between different lengths or made shorter, and a length given
     * to an exponent no table holds. The runs found lie in disjoint parts of the code space, so the lengths also
     * satisfy Kraft's inequality.
     *
     * <p>What no check of the tables alone can catch: two exponents of the <em>same</em> length exchanging their runs
     * (another valid prefix code with the same lengths; the official encoder's codes are non-canonical, so any such
     * assignment is legitimate), and a length made longer (the exponent's run still holds a whole smaller run, and the
     * rest looks like the unused code space the official encoder's end-of-stream code leaves). Entries that no real
     * code reaches are free for the same reason. These are caught by the per-tensor checksums df11 records
     * (docs/format.md): decoding then yields wrong exponents or loses its place in the stream.
     */
    private static void checkAgainstLengthRow(String unitName, int tableCount, byte[] entries, int[] lengths) {
        boolean[] owned = new boolean[TABLE_SIZE];
        collectRuns(0, 0, entries, lengths, owned, new boolean[tableCount * MAX_DEPTH]);
        for (int e = 0; e < TABLE_SIZE; e++) {
            if (lengths[e] != 0 && !owned[e]) {
                throw new Df11FormatException(unitName, "luts disagree with their code-length row: exponent " + e
                        + " has a " + lengths[e] + "-bit code in the length row, but no table holds a whole run of "
                        + "entries for a code of that length (table entries overwritten or exchanged?)");
            }
        }
    }

    /** Marks the exponents owning a whole aligned run in table {@code table} at {@code depth}, then its children. */
    private static void collectRuns(int table, int depth, byte[] entries, int[] lengths, boolean[] owned,
            boolean[] visited) {
        if (visited[table * MAX_DEPTH + depth]) {
            return;
        }
        visited[table * MAX_DEPTH + depth] = true;
        int base = table * TABLE_SIZE;
        for (int b = 0; b < TABLE_SIZE; b++) {
            int v = entries[base + b] & 0xFF;
            if (v >= Df11Layout.FIRST_POINTER_VALUE) {
                if (depth + 1 < MAX_DEPTH) {
                    collectRuns(TABLE_SIZE - v, depth + 1, entries, lengths, owned, visited);
                }
                continue;
            }
            int len = lengths[v];
            if (owned[v] || len <= 8 * depth || len > 8 * depth + 8) {
                continue;
            }
            int run = 1 << (8 * depth + 8 - len);
            if ((b & (run - 1)) != 0) {
                continue;   // not the first entry of an aligned run
            }
            boolean whole = true;
            for (int i = 1; i < run && whole; i++) {
                whole = (entries[base + b + i] & 0xFF) == v;
            }
            owned[v] = whole;
        }
    }

    /**
     * Decodes the code at the top of {@code peek} (the next 32 stream bits, most significant first), exactly as the
     * GPU kernel does: up to four table lookups, one per byte.
     *
     * @return {@code exponent | (length << 8)}, or {@link #INVALID} when the fourth lookup is still a pointer
     */
    public int decode(int peek) {
        int v = entries[peek >>> 24] & 0xFF;
        for (int depth = 1; v >= Df11Layout.FIRST_POINTER_VALUE; depth++) {
            if (depth == MAX_DEPTH) {
                return INVALID;
            }
            int table = TABLE_SIZE - v;
            v = entries[table * TABLE_SIZE + ((peek >>> (24 - 8 * depth)) & 0xFF)] & 0xFF;
        }
        return v | (lengths[v] << 8);
    }

    /** Number of decode tables (the root included, the length row excluded), 1..16. */
    public int tableCount() {
        return tableCount;
    }

    /** Code length in bits of {@code exponent} according to the length row (0 when it has no code). */
    public int codeLength(int exponent) {
        return lengths[exponent];
    }

    /** The raw entry of a table: an exponent (< 240) or a pointer {@code 256 - t}. */
    public int entry(int table, int byteValue) {
        return entries[table * TABLE_SIZE + byteValue] & 0xFF;
    }

    /** The longest code length in the length row among exponents that appear in the tables. */
    public int maxCodeLength() {
        int max = 0;
        for (byte b : entries) {
            int v = b & 0xFF;
            if (v < Df11Layout.FIRST_POINTER_VALUE) {
                max = Math.max(max, lengths[v]);
            }
        }
        return max;
    }

    /** The {@code luts} array: the tables, then the code-length row. */
    public byte[] toBytes() {
        byte[] out = Arrays.copyOf(entries, entries.length + TABLE_SIZE);
        for (int e = 0; e < TABLE_SIZE; e++) {
            out[entries.length + e] = (byte) lengths[e];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LookupTables l && Arrays.equals(entries, l.entries) && Arrays.equals(lengths, l.lengths);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(entries) + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        return "LookupTables{tables=" + tableCount + ", maxCodeLength=" + maxCodeLength() + "}";
    }
}
