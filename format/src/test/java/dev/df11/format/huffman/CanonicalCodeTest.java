package dev.df11.format.huffman;

import dev.df11.format.testing.Histograms;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CanonicalCodeTest {

    private static String bits(CanonicalCode code, int symbol) {
        String s = Long.toBinaryString(code.code(symbol) & 0xFFFFFFFFL);
        return "0".repeat(code.length(symbol) - s.length()) + s;
    }

    @Test
    void knownSmallCode() {
        int[] lengths = new int[256];
        lengths[5] = 2;
        lengths[6] = 1;
        lengths[7] = 3;
        lengths[8] = 3;
        CanonicalCode code = CanonicalCode.fromLengths(lengths);
        assertEquals("0", bits(code, 6));
        assertEquals("10", bits(code, 5));
        assertEquals("110", bits(code, 7));
        assertEquals("111", bits(code, 8));
    }

    @Test
    void prefixFreeAndOrderedForALongCode() {
        CanonicalCode code = CanonicalCode.forCounts(Histograms.fibonacci(100, 40), 32);
        assertEquals(32, code.maxLength());
        List<String> words = new ArrayList<>();
        for (int s = 0; s < 256; s++) {
            if (code.length(s) > 0) {
                words.add(bits(code, s));
            }
        }
        for (String a : words) {
            for (String b : words) {
                if (a != b) {
                    assertFalse(b.startsWith(a), a + " is a prefix of " + b);
                }
            }
        }
        // The longest codes are all ones at the end of the code space.
        int longest = -1;
        for (int s = 0; s < 256; s++) {
            if (code.length(s) == 32) {
                longest = Math.max(longest, s);
            }
        }
        assertTrue(bits(code, longest).chars().allMatch(c -> c == '1'));
    }

    @Test
    void rejectsImpossibleLengths() {
        int[] lengths = new int[256];
        lengths[0] = 1;
        lengths[1] = 1;
        lengths[2] = 1;
        assertThrows(IllegalArgumentException.class, () -> CanonicalCode.fromLengths(lengths));
        int[] tooLong = new int[256];
        tooLong[0] = 33;
        assertThrows(IllegalArgumentException.class, () -> CanonicalCode.fromLengths(tooLong));
    }
}
