package dev.df11.tornado.decode;

import dev.df11.format.codec.Df11Layout;
import dev.df11.format.lut.LookupTables;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;

/**
 * The two arrays the single-pass kernels ({@link SinglePassKernels}) read instead of the raw {@code luts} and
 * {@code encoded_exponent} bytes, derived on the host from a {@link Df11DeviceUnit}:
 *
 * <ul>
 * <li>{@code tables}: one int per table entry, {@code (tables - 1) * 256} of them, so that one read gives what the raw
 * layout needs two reads and byte extraction for. An exponent entry is {@code (length << 16) | (exponent << 7)}
 * (positive: the length is 1..32; the exponent already sits where BF16 wants it); a pointer to child table {@code t}
 * is {@code -(t << 8)}, the negated offset of that table (negative, at most -256).</li>
 * <li>{@code codeWords}: the exponent stream as 32-bit words, unchanged (little-endian, so a word holds stream bytes
 * {@code 4i..4i+3} from its low byte up; the kernel swaps them), padded with zero words so that every work-item can
 * read its 8 bytes and 8 bytes of look-ahead without a bounds check.</li>
 * </ul>
 *
 * @param tables    the packed decode tables
 * @param codeWords the padded stream
 */
public record PackedInputs(IntArray tables, IntArray codeWords) {

    /** Stream bytes a work-item reads: its own 8 and 8 of look-ahead. */
    static final int BYTES_READ = 16;

    /** Derives the arrays from {@code unit} (whose tables were validated by {@link Df11DeviceUnit#of}). */
    public static PackedInputs of(Df11DeviceUnit unit) {
        return new PackedInputs(packTables(unit), codeWords(unit));
    }

    /** Entry value of exponent {@code e} with code length {@code length}. */
    static int exponentEntry(int e, int length) {
        return (length << 16) | (e << 7);
    }

    private static IntArray packTables(Df11DeviceUnit unit) {
        LookupTables luts = LookupTables.parse(unit.name(), unit.luts().getSegment());
        int count = luts.tableCount();
        IntArray packed = new IntArray(count * DecodeKernels.ROW);
        for (int t = 0; t < count; t++) {
            for (int b = 0; b < DecodeKernels.ROW; b++) {
                int v = luts.entry(t, b);
                int entry = v >= Df11Layout.FIRST_POINTER_VALUE
                        ? -((DecodeKernels.ROW - v) << 8)
                        : exponentEntry(v, luts.codeLength(v));
                packed.set(t * DecodeKernels.ROW + b, entry);
            }
        }
        return packed;
    }

    private static IntArray codeWords(Df11DeviceUnit unit) {
        long covered = (long) unit.blocks() * Df11Layout.BYTES_PER_BLOCK + BYTES_READ;
        long bytes = Math.max(covered, unit.codeBytes());
        IntArray words = new IntArray((int) ((bytes + 3) / 4));
        MemorySegment target = words.getSegment();
        target.fill((byte) 0);
        MemorySegment.copy(unit.codes().getSegment(), 0, target, 0, unit.codeBytes());
        return words;
    }
}
