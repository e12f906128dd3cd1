package dev.df11.format.codec;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.huffman.CanonicalCode;
import dev.df11.format.huffman.ExponentHistogram;
import dev.df11.format.lut.LookupTables;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Compresses the BF16 matrices of one unit into the DF11 layout ({@link Df11Unit}).
 *
 * <p>The exponents get an optimal canonical Huffman code limited to 32 bits; the stream, gaps and output positions
 * follow the official layout, so the official CUDA kernel can decode our units. Work is spread over
 * {@code parallelism} threads in two passes: each chunk of elements counts its exponents; the code then gives every
 * chunk its exact bit length and so its global bit offset, and the chunks write their codes in parallel. Only the
 * bytes where two chunks meet are combined afterwards. The result is the same, byte for byte, for any parallelism.
 * Input segments of a confined arena are read on the caller's thread alone.
 */
public final class Df11Encoder {

    private static final int DEFAULT_MIN_CHUNK = 1 << 16;
    private static final int CHUNKS_PER_THREAD = 4;

    private final Workers workers;
    private final int minChunkElements;

    /** An encoder that uses up to {@code parallelism} threads. */
    public Df11Encoder(int parallelism) {
        this(parallelism, DEFAULT_MIN_CHUNK);
    }

    /** For tests: chunks may be as small as {@code minChunkElements}, to exercise chunk edges on small inputs. */
    Df11Encoder(int parallelism, int minChunkElements) {
        if (minChunkElements < 1) {
            throw new IllegalArgumentException("minChunkElements must be >= 1");
        }
        this.workers = new Workers(parallelism);
        this.minChunkElements = minChunkElements;
    }

    /**
     * Encodes the matrices (each a little-endian BF16 segment) as one unit.
     *
     * @throws UnencodableUnitException when an exponent is 240..255 or the code needs more than 16 tables (keep the
     *                                  unit as BF16 then)
     */
    public Df11Unit encode(String unitName, List<MemorySegment> bf16Matrices) {
        ElementSource source = new ElementSource(unitName, bf16Matrices);
        long n = source.size();
        if (n > 0xFFFF_FFFFL) {
            throw new UnencodableUnitException(unitName, n + " elements do not fit DF11's uint32 output positions");
        }
        long chunkSize = Math.max(minChunkElements,
                (n + (long) CHUNKS_PER_THREAD * workers.parallelism() - 1) / ((long) CHUNKS_PER_THREAD * workers.parallelism()));
        int chunks = (int) ((n + chunkSize - 1) / chunkSize);

        boolean shareable = Workers.shareable(bf16Matrices.toArray(MemorySegment[]::new));
        long[][] chunkCounts = new long[chunks][ExponentHistogram.SYMBOLS];
        workers.forEach(chunks, shareable, c -> source.forEachRange(c * chunkSize, Math.min(n, (c + 1) * chunkSize),
                (matrix, from, to, global) -> ExponentHistogram.accumulate(matrix, from, to, chunkCounts[c])));
        long[] counts = new long[ExponentHistogram.SYMBOLS];
        for (long[] cc : chunkCounts) {
            for (int e = 0; e < counts.length; e++) {
                counts[e] += cc[e];
            }
        }
        refuseReservedExponents(unitName, source, counts);

        CanonicalCode code = codeFor(counts);
        LookupTables tables = LookupTables.build(unitName, code);
        int[] lengths = code.lengths();
        int[] codes = code.codes();

        long[] chunkStartBit = new long[chunks + 1];
        for (int c = 0; c < chunks; c++) {
            long bits = 0;
            for (int e = 0; e < counts.length; e++) {
                bits += chunkCounts[c][e] * lengths[e];
            }
            chunkStartBit[c + 1] = chunkStartBit[c] + bits;
        }
        long totalBits = chunkStartBit[chunks];
        long streamBytes = (totalBits + 7) / 8;
        long blocks = (streamBytes + Df11Layout.BYTES_PER_BLOCK - 1) / Df11Layout.BYTES_PER_BLOCK;
        long windows = blocks * Df11Layout.THREADS_PER_BLOCK;

        MemorySegment stream = allocate(streamBytes);
        MemorySegment signMantissa = allocate(n);
        MemorySegment windowGaps = allocate(windows);
        int[] positions = new int[(int) blocks + 1];
        java.util.Arrays.fill(positions, (int) n); // a block where no code starts holds only the last code's tail

        ChunkEncoder.Patches[] patches = new ChunkEncoder.Patches[chunks];
        workers.forEach(chunks, shareable, c -> {
            long from = c * chunkSize;
            int lengthBefore = from == 0 ? Integer.MAX_VALUE : lengths[Bf16.exponent(source.get(from - 1))];
            patches[c] = new ChunkEncoder(lengths, codes, stream, signMantissa, windowGaps, positions)
                    .encode(source, from, Math.min(n, from + chunkSize), chunkStartBit[c], lengthBefore);
        });
        for (ChunkEncoder.Patches p : patches) {
            orByte(stream, p.headIndex(), p.headValue());
            if (p.tailIndex() >= 0) {
                orByte(stream, p.tailIndex(), p.tailValue());
            }
        }
        return new Df11Unit(unitName, MemorySegment.ofArray(tables.toBytes()), stream, signMantissa,
                positionBytes(positions), packGaps(windowGaps, windows), source.splitPositions());
    }

