package dev.df11.lab.bench;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Narrow weights take exactly the fifteen exponents below the top one, and the same values for the same seed. */
class NarrowExponentBf16Test {

    @Test
    void fifteenExponentsNoZerosAndDeterministic() {
        MemorySegment a = NarrowExponentBf16.generate(3, 200_000, -6);
        TreeSet<Integer> exponents = new TreeSet<>();
        for (long i = 0; i < 200_000; i++) {
            exponents.add(a.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i) >> 7 & 0xFF);
        }
        assertEquals(NarrowExponentBf16.EXPONENTS, exponents.size(), exponents.toString());
        assertEquals(127 - 6, exponents.last());
        assertEquals(127 - 6 - 14, exponents.first());
        assertEquals(-1L, a.mismatch(NarrowExponentBf16.generate(3, 200_000, -6)), "same seed, same values");
    }

    @Test
    void aTopOutsideTheNormalRangeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NarrowExponentBf16.generate(1, 10, -120));
        assertEquals("top exponent -120 leaves the normal BF16 range", e.getMessage());
    }
}
