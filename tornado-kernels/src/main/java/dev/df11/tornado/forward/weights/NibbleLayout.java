package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.tornado.decode.PackedInputs;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The device layout of {@link DecodeMode#NIBBLE}: a DF11 unit's exponents re-coded at load time with a fixed-length
 * code, so that a matrix-vector kernel decodes a weight with a shift, a mask and a table read
 * ({@link dev.df11.tornado.forward.NibbleMatVecKernels}) instead of walking a Huffman stream.
 *
 * <ul>
 * <li><b>codes</b>: one 4-bit code per element, eight per int (element {@code e} in bits {@code 4 (e % 8)} up).
 * Codes 0 to 14 name the unit's coded exponents ({@link ExponentCensus#coded}); exponent 0 (zeros and subnormals)
 * never gets a code, so a coded weight always has the leading significand bit. {@link #ESCAPE} (15) marks any other
 * exponent and widens to zero ({@link UnitTail#table()}).</li>
 * <li><b>signMantissa</b>: DF11's own sign/mantissa bytes, four per int.</li>
 * </ul>
 *
 * <p>Lossless with the unit's tail, which every decode mode has ({@link UnitTail}): a weight coded 15 is a zero (its
 * sign in its sign/mantissa byte) unless the tail holds it with its value. 12 bits a weight against DF11's ~11 and
 * BF16's 16. The unit is decoded on the host with the CPU decoder ({@link #fill}), in slices of
 * {@link UnitMatrices#SLICE} elements, so the host never holds more than one slice of BF16.
 */
public final class NibbleLayout {

    /** The code of an uncoded exponent. */
    public static final int ESCAPE = 15;
    /** The most weights a unit may have: the kernels index elements (4 per quad) with int. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int PART = 1 << 16;

    private NibbleLayout() {
    }

    /** Why a unit of {@code elements} weights may not use the layout, or null when it may. */
    public static String whyNot(long elements) {
        if (elements > MAX_ELEMENTS) {
            return "its " + elements + " weights are more than the nibble kernels index (" + MAX_ELEMENTS + ")";
        }
        return null;
    }

    /** Ints of the code array for {@code elements}. */
    public static int codeInts(long elements) {
        return Math.toIntExact((elements + 7) / 8);
    }

    /** Ints of the sign/mantissa words for {@code elements}: {@link PackedInputs#signMantissaWordCount}'s. */
    public static int signMantissaInts(long elements) {
        return Math.toIntExact(elements / 4 + 3);
    }

    /** Device bytes of the layout of {@code elements} weights: codes and sign/mantissa words. */
    public static long bytes(long elements) {
        return Integer.BYTES * ((long) codeInts(elements) + signMantissaInts(elements));
    }

    /**
     * Writes {@code unit}'s layout, coded by {@code census}, into {@code codes} ({@link #codeInts}) and
     * {@code signMantissa} ({@link #signMantissaInts}).
     */
    public static void fill(Df11Unit unit, ExponentCensus census, Df11UnitDecoder decoder, IntArray codes,
            IntArray signMantissa) {
        fill(unit, census, decoder, codes, signMantissa, UnitMatrices.SLICE);
    }

    /** {@link #fill(Df11Unit, ExponentCensus, Df11UnitDecoder, IntArray, IntArray)} by slices (a multiple of 8). */
    static void fill(Df11Unit unit, ExponentCensus census, Df11UnitDecoder decoder, IntArray codes,
            IntArray signMantissa, int sliceElements) {
        if (sliceElements <= 0 || sliceElements % 8 != 0) {
            throw new IllegalArgumentException("slices of " + sliceElements + " elements; a positive multiple of 8"
                    + " is needed");
        }
        PackedInputs.fillSignMantissaWords(unit, signMantissa);
        int[] codeOf = census.codeOf();
        // The whole DF11 unit as one row: codes are laid out by element, whatever matrices it holds.
        UnitMatrices whole = UnitMatrices.compressed(unit.name(), List.of(new UnitMatrices.Span(unit.name(), 0, 1,
                Math.toIntExact(unit.elementCount()))), unit, decoder, sliceElements);
        whole.forEachSlice((slice, span, from, length) -> {
            int parts = (length + PART - 1) / PART;
            IntStream.range(0, parts).parallel().forEach(p -> {
                int end = Math.min(length, (p + 1) * PART);
                for (int i = p * PART; i < end; i += 8) {
                    int word = 0;
                    for (int j = 0; j < 8 && i + j < end; j++) {
                        int code = codeOf[slice.getAtIndex(BF16, i + j) >> 7 & 0xFF];
                        word |= (code < 0 ? ESCAPE : code) << 4 * j;
                    }
                    codes.set((int) ((from + i) / 8), word);
                }
            });
        });
    }

    /** The exponent code of element {@code element}: the host's reading of the codes, for tests and checks. */
    public static int code(IntArray codes, int element) {
        return codes.get(element >> 3) >> 4 * (element & 7) & 15;
    }
}
