package dev.df11.tornado.decode;

import dev.df11.format.codec.Df11Layout;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.lut.LookupTables;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;

/**
 * The arrays the decode kernels read instead of the raw {@code luts} and {@code encoded_exponent} bytes, made on the
 * host straight from a validated {@link Df11Unit}'s (usually memory-mapped) segments, with no copy in between:
 *
 * <ul>
 * <li>{@code tables}: one int per table entry, {@code (tables - 1) * 256} of them, so that one read gives what the raw
 * layout needs two reads and byte extraction for. An exponent entry is {@code (length << 16) | (exponent << 7)}
 * (positive: the length is 1..32; the exponent already sits where BF16 wants it); a pointer to child table {@code t}
 * is {@code -(t << 8)}, the negated offset of that table (negative, at most -256).</li>
 * <li>{@code codeWords}: the exponent stream as 32-bit words, unchanged (little-endian, so a word holds stream bytes
 * {@code 4i..4i+3} from its low byte up; the kernel swaps them), padded with zero words so that every work-item can
 * read its 8 bytes and 8 bytes of look-ahead without a bounds check.</li>
 * <li>{@code pairs}: the root table again, 256 ints, but an entry decodes up to two codes when both fit in its byte:
 * {@code e0 | e1 << 8 | totalBits << 16 | second << 22 | firstLength << 23} ({@code second} is 1 when {@code e1} is a
 * second code); a byte whose first code is longer than 8 bits holds the same pointer as {@code tables}.</li>
 * <li>{@code triples}: the root table once more, an entry decoding up to three codes wholly inside its byte (see
 * {@link #tripleEntry}); read by {@link ExponentPlaneKernels v3f}'s phase 1.</li>
 * </ul>
 *
 * @param tables    the packed decode tables
 * @param codeWords the padded stream
 * @param pairs     the two-code root table
 * @param triples   the three-code root table
 */
public record PackedInputs(IntArray tables, IntArray codeWords, IntArray pairs, IntArray triples) {

    /** Stream bytes a work-item reads: its own 8 and 8 of look-ahead. */
    static final int BYTES_READ = 16;

    /** Derives the arrays from {@code unit}, which must have passed {@link Df11Unit#validate}. */
    public static PackedInputs of(Df11Unit unit) {
        LookupTables luts = LookupTables.parse(unit.name(), unit.luts());
        PackedInputs packed = allocate(luts, unit, IntArray::new);
        packed.fill(luts, unit);
        return packed;
    }

    /**
     * Arrays of the sizes {@code unit}'s need (with {@code luts}, its parsed tables), from {@code ints}, left as
     * they come (zero-filled) until {@link #fill}: a caller that uploads them later makes them first and fills them
     * right before the upload.
     */
    public static PackedInputs allocate(LookupTables luts, Df11Unit unit, IntFunction<IntArray> ints) {
        return new PackedInputs(ints.apply(luts.tableCount() * DecodeKernels.ROW), ints.apply(codeWordCount(unit)),
                ints.apply(DecodeKernels.ROW), ints.apply(DecodeKernels.ROW));
    }

    /** Writes {@code unit}'s packed tables and stream into arrays {@link #allocate} made for it. */
    public void fill(LookupTables luts, Df11Unit unit) {
        packTables(luts, tables);
        copyCodeWords(unit, codeWords);
        pairTable(luts, pairs);
        tripleTable(luts, triples);
    }

    /**
     * The sign/mantissa bytes as ints (little-endian, so word {@code q} holds elements {@code 4q..4q+3} from its low
     * byte up), padded with zeros past the last element, for kernels that read four at a time.
     */
    public static IntArray signMantissaWords(Df11Unit unit) {
        IntArray words = new IntArray(signMantissaWordCount(unit));
        fillSignMantissaWords(unit, words);
        return words;
    }

    /** Ints of {@link #signMantissaWords}. */
    public static int signMantissaWordCount(Df11Unit unit) {
        return Math.toIntExact(unit.elementCount() / 4 + 3);
    }

    /** Writes {@link #signMantissaWords} of {@code unit} into {@code words} ({@link #signMantissaWordCount} long). */
    public static void fillSignMantissaWords(Df11Unit unit, IntArray words) {
        MemorySegment target = words.getSegment();
        target.fill((byte) 0);
        MemorySegment.copy(unit.signMantissa(), 0, target, 0, unit.elementCount());
    }

    /** A two-code entry that decodes one code: exponent {@code e} of {@code length} bits. */
    public static int singleCodePair(int e, int length) {
        return e | (length << 16) | (length << 23);
    }

