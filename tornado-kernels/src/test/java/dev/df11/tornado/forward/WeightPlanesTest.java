package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splitting BF16 into exponent and sign/mantissa planes on the host: lossless, at any offset, DF11's byte layout. */
class WeightPlanesTest {

    @Test
    void splitsEveryPatternIntoDf11BytesAndRebuildsIt() {
        int n = 0x10000;
        ShortArray bits = new ShortArray(n);
        for (int i = 0; i < n; i++) {
            bits.set(i, (short) i);
        }
        WeightPlanes planes = WeightPlanes.split(bits.getSegment());
        for (int i = 0; i < n; i++) {
            assertEquals(i, planes.bf16(i), "pattern 0x" + Integer.toHexString(i));
            assertEquals((i >> 7) & 0xFF, planes.exponents().getSegment().get(ValueLayout.JAVA_BYTE, i) & 0xFF);
            assertEquals(((i >> 8) & 0x80) | (i & 0x7F),
                    planes.signMantissa().getSegment().get(ValueLayout.JAVA_BYTE, i) & 0xFF);
        }
    }

    @Test
    void putsAtUnalignedOffsetsWithoutTouchingNeighbours() {
        ShortArray bits = new ShortArray(11);
        for (int i = 0; i < 11; i++) {
            bits.set(i, (short) (0x3F80 + i));
        }
        for (int offset = 0; offset < 5; offset++) {
            WeightPlanes planes = WeightPlanes.allocate(20);
            planes.put(offset, bits.getSegment());
            for (int i = 0; i < 20; i++) {
                int expected = i >= offset && i < offset + 11 ? 0x3F80 + i - offset : 0;
                assertEquals(expected, planes.bf16(i), "offset " + offset + ", element " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> WeightPlanes.allocate(8).put(0, bits.getSegment()));
    }

    @Test
    void refusesMatricesThatDoNotStartOnAQuad() {
        assertDoesNotThrow(() -> WeightPlanes.checkAligned("q", 4096, 4096));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightPlanes.checkAligned("unit u, task t", 6, 300));
        assertTrue(e.getMessage().contains("unit u, task t"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WeightPlanes.checkAligned("m", 8, 302));
        assertEquals(3, WeightPlanes.wordsFor(9));
    }
}
