package dev.df11.format.bf16;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bf16Test {

    @Test
    void splitAndComposeRoundTripEveryPattern() {
        for (int bits = 0; bits < 65536; bits++) {
            short w = (short) bits;
            int e = Bf16.exponent(w);
            int sm = Bf16.signMantissa(w);
            assertEquals((bits >>> 7) & 0xFF, e);
            assertEquals(((bits >>> 8) & 0x80) | (bits & 0x7F), sm);
            assertEquals(w, Bf16.compose(e, sm), "pattern " + Integer.toHexString(bits));
            // The official byte formulas: high (sm & 0x80) | (e >> 1), low ((e & 1) << 7) | (sm & 0x7F).
            int high = (sm & 0x80) | (e >> 1);
            int low = ((e & 1) << 7) | (sm & 0x7F);
            assertEquals(bits, (high << 8) | low);
        }
    }

    @Test
    void toFloatIsTheTopHalfOfAFloat() {
        assertEquals(1.0f, Bf16.toFloat((short) 0x3F80));
        assertEquals(-2.0f, Bf16.toFloat((short) 0xC000));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.toFloat((short) 0x7F80));
        assertEquals(0x80000000, Float.floatToRawIntBits(Bf16.toFloat((short) 0x8000)));
        assertEquals(Float.MIN_NORMAL * 0.5f, Bf16.toFloat((short) 0x0040)); // a subnormal
    }

    @Test
    void fromFloatIsExactOnBf16Values() {
        for (int bits = 0; bits < 65536; bits++) {
            short w = (short) bits;
            float f = Bf16.toFloat(w);
            if (!Float.isNaN(f)) {
                assertEquals(w, Bf16.fromFloat(f), "pattern " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void fromFloatRoundsToNearestEven() {
        // 1 + 2^-8 lies halfway between 1 (even mantissa) and 1 + 2^-7: ties go to even.
        assertEquals((short) 0x3F80, Bf16.fromFloat(Float.intBitsToFloat(0x3F808000)));
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up.
        assertEquals((short) 0x3F82, Bf16.fromFloat(Float.intBitsToFloat(0x3F818000)));
        // Just above and below a halfway point.
        assertEquals((short) 0x3F81, Bf16.fromFloat(Float.intBitsToFloat(0x3F808001)));
        assertEquals((short) 0x3F80, Bf16.fromFloat(Float.intBitsToFloat(0x3F807FFF)));
        // Negative values round on magnitude; overflow goes to infinity.
        assertEquals((short) 0xBF80, Bf16.fromFloat(Float.intBitsToFloat(0xBF808000)));
        assertEquals((short) 0x7F80, Bf16.fromFloat(Float.MAX_VALUE));
        assertEquals((short) 0xFF80, Bf16.fromFloat(-Float.MAX_VALUE));
    }

    @Test
    void nanStaysNan() {
        for (int payload : new int[] {0x7FC00000, 0x7F800001, 0xFF800001, 0x7FBFFFFF, 0xFFC00001}) {
            float nan = Float.intBitsToFloat(payload);
            short w = Bf16.fromFloat(nan);
            assertTrue(Float.isNaN(Bf16.toFloat(w)), Integer.toHexString(payload));
            assertEquals(payload >>> 31, (w >>> 15) & 1, "sign of " + Integer.toHexString(payload));
        }
    }
}