    private static void pairTable(LookupTables luts, IntArray pairs) {
        for (int b = 0; b < DecodeKernels.ROW; b++) {
            int v = luts.entry(0, b);
            if (v >= Df11Layout.FIRST_POINTER_VALUE) {
                pairs.set(b, -((DecodeKernels.ROW - v) << 8));
                continue;
            }
            int first = luts.codeLength(v);
            int entry = singleCodePair(v, first);
            if (first < 8) {
                // The code after the first starts the byte (b << first); it is complete if it fits the bits left.
                int v2 = luts.entry(0, (b << first) & 0xFF);
                if (v2 < Df11Layout.FIRST_POINTER_VALUE && luts.codeLength(v2) <= 8 - first) {
                    int total = first + luts.codeLength(v2);
                    entry = v | (v2 << 8) | (total << 16) | (1 << 22) | (first << 23);
                }
            }
            pairs.set(b, entry);
        }
    }

    /**
     * A three-code entry: {@code exponents} (up to three, {@code e0 | e1 << 8 | e2 << 16}, unused bytes zero),
     * {@code codes - 1} in bits 24-25 and {@code bits} (1..32, the codes' total length) in bits 26-31. A root byte
     * whose first code is longer than 8 bits holds instead {@code t << 8}, the offset of its child table {@code t},
     * with 0 in bits 26-31: "no bits" is the pointer mark, not the sign, because a 32-bit code sets bit 31 (one
     * reached through the child tables, or one the tables of a foreign file put in the root, which
     * {@link LookupTables#parse} tolerates).
     */
    static int tripleEntry(int exponents, int codes, int bits) {
        return exponents | ((codes - 1) << 24) | (bits << 26);
    }

    /**
     * The root table as three-code entries ({@link #tripleEntry}): after the byte's first code, up to two more, each
     * only if it lies wholly inside the byte. The code at bit {@code k} of the byte is read from {@code b << k}
     * (zeros shifted in): a code that fits in the bits left has the same entry whatever follows it.
     */
    static IntArray tripleTable(LookupTables luts) {
        IntArray triples = new IntArray(DecodeKernels.ROW);
        tripleTable(luts, triples);
        return triples;
    }

    private static void tripleTable(LookupTables luts, IntArray triples) {
        for (int b = 0; b < DecodeKernels.ROW; b++) {
            int v = luts.entry(0, b);
            if (v >= Df11Layout.FIRST_POINTER_VALUE) {
                triples.set(b, (DecodeKernels.ROW - v) << 8);
                continue;
            }
            int exponents = v;
            int codes = 1;
            int bits = luts.codeLength(v);
            boolean more = true;
            while (more && codes < 3 && bits < 8) {
                int next = luts.entry(0, (b << bits) & 0xFF);
                more = next < Df11Layout.FIRST_POINTER_VALUE && luts.codeLength(next) <= 8 - bits;
                if (more) {
                    exponents |= next << (8 * codes);
                    codes++;
                    bits += luts.codeLength(next);
                }
            }
            triples.set(b, tripleEntry(exponents, codes, bits));
        }
    }

    /** Entry value of exponent {@code e} with code length {@code length}. */
    public static int exponentEntry(int e, int length) {
        return (length << 16) | (e << 7);
    }

    private static void packTables(LookupTables luts, IntArray packed) {
        int count = luts.tableCount();
        for (int t = 0; t < count; t++) {
            for (int b = 0; b < DecodeKernels.ROW; b++) {
                int v = luts.entry(t, b);
                int entry = v >= Df11Layout.FIRST_POINTER_VALUE
                        ? -((DecodeKernels.ROW - v) << 8)
                        : exponentEntry(v, luts.codeLength(v));
                packed.set(t * DecodeKernels.ROW + b, entry);
            }
        }
    }

    /** Ints of the padded stream. */
    private static int codeWordCount(Df11Unit unit) {
        long covered = (long) unit.blockCount() * Df11Layout.BYTES_PER_BLOCK + BYTES_READ;
        long bytes = Math.max(covered, unit.encodedExponent().byteSize());
        return Math.toIntExact((bytes + 3) / 4);
    }

    private static void copyCodeWords(Df11Unit unit, IntArray words) {
        long codeBytes = unit.encodedExponent().byteSize();
        MemorySegment target = words.getSegment();
        target.fill((byte) 0);
        MemorySegment.copy(unit.encodedExponent(), 0, target, 0, codeBytes);
    }
}
