package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The kernels' arithmetic widening against the bit reinterpretation it stands for, for every finite BF16 value: from
 * BF16 bits ({@link Bf16Scales#widen}, as sign-extended shorts too) and from the two planes' bytes
 * ({@link Bf16Scales#widenPlanes}), each through its table index.
 */
class Bf16ScalesTest {

    @Test
    void everyFiniteBf16ValueWidensToItsFloat() {
        FloatArray table = Bf16Scales.table();
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = bits >> 7 & 0xFF;
            if (exponent == 0xFF) {
                continue;
            }
            int expected = bits << 16;
            String what = "BF16 0x" + Integer.toHexString(bits);
            assertEquals(expected, Float.floatToRawIntBits(Bf16Scales.widen(bits, table.get(Bf16Scales.index(bits)))),
                    what);
            int signExtended = (short) bits;
            assertEquals(expected, Float.floatToRawIntBits(
                    Bf16Scales.widen(signExtended, table.get(Bf16Scales.index(signExtended)))), what + " sign-extended");
            int signMantissa = (bits >> 8 & 0x80) | (bits & 0x7F);
            assertEquals(expected, Float.floatToRawIntBits(Bf16Scales.widenPlanes(exponent, signMantissa,
                    table.get(Bf16Scales.planeIndex(exponent, signMantissa)))), what + " from planes");
        }
    }
}