    /** The code for a histogram; an empty unit gets a one-symbol code so that its tables are still well formed. */
    private static CanonicalCode codeFor(long[] counts) {
        boolean empty = true;
        for (long c : counts) {
            empty &= c == 0;
        }
        if (empty) {
            int[] lengths = new int[ExponentHistogram.SYMBOLS];
            lengths[0] = 1;
            return CanonicalCode.fromLengths(lengths);
        }
        return CanonicalCode.forCounts(counts, Df11Layout.MAX_CODE_LENGTH);
    }

    private static void refuseReservedExponents(String unitName, ElementSource source, long[] counts) {
        long reserved = 0;
        for (int e = Df11Layout.FIRST_POINTER_VALUE; e < counts.length; e++) {
            reserved += counts[e];
        }
        if (reserved == 0) {
            return;
        }
        long first = 0;
        while (Bf16.exponent(source.get(first)) < Df11Layout.FIRST_POINTER_VALUE) {
            first++;
        }
        int e = Bf16.exponent(source.get(first));
        throw new UnencodableUnitException(unitName, reserved + " element(s) have exponents 240..255 (|x| >= 2^113,"
                + " Inf or NaN), first at element " + first + " (exponent " + e + ", bits 0x"
                + Integer.toHexString(source.get(first) & 0xFFFF) + "); the DF11 tables reserve those values for"
                + " pointers, so keep this unit as BF16");
    }

    private static void orByte(MemorySegment stream, long index, int value) {
        byte old = stream.get(ValueLayout.JAVA_BYTE, index);
        stream.set(ValueLayout.JAVA_BYTE, index, (byte) (old | value));
    }

    private static MemorySegment positionBytes(int[] positions) {
        MemorySegment out = allocate(4L * positions.length);
        for (int b = 0; b < positions.length; b++) {
            out.set(ValueLayout.JAVA_INT_UNALIGNED, 4L * b, positions[b]);
        }
        return out;
    }

    /** Packs one 5-bit gap per window, MSB-first; 512 windows per block make 320 whole bytes. */
    private static MemorySegment packGaps(MemorySegment windowGaps, long windows) {
        MemorySegment out = allocate(windows * Df11Layout.GAP_BITS / 8);
        for (long w = 0, o = 0; w < windows; w += 8, o += 5) {
            long group = 0;
            for (int k = 0; k < 8; k++) {
                group = (group << Df11Layout.GAP_BITS) | (windowGaps.get(ValueLayout.JAVA_BYTE, w + k) & 0x1F);
            }
            for (int k = 0; k < 5; k++) {
                out.set(ValueLayout.JAVA_BYTE, o + k, (byte) (group >>> (32 - 8 * k)));
            }
        }
        return out;
    }

    /** Zeroed memory: a heap array when it fits one (the garbage collector sees it), else GC-managed native memory. */
    static MemorySegment allocate(long bytes) {
        if (bytes <= Integer.MAX_VALUE - 16) {
            return MemorySegment.ofArray(new byte[(int) bytes]);
        }
        return Arena.ofAuto().allocate(bytes, 8);
    }
}
