package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Layout;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.lut.LookupTables;
import dev.df11.tornado.forward.FusedMatVecKernels;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The device-side index the fused matrix-vector kernel ({@link FusedMatVecKernels}) needs beside a DF11 unit's
 * official arrays: for every matrix row, the stream bit at which each {@link FusedMatVecKernels#CHUNK}-element chunk's
 * first code starts. The official layout records code starts only per 8-byte window of the stream, which says
 * nothing about where a row begins, so the host finds them once at load time by walking the codes (all cores, rows
 * in parallel, each range from the start of the 4096-byte block holding it). An unsigned int per chunk: 4 bytes per
 * 64 weights, 0.5 bit per weight, about 4.5% of the unit's compressed size.
 *
 * <p>The walk decodes every code of every matrix it indexes, so it also checks the stream on the host: a code the
 * tables cannot decode, or a block whose codes do not end where the next block's gap says the next code starts, is a
 * {@link dev.df11.format.codec.Df11FormatException} naming the unit and block, before anything reaches a device.
 * (The fused kernel itself checks nothing: it trusts the codes this walk has read.)
 *
 * @param starts  the chunk starts of all indexed matrices, matrix after matrix, each row-major
 * @param spans   where each matrix's entries begin in {@code starts}
 */
public record ChunkStarts(IntArray starts, List<Span> spans) {

    /**
     * One indexed matrix.
     *
     * @param offset element index of its first weight in the DF11 unit
     * @param base   index of its first chunk start in {@link #starts()}
     */
    public record Span(long offset, int rows, int cols, int base) {

        int chunksPerRow() {
            return ChunkStarts.chunksPerRow(cols);
        }

        long end() {
            return offset + (long) rows * cols;
        }
    }

    /** A matrix to index: {@code rows x cols} weights from element {@code offset} of the unit. */
    public record Matrix(long offset, int rows, int cols) {
    }

    private static final long MAX_BITS = 0xFFFF_FFFFL;
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long ELEMENTS_PER_TASK = 1 << 20;

    /** Chunks in a row of {@code cols} weights. */
    public static int chunksPerRow(int cols) {
        return (cols + FusedMatVecKernels.CHUNK - 1) / FusedMatVecKernels.CHUNK;
    }

    /** Whether the chunk starts of {@code unit} fit unsigned 32-bit ints: a stream of at most 512 MiB. */
    public static boolean fits(Df11Unit unit) {
        return unit.streamBytes() * 8 <= MAX_BITS;
    }

    /** Bytes of the index of {@code matrices}. */
    public static long bytes(List<Matrix> matrices) {
        long entries = 0;
        for (Matrix m : matrices) {
            entries += (long) m.rows() * chunksPerRow(m.cols());
        }
        return entries * Integer.BYTES;
    }

    /**
     * Walks {@code unit}'s codes over {@code matrices} (which must lie in the unit, must not overlap, and must have
     * a row length that is a multiple of 4).
     *
     * @throws dev.df11.format.codec.Df11FormatException when the codes are not a valid stream
     * @throws IllegalArgumentException when a matrix does not fit, or the stream is too long for 32-bit starts
     */
    public static ChunkStarts of(Df11Unit unit, List<Matrix> matrices) {
        ChunkStarts chunks = layout(unit, matrices, IntArray::new);
        chunks.fill(unit);
        return chunks;
    }

    /**
     * The spans of {@code matrices} (checked as {@link #of} checks them) and an array from {@code ints} for their
     * starts, left as it comes (zero) until {@link #fill} walks the codes: for a caller that uploads the index later
     * and wants its host copy to exist only around that upload.
     *
     * @throws IllegalArgumentException when a matrix does not fit, or the stream is too long for 32-bit starts
     */
    public static ChunkStarts layout(Df11Unit unit, List<Matrix> matrices, IntFunction<IntArray> ints) {
        if (!fits(unit)) {
            throw new IllegalArgumentException("unit " + unit.name() + ": its " + unit.streamBytes()
                    + "-byte exponent stream is too long for 32-bit chunk starts (at most 512 MiB)");
        }
        List<Matrix> sorted = new ArrayList<>(matrices);
        sorted.sort(Comparator.comparingLong(Matrix::offset));
        List<Span> spans = new ArrayList<>();
        long entries = 0;
        long previousEnd = 0;
        for (Matrix m : sorted) {
            if (m.offset() < previousEnd || m.rows() < 0 || m.cols() <= 0 || (m.cols() & 3) != 0
                    || m.offset() + (long) m.rows() * m.cols() > unit.elementCount()) {
                throw new IllegalArgumentException("unit " + unit.name() + ": cannot index a [" + m.rows() + ", "
                        + m.cols() + "] matrix at element " + m.offset() + " (unit of " + unit.elementCount()
                        + " elements; matrices must not overlap and rows must be a multiple of 4 long)");
            }
            spans.add(new Span(m.offset(), m.rows(), m.cols(), Math.toIntExact(entries)));
            entries += (long) m.rows() * chunksPerRow(m.cols());
            previousEnd = m.offset() + (long) m.rows() * m.cols();
        }
        if (entries > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("unit " + unit.name() + ": " + entries + " chunk starts do not fit"
                    + " one TornadoVM array");
        }
        return new ChunkStarts(ints.apply((int) Math.max(1, entries)), List.copyOf(spans));
    }

    /**
     * Walks {@code unit}'s codes (the unit {@link #layout} was given) and records every chunk start.
     *
     * @throws dev.df11.format.codec.Df11FormatException when the codes are not a valid stream
     */
    public void fill(Df11Unit unit) {
        LookupTables tables = unit.lookupTables();
        for (Span span : spans) {
            int rowsPerTask = (int) Math.max(1, ELEMENTS_PER_TASK / span.cols());
            int tasks = (span.rows() + rowsPerTask - 1) / rowsPerTask;
            IntStream.range(0, tasks).parallel().forEach(t -> walk(unit, tables, span, t * rowsPerTask,
                    Math.min(span.rows(), (t + 1) * rowsPerTask), starts));
        }
    }

    /** Records the chunk starts of rows {@code [fromRow, toRow)} of {@code span}. */
    private static void walk(Df11Unit unit, LookupTables tables, Span span, int fromRow, int toRow,
            IntArray starts) {
        long first = span.offset() + (long) fromRow * span.cols();
        long end = span.offset() + (long) toRow * span.cols();
        if (first >= end) {
            return;
        }
        int block = blockOf(unit, first);
        long bit = blockStart(unit, block);
        long next = unit.outputPosition(block + 1);
        MemorySegment stream = unit.encodedExponent();
        long streamBits = unit.streamBytes() * 8;
        int perRow = span.chunksPerRow();
        for (long element = unit.outputPosition(block); element < end; element++) {
            while (element == next) {
                block++;
                next = unit.outputPosition(block + 1);
                if (next > element && bit != blockStart(unit, block)) {
                    throw unit.formatError("block " + (block - 1) + ": its codes end at stream bit " + bit
                            + ", but the gap of block " + block + " puts the next code at bit "
                            + blockStart(unit, block));
                }
            }
            if (element >= first) {
                long inMatrix = element - span.offset();
                int row = (int) (inMatrix / span.cols());
                int col = (int) (inMatrix - (long) row * span.cols());
                if (col % FusedMatVecKernels.CHUNK == 0) {
                    starts.set(span.base() + row * perRow + col / FusedMatVecKernels.CHUNK, (int) bit);
                }
            }
            if (bit >= streamBits) {
                throw unit.formatError("block " + block + ": element " + element + "'s code would start at bit "
                        + bit + ", past the end of the " + unit.streamBytes() + "-byte stream");
            }
            int code = tables.decode(peek(stream, bit));
            if (code == LookupTables.INVALID) {
                throw unit.formatError("block " + block + ": the bits at stream bit " + bit
                        + " are no code of the lookup tables");
            }
            bit += code >>> 8;
        }
        if (bit > streamBits) {
            throw unit.formatError("block " + block + ": its codes end at bit " + bit + ", past the end of the "
                    + unit.streamBytes() + "-byte stream (truncated encoded_exponent?)");
        }
    }

    /** The block whose elements include {@code element}: the last one starting at or before it with any elements. */
    private static int blockOf(Df11Unit unit, long element) {
        int lo = 0;
        int hi = unit.blockCount() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (unit.outputPosition(mid) <= element) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        while (lo > 0 && unit.outputPosition(lo + 1) <= element) {
            lo++;
        }
        return lo;
    }

    /** Stream bit of block {@code block}'s first code. */
    private static long blockStart(Df11Unit unit, int block) {
        return block * Df11Layout.BITS_PER_BLOCK + unit.gap((long) block * Df11Layout.THREADS_PER_BLOCK);
    }

    /** The 32 stream bits from {@code bit} on, MSB first, zeros past the end. */
    private static int peek(MemorySegment stream, long bit) {
        long at = bit >>> 3;
        long word;
        if (at + 8 <= stream.byteSize()) {
            word = stream.get(LONG_BE, at);
        } else {
            word = 0;
            for (int i = 0; i < 8; i++) {
                long b = at + i < stream.byteSize() ? stream.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF : 0;
                word |= b << (56 - 8 * i);
            }
        }
        return (int) ((word << (bit & 7)) >>> 32);
    }

    /** The span of the matrix starting at element {@code offset}, or null. */
    Span spanAt(long offset) {
        for (Span span : spans) {
            if (span.offset() == offset) {
                return span;
            }
        }
        return null;
    }
}
