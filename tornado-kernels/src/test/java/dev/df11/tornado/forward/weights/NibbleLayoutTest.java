package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.forward.Bf16Scales;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nibble layout on the host: every element's exponent read back from the codes and escapes equals the original
 * weight's, over several slices, with zeros, subnormals and a long tail of rare exponents; the census picks the 15
 * most common non-zero exponents and counts the rest; a unit with too many escapes does not qualify.
 */
class NibbleLayoutTest {

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void everyExponentReadsBackFromCodesOrEscapesAcrossSlices() {
        long[] counts = new long[256];
        counts[0] = 3_000;                       // zeros and subnormals: never coded
        for (int e = 100; e < 125; e++) {        // 25 exponents: the 10 rarest escape
            counts[e] = e >= 110 ? 20_000 + 100L * e : 7 + e - 100;
        }
        MemorySegment a = TestWeights.withExponentCounts(1, counts);
        MemorySegment b = TestWeights.gaussian(2, 12_345, 0.02);   // an odd length: a partial last code int
        Df11Unit unit = new Df11Encoder(2).encode("nibble", List.of(a, b));
        Df11Decoder decoder = new Df11Decoder(2);

        NibbleLayout.Census census = NibbleLayout.census(unit, decoder, 4 * NibbleLayout.SEGMENT);
        assertEquals(NibbleLayout.CODED, census.exponents().length);
        for (int e : census.exponents()) {
            assertTrue(e >= 110 && e < 125, "coded exponent " + e);
        }
        long[] all = histogram(a, b);
        long coded = 0;
        for (int e : census.exponents()) {
            coded += all[e];
        }
        assertEquals(unit.elementCount() - coded, census.escapes());

        long elements = unit.elementCount();
        IntArray codes = new IntArray(NibbleLayout.codeInts(elements));
        IntArray signMantissa = new IntArray(NibbleLayout.signMantissaInts(elements));
        IntArray escapes = new IntArray(census.escapeInts());
        FloatArray scales = new FloatArray(NibbleLayout.SCALES);
        NibbleLayout.fill(unit, census, decoder, codes, signMantissa, escapes, scales, 4 * NibbleLayout.SEGMENT);

        MemorySegment original = concat(a, b);
        for (int i = 0; i < elements; i++) {
            int bits = original.getAtIndex(BF16, i);
            assertEquals(bits >> 7 & 0xFF, NibbleLayout.exponent(codes, escapes, census, i), "element " + i);
            assertEquals(bits >> 8 & 0x80 | bits & 0x7F, signMantissa.get(i >> 2) >> 8 * (i & 3) & 0xFF,
                    "sign/mantissa " + i);
        }
        for (int i = 0; i < 32; i++) {
            int code = i & 15;
            float expected = code < census.exponents().length
                    ? Bf16Scales.table().get((i >> 4) << 8 | census.exponents()[code]) : 0f;
            assertEquals(expected, scales.get(Bf16Scales.SIZE + i), "code scale " + i);
        }
        assertEquals(NibbleLayout.bytes(elements, census.escapes()), census.bytes());
    }

    @Test
    void aUnitWithTooManyEscapesDoesNotQualifyAndAGaussianOneDoes() {
        long[] flat = new long[256];
        for (int e = 100; e < 132; e++) {
            flat[e] = 1_000;
        }
        Df11Decoder decoder = new Df11Decoder(2);
        Df11Unit spread = new Df11Encoder(2).encode("spread", List.of(TestWeights.withExponentCounts(3, flat)));
        NibbleLayout.Census wide = NibbleLayout.census(spread, decoder);
        assertEquals(17_000, wide.escapes());
        assertFalse(wide.qualifies());
        assertTrue(wide.whyNot().contains("53.125% of its weights"), wide.whyNot());

        Df11Unit gaussian = new Df11Encoder(2).encode("gaussian",
                List.of(TestWeights.gaussian(4, 1 << 20, 0.02)));
        NibbleLayout.Census normal = NibbleLayout.census(gaussian, decoder);
        assertTrue(normal.qualifies(), normal.whyNot());
        assertTrue(normal.bytes() < 0.76 * 2 * (1 << 20), normal.bytes() + " bytes");
    }

    @Test
    void slicesMustBeWholeSegments() {
        Df11Unit unit = new Df11Encoder(2).encode("u", List.of(TestWeights.gaussian(5, 4096, 0.02)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NibbleLayout.census(unit, new Df11Decoder(1), 1000));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }

    private static long[] histogram(MemorySegment... parts) {
        long[] h = new long[256];
        for (MemorySegment p : parts) {
            for (long i = 0; i < p.byteSize() / 2; i++) {
                h[p.getAtIndex(BF16, i) >> 7 & 0xFF]++;
            }
        }
        return h;
    }

    private static MemorySegment concat(MemorySegment a, MemorySegment b) {
        MemorySegment all = MemorySegment.ofArray(new byte[Math.toIntExact(a.byteSize() + b.byteSize())]);
        MemorySegment.copy(a, 0, all, 0, a.byteSize());
        MemorySegment.copy(b, 0, all, a.byteSize(), b.byteSize());
        return all;
    }
}
