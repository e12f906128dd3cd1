package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.forward.Bf16Scales;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The device layout of {@link DecodeMode#NIBBLE}: a DF11 unit's exponents re-coded at load time with a fixed-length
 * code, so that a matrix-vector kernel decodes a weight with a shift, a mask and a table read
 * ({@link dev.df11.tornado.forward.NibbleMatVecKernels}) instead of walking a Huffman stream. Lossless: every
 * exponent is either coded or escaped with its true value, and the sign/mantissa bytes are DF11's own.
 *
 * <ul>
 * <li><b>codes</b>: one 4-bit code per element, eight per int (element {@code e} in bits {@code 4 (e % 8)} up).
 * Codes 0 to 14 name the unit's 15 most common exponents ({@link Census#exponents}); exponent 0 (zeros and
 * subnormals) never gets a code, so a coded weight always has the leading significand bit.
 * {@link #ESCAPE} (15) marks any other exponent.</li>
 * <li><b>escapes</b>: for each segment of {@link #SEGMENT} elements the index (into this same array) of its first
 * escape entry, plus one end index; then the entries, segment after segment, each
 * {@code (element % SEGMENT) << 8 | exponent}.</li>
 * <li><b>scales</b>: {@link #SCALES} floats, {@link Bf16Scales#table()} followed by the 32 code scales: entry
 * {@code 512 + (sign << 4 | code)} is the scale {@link Bf16Scales} gives sign and the code's exponent (0 for the
 * escape and unused codes).</li>
 * </ul>
 *
 * <p>12 bits a weight plus 32 bits an escape and 32 bits per segment, against DF11's ~11 and BF16's 16. A unit
 * qualifies when at most {@link #MAX_ESCAPE_SHARE} of its weights escape; the others are decoded exactly.
 * Both passes decode the unit on the host with the CPU decoder ({@link #census}, then {@link #fill}), in slices of
 * {@link #SLICE} elements, so the host never holds more than one slice of BF16.
 */
public final class NibbleLayout {

    /** The code that marks an escaped exponent. */
    public static final int ESCAPE = 15;
    /** Exponents a unit's codes name. */
    public static final int CODED = 15;
    /** log2 of {@link #SEGMENT}. */
    public static final int SEGMENT_BITS = 10;
    /** Elements per escape segment. */
    public static final int SEGMENT = 1 << SEGMENT_BITS;
    /** Floats of a unit's scale table: the BF16 table and the 32 code scales. */
    public static final int SCALES = Bf16Scales.SIZE + 32;
    /** The largest share of escaped weights a unit may have to be laid out so: one in 256. */
    public static final double MAX_ESCAPE_SHARE = 1.0 / 256;
    /** The most weights a unit may have: the kernels index elements (4 per quad) with int. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Elements decoded at a time (a multiple of {@link #SEGMENT}). */
    static final int SLICE = 1 << 22;

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private NibbleLayout() {
    }

    /**
     * How a unit's exponents fall: the coded exponents (most common first, at most {@link #CODED}, never 0) and the
     * number of weights whose exponent is not among them.
     */
    public record Census(String unit, long elements, int[] exponents, long escapes) {

        /**
         * Whether the unit may use the layout: escapes at most {@link #MAX_ESCAPE_SHARE} of its weights, and few
         * enough weights for the kernels' int element indices.
         */
        public boolean qualifies() {
            return whyNot() == null;
        }

        /** Why the unit may not use the layout, or null when it may. */
        public String whyNot() {
            if (elements > MAX_ELEMENTS) {
                return "its " + elements + " weights are more than the nibble kernels index (" + MAX_ELEMENTS + ")";
            }
            if (escapes > (long) (elements * MAX_ESCAPE_SHARE)) {
                return String.format("%.3f%% of its weights fall outside its %d most common exponents (the nibble"
                        + " layout takes at most %.3f%%)", 100.0 * escapes / elements, CODED,
                        100.0 * MAX_ESCAPE_SHARE);
            }
            return null;
        }

        /** Ints of the escape array: the segment directory and the entries. */
        public int escapeInts() {
            return Math.toIntExact(segments(elements) + 1 + escapes);
        }

        /** Device bytes of the layout: codes, sign/mantissa words, escapes and scales. */
        public long bytes() {
            return NibbleLayout.bytes(elements, escapes);
        }

        /** The code of each exponent: -1 where it has none. */
        int[] codeOf() {
            int[] code = new int[256];
            Arrays.fill(code, -1);
            for (int c = 0; c < exponents.length; c++) {
                code[exponents[c]] = c;
            }
            return code;
        }
    }

    /** Segments of a unit of {@code elements}. */
    static long segments(long elements) {
        return (elements + SEGMENT - 1) / SEGMENT;
    }

    /** Ints of the code array for {@code elements}. */
    public static int codeInts(long elements) {
        return Math.toIntExact((elements + 7) / 8);
    }

    /** Ints of the sign/mantissa words for {@code elements}: {@link PackedInputs#signMantissaWordCount}'s. */
    public static int signMantissaInts(long elements) {
        return Math.toIntExact(elements / 4 + 3);
    }

    /** Device bytes of the layout of {@code elements} weights with {@code escapes} escapes. */
    public static long bytes(long elements, long escapes) {
        return Integer.BYTES * ((long) codeInts(elements) + signMantissaInts(elements) + segments(elements) + 1
                + escapes) + (long) SCALES * Float.BYTES;
    }

    /**
     * The most bytes a qualifying unit's layout takes (escapes at {@link #MAX_ESCAPE_SHARE}): what a memory plan
     * counts before the units are read.
     */
    public static long maxBytes(long elements) {
        return bytes(elements, (long) (elements * MAX_ESCAPE_SHARE));
    }

    /** Counts {@code unit}'s exponents (decoding it on the host with {@code decoder}) and picks its codes. */
    public static Census census(Df11Unit unit, Df11UnitDecoder decoder) {
        return census(unit, decoder, SLICE);
    }

    /** {@link #census(Df11Unit, Df11UnitDecoder)}, decoding {@code sliceElements} (a multiple of 1024) at a time. */
    static Census census(Df11Unit unit, Df11UnitDecoder decoder, int sliceElements) {
        long elements = unit.elementCount();
        long[] histogram = new long[256];
        forEachSlice(unit, decoder, sliceElements, (slice, from, length) -> {
            long[][] parts = new long[Math.max(1, (length + SEGMENT - 1) / SEGMENT)][];
            IntStream.range(0, parts.length).parallel().forEach(s -> {
                long[] h = new long[256];
                int end = Math.min(length, (s + 1) * SEGMENT);
                for (int i = s * SEGMENT; i < end; i++) {
                    h[slice.getAtIndex(BF16, i) >> 7 & 0xFF]++;
                }
                parts[s] = h;
            });
            for (long[] h : parts) {
                for (int e = 0; e < 256; e++) {
                    histogram[e] += h[e];
                }
            }
        });
        Integer[] order = new Integer[255];
        for (int e = 1; e < 256; e++) {
            order[e - 1] = e;
        }
        Arrays.sort(order, (a, b) -> histogram[a] != histogram[b] ? Long.compare(histogram[b], histogram[a])
                : Integer.compare(a, b));
        int coded = 0;
        long covered = 0;
        int[] exponents = new int[CODED];
        for (Integer e : order) {
            if (coded == CODED || histogram[e] == 0) {
                break;
            }
            exponents[coded++] = e;
            covered += histogram[e];
        }
        return new Census(unit.name(), elements, Arrays.copyOf(exponents, coded), elements - covered);
    }

    /**
     * Writes {@code unit}'s layout, by {@code census}, into {@code codes} ({@link #codeInts}),
     * {@code signMantissa} ({@link #signMantissaInts}), {@code escapes} ({@link Census#escapeInts}) and
     * {@code scales} ({@link #SCALES}).
     *
     * @throws IllegalStateException if the unit decodes to other exponents than its census counted
     */
    public static void fill(Df11Unit unit, Census census, Df11UnitDecoder decoder, IntArray codes,
            IntArray signMantissa, IntArray escapes, FloatArray scales) {
        fill(unit, census, decoder, codes, signMantissa, escapes, scales, SLICE);
    }

    /** {@link #fill(Df11Unit, Census, Df11UnitDecoder, IntArray, IntArray, IntArray, FloatArray)} by slices. */
    static void fill(Df11Unit unit, Census census, Df11UnitDecoder decoder, IntArray codes, IntArray signMantissa,
            IntArray escapes, FloatArray scales, int sliceElements) {
        fillScales(census, scales);
        PackedInputs.fillSignMantissaWords(unit, signMantissa);
        int[] codeOf = census.codeOf();
        int segments = (int) segments(census.elements());
        int[] written = {segments + 1};   // the next entry's index
        forEachSlice(unit, decoder, sliceElements, (slice, from, length) -> {
            int firstSegment = (int) (from / SEGMENT);
            int sliceSegments = (length + SEGMENT - 1) / SEGMENT;
            int[] counts = new int[sliceSegments];
            IntStream.range(0, sliceSegments).parallel().forEach(s -> {
                int end = Math.min(length, (s + 1) * SEGMENT);
                int escaped = 0;
                for (int i = s * SEGMENT; i < end; i += 8) {
                    int word = 0;
                    for (int j = 0; j < 8 && i + j < end; j++) {
                        int code = codeOf[slice.getAtIndex(BF16, i + j) >> 7 & 0xFF];
                        if (code < 0) {
                            code = ESCAPE;
                            escaped++;
                        }
                        word |= code << 4 * j;
                    }
                    codes.set((int) ((from + i) / 8), word);
                }
                counts[s] = escaped;
            });
            int[] starts = new int[sliceSegments];
            for (int s = 0; s < sliceSegments; s++) {
                starts[s] = written[0];
                escapes.set(firstSegment + s, written[0]);
                written[0] += counts[s];
                if (written[0] > escapes.getSize()) {
                    throw new IllegalStateException("unit " + unit.name() + " escapes more exponents than its census"
                            + " counted (" + census.escapes() + ")");
                }
            }
            IntStream.range(0, sliceSegments).filter(s -> counts[s] > 0).parallel().forEach(s -> {
                int end = Math.min(length, (s + 1) * SEGMENT);
                int at = starts[s];
                for (int i = s * SEGMENT; i < end; i++) {
                    int exponent = slice.getAtIndex(BF16, i) >> 7 & 0xFF;
                    if (codeOf[exponent] < 0) {
                        escapes.set(at++, (i - s * SEGMENT) << 8 | exponent);
                    }
                }
            });
        });
        escapes.set(segments, written[0]);
        if (written[0] != escapes.getSize()) {
            throw new IllegalStateException("unit " + unit.name() + " escapes " + (written[0] - segments - 1)
                    + " exponents, its census counted " + census.escapes());
        }
    }

    /** The unit's scales: {@link Bf16Scales#table()} and its 32 code scales. */
    static void fillScales(Census census, FloatArray scales) {
        FloatArray bf16 = Bf16Scales.table();
        for (int i = 0; i < Bf16Scales.SIZE; i++) {
            scales.set(i, bf16.get(i));
        }
        for (int i = 0; i < 32; i++) {
            int code = i & 15;
            float scale = 0f;
            if (code < census.exponents().length) {
                scale = bf16.get((i >> 4) << 8 | census.exponents()[code]);
            }
            scales.set(Bf16Scales.SIZE + i, scale);
        }
    }

    /**
     * The exponent the layout gives element {@code element}: the host's reading of it, for tests and checks.
     */
    public static int exponent(IntArray codes, IntArray escapes, Census census, int element) {
        int code = codes.get(element >> 3) >> 4 * (element & 7) & 15;
        if (code != ESCAPE) {
            return census.exponents()[code];
        }
        int segment = element >> SEGMENT_BITS;
        for (int i = escapes.get(segment); i < escapes.get(segment + 1); i++) {
            if (escapes.get(i) >> 8 == (element & (SEGMENT - 1))) {
                return escapes.get(i) & 0xFF;
            }
        }
        throw new IllegalStateException("element " + element + " is escaped but has no escape entry");
    }

    private interface SliceConsumer {
        void accept(MemorySegment bf16, long from, int length);
    }

    /** Decodes {@code unit} slice by slice into one reused buffer and hands each slice over. */
    private static void forEachSlice(Df11Unit unit, Df11UnitDecoder decoder, int sliceElements,
            SliceConsumer consumer) {
        if (sliceElements <= 0 || sliceElements % SEGMENT != 0) {
            throw new IllegalArgumentException("slices of " + sliceElements + " elements; a positive multiple of "
                    + SEGMENT + " is needed");
        }
        long elements = unit.elementCount();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment slice = arena.allocate(2L * Math.min(sliceElements, Math.max(1, elements)));
            for (long from = 0; from < elements; from += sliceElements) {
                int length = (int) Math.min(sliceElements, elements - from);
                decoder.decodeRange(unit, from, from + length, slice);
                consumer.accept(slice, from, length);
            }
        }
    }
}
