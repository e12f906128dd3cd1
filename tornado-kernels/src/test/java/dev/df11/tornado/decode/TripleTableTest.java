package dev.df11.tornado.decode;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Layout;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.lut.LookupTables;
import dev.df11.format.testing.Histograms;
import dev.df11.format.testing.OfficialVectors;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PackedInputs#tripleTable}: every entry is what decoding its byte code by code through {@link LookupTables}
 * gives (the first code, then each next one only while it lies wholly inside the byte, at most three).
 */
public class TripleTableTest {

    /** Code lengths 1, 2, ..., 12, 12 on exponents 100..112: a complete code with 1- and 2-bit codes and child tables. */
    public static long[] skewedCounts() {
        int[] lengths = new int[256];
        for (int k = 0; k < 12; k++) {
            lengths[100 + k] = k + 1;
        }
        lengths[112] = 12;
        return Histograms.dyadic(lengths);
    }

    static List<String> officialVectors() {
        return OfficialVectors.NAMES;
    }

    @ParameterizedTest
    @MethodSource("officialVectors")
    void agreesWithCodeByCodeDecodeOnOfficialTables(String name) {
        try (OfficialVectors.Vector vector = OfficialVectors.open(name)) {
            assertAgrees(LookupTables.parse(name, vector.unit().luts()));
        }
    }

    @Test
    void skewedTableHoldsThreeCodesInMostBytes() {
        Df11Unit unit = new Df11Encoder(1).encode("skewed", List.of(TestWeights.withExponentCounts(3, skewedCounts())));
        LookupTables luts = LookupTables.parse("skewed", unit.luts());
        assertTrue(luts.tableCount() > 1, "the code reaches child tables");
        int threes = assertAgrees(luts);
        // Bytes 00xxxxxx hold "0", "0" and a code of at most 6 bits unless xxxxxx starts with six 1s: 63 of 64.
        assertTrue(threes >= 100, threes + " bytes hold three codes");
    }

    /** Checks all 256 entries; returns how many hold three codes. */
    private static int assertAgrees(LookupTables luts) {
        IntArray triples = PackedInputs.tripleTable(luts);
        int threes = 0;
        for (int b = 0; b < 256; b++) {
            int v = luts.entry(0, b);
            int expected;
            if (v >= Df11Layout.FIRST_POINTER_VALUE) {
                expected = (256 - v) << 8;
            } else {
                int exponents = 0;
                int codes = 0;
                int bits = 0;
                boolean fits = true;
                while (fits && codes < 3 && bits < 8) {
                    int decoded = luts.decode(b << (24 + bits));
                    int length = decoded >> 8;
                    fits = decoded != LookupTables.INVALID && (codes == 0 || length <= 8 - bits);
                    if (fits) {
                        exponents |= (decoded & 0xFF) << (8 * codes);
                        codes++;
                        bits += length;
                    }
                }
                expected = exponents | ((codes - 1) << 24) | (bits << 26);
                threes += codes == 3 ? 1 : 0;
            }
            int entry = triples.get(b);
            assertEquals(expected, entry, "byte " + b);
            assertEquals(v >= Df11Layout.FIRST_POINTER_VALUE, ((entry >> 26) & 0x3F) == 0, "pointer mark of byte " + b);
        }
        return threes;
    }
}
