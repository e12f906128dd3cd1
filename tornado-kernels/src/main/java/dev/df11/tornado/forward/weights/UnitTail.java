package dev.df11.tornado.forward.weights;

import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.Bf16Scales;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The order every product of a unit sums in, whatever its decode mode: first the dense part, then the tail. The tail
 * is the non-zero weights whose exponent is none of the unit's {@link ExponentCensus#CODED} coded ones (0.015% of the
 * Llama-3.1-8B shape's weights). Every product kernel widens weights through {@link #table()}, whose entries for
 * uncoded exponents are zero, so it adds no tail weight; a tail task after it
 * ({@link dev.df11.tornado.forward.TailKernels#addTails}) adds each row's tail products in column order. BF16 planes,
 * exact-decoded planes, fused decoding and the nibble layout's codes (whose escape code widens to zero) all give the
 * same dense sums and the same tails, hence the same bits; and a token's sums involve only its own activations, so
 * batch invariance holds. Nothing of the tail is read inside the products' loops, which is what made the nibble kernels
 * as fast as the planes kernels (tornado-kernels/KERNEL-NOTES.md, "The nibble layout").
 *
 * <p>Device arrays, moved once:
 * <ul>
 * <li>{@link #table()}: {@link #TABLE} floats, the {@link Bf16Scales} table with zeros at uncoded exponents, then the
 * 32 code scales (entry {@code 512 + (sign << 4 | code)}: the scale of the code's exponent, zero for code 15 and
 * unused codes), then the tail weights' values in the unit's element order.</li>
 * <li>{@link #tail()}: per tail weight, where its activation is in its token's quad-major row (column {@code 4k + j}
 * at {@code j * cols / 4 + k}); then the directory, one entry per row of the unit's matrices in offset order plus an
 * end: the index of the row's first tail weight.</li>
 * </ul>
 */
public final class UnitTail {

    /** Floats of the table before the tail values: the BF16 table and the 32 code scales. */
    public static final int TABLE = Bf16Scales.SIZE + 32;

    /**
     * The share of a unit's weights a memory plan counts in its tail before the census has run: ten times the 8B
     * shape's 0.015%, with room for units whose exponents spread wider.
     */
    static final double PLANNED_SHARE = 1.0 / 1024;

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int PART = 1 << 16;

    private final ExponentCensus census;
    private final List<UnitMatrices.Span> spans;
    /** Per span, its first row's index in the directory (relative to the directory's start). */
    private final int[] firstRow;
    private final FloatArray table;
    private final IntArray tail;

    private UnitTail(ExponentCensus census, List<UnitMatrices.Span> spans, int[] firstRow, FloatArray table,
            IntArray tail) {
        this.census = census;
        this.spans = spans;
        this.firstRow = firstRow;
        this.table = table;
        this.tail = tail;
    }

    /** Counts {@code matrices} ({@link ExponentCensus#of}), then reads them again for the tail. */
    public static UnitTail of(UnitMatrices matrices) {
        return of(matrices, ExponentCensus.of(matrices));
    }

    /** The tail of {@code matrices} by {@code census} (which must be theirs): one more pass over the weights. */
    public static UnitTail of(UnitMatrices matrices, ExponentCensus census) {
        List<UnitMatrices.Span> spans = matrices.spans();
        int[] codeOf = census.codeOf();
        List<List<long[]>> found = new ArrayList<>();   // per span, per part: (element << 16 | bits)
        for (int s = 0; s < spans.size(); s++) {
            found.add(new ArrayList<>());
        }
        matrices.forEachSlice((slice, span, from, length) -> {
            int parts = Math.max(1, (length + PART - 1) / PART);
            long[][] entries = new long[parts][];
            IntStream.range(0, parts).parallel().forEach(p -> {
                int end = Math.min(length, (p + 1) * PART);
                long[] list = new long[16];
                int n = 0;
                for (int i = p * PART; i < end; i++) {
                    int bits = slice.getAtIndex(BF16, i);
                    if (ExponentCensus.inTail(bits, codeOf)) {
                        if (n == list.length) {
                            list = Arrays.copyOf(list, 2 * n);
                        }
                        list[n++] = (from + i) << 16 | (bits & 0xFFFF);
                    }
                }
                entries[p] = Arrays.copyOf(list, n);
            });
            found.get(spans.indexOf(span)).addAll(List.of(entries));
        });
        long counted = found.stream().flatMap(List::stream).mapToLong(a -> a.length).sum();
        if (counted != census.tail()) {
            throw new IllegalStateException("unit " + matrices.name() + ": " + counted + " weights in the tail, its"
                    + " census counted " + census.tail() + " (the weights changed between the two passes)");
        }
        int entries = Math.toIntExact(counted);
        long rows = spans.stream().mapToLong(UnitMatrices.Span::rows).sum();
        FloatArray table = new FloatArray(TABLE + entries);
        fillTable(census, table);
        IntArray tail = new IntArray(Math.toIntExact(entries + rows + 1));
        int[] firstRow = new int[spans.size()];
        int at = 0;
        int row = 0;
        for (int s = 0; s < spans.size(); s++) {
            UnitMatrices.Span span = spans.get(s);
            firstRow[s] = row;
            int quarter = span.cols() / 4;
            int r = 0;
            for (long[] part : found.get(s)) {
                for (long entry : part) {
                    long element = entry >>> 16;
                    int entryRow = (int) (element / span.cols());
                    int col = (int) (element % span.cols());
                    for (; r <= entryRow; r++) {
                        tail.set(entries + row + r, at);
                    }
                    tail.set(at, (col & 3) * quarter + (col >> 2));
                    table.set(TABLE + at, Float.intBitsToFloat((int) (entry & 0xFFFF) << 16));
                    at++;
                }
            }
            for (; r < span.rows(); r++) {
                tail.set(entries + row + r, at);
            }
            row += span.rows();
        }
        tail.set(entries + row, at);
        return new UnitTail(census, spans, firstRow, table, tail);
    }

    /** The {@link #TABLE} first floats of {@code table}: zeros at the uncoded exponents and codes. */
    static void fillTable(ExponentCensus census, FloatArray table) {
        FloatArray bf16 = Bf16Scales.table();
        int[] codeOf = census.codeOf();
        for (int i = 0; i < Bf16Scales.SIZE; i++) {
            table.set(i, codeOf[i & 0xFF] >= 0 ? bf16.get(i) : 0f);
        }
        for (int i = 0; i < 32; i++) {
            int code = i & 15;
            float scale = 0f;
            if (code < census.coded().length) {
                scale = bf16.get((i >> 4) << 8 | census.coded()[code]);
            }
            table.set(Bf16Scales.SIZE + i, scale);
        }
    }

    /**
     * Where in {@link #tail()} the directory of the product over the {@code rows x cols} matrix at element
     * {@code offset} starts: the product's rows may run over several consecutive matrices of {@code cols} columns
     * (q|k|v, gate|up).
     *
     * @throws IllegalArgumentException naming the unit when no such matrices cover those rows
     */
    public int directory(int offset, int rows, int cols) {
        for (int s = 0; s < spans.size(); s++) {
            if (spans.get(s).offset() == offset) {
                long covered = 0;
                long at = offset;
                for (int t = s; t < spans.size() && covered < rows; t++) {
                    UnitMatrices.Span span = spans.get(t);
                    if (span.offset() != at || span.cols() != cols) {
                        break;
                    }
                    covered += span.rows();
                    at = span.end();
                }
                if (covered >= rows && cols % 4 == 0) {
                    return entries() + firstRow[s];
                }
                break;
            }
        }
        throw new IllegalArgumentException("unit " + census.unit() + ": no matrices of " + cols + " columns (a"
                + " multiple of 4) cover " + rows + " rows from element " + offset);
    }

    /** The bytes a memory plan counts for {@code unit}'s tail, before it is read ({@link #PLANNED_SHARE}). */
    static long plannedBytes(WeightUnit unit) {
        long rows = unit.matrices().stream().mapToLong(MatrixSlot::rows).sum();
        long weights = unit.matrices().stream().mapToLong(MatrixSlot::elementCount).sum();
        return Float.BYTES * (TABLE + rows + 1 + 2 * (long) Math.ceil(weights * PLANNED_SHARE));
    }

    /** Tail weights in the {@code rows} rows whose directory starts at {@code directory} ({@link #directory}). */
    public int entries(int directory, int rows) {
        return tail.get(directory + rows) - tail.get(directory);
    }

    /** How the unit's exponents fell. */
    public ExponentCensus census() {
        return census;
    }

    /** The products' widening table, then the tail values. */
    public FloatArray table() {
        return table;
    }

    /** The tail weights' activation positions, then the directory. */
    public IntArray tail() {
        return tail;
    }

    /** Weights in the tail. */
    public int entries() {
        return table.getSize() - TABLE;
    }

    /** Device bytes of the two arrays (TornadoVM's array headers included). */
    public long bytes() {
        return table.getNumBytesOfSegment() + tail.getNumBytesOfSegment();
    }
}
