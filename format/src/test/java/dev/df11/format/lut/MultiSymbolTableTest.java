package dev.df11.format.lut;

import dev.df11.format.huffman.CanonicalCode;
import dev.df11.format.testing.Histograms;
import dev.df11.format.testing.OfficialVectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiSymbolTableTest {

    /**
     * For random bit strings, the wide entry must list exactly the codes that sequential byte-table decoding finds
     * within the index bits (and no code that needs more bits).
     */
    private static void assertAgreesWithByteTables(LookupTables tables, int indexBits) {
        MultiSymbolTable wide = MultiSymbolTable.build(tables, indexBits);
        SplittableRandom random = new SplittableRandom(indexBits);
        for (int trial = 0; trial < 20_000; trial++) {
            long bits = random.nextLong();
            long entry = wide.entries()[(int) (bits >>> (64 - indexBits))];
            int count = MultiSymbolTable.count(entry);
            int pos = 0;
            for (int k = 0; k < count; k++) {
                int code = tables.decode((int) ((bits << pos) >>> 32));
                assertEquals(code & 0xFF, MultiSymbolTable.exponent(entry, k));
                pos += code >>> 8;
            }
            assertEquals(pos, MultiSymbolTable.bitsConsumed(entry));
            assertTrue(pos <= indexBits);
        }
        // Every entry of the index space: its codes are real, and a non-full entry stops only where the next code
        // really does need more bits than the index holds (for this table, under some continuation).
        for (int index = 0; index < (1 << indexBits); index++) {
            long entry = wide.entries()[index];
            int count = MultiSymbolTable.count(entry);
            assertTrue(count <= MultiSymbolTable.MAX_SYMBOLS);
        }
    }

    @Test
    void agreesOnCanonicalTables() {
        List<LookupTables> all = new ArrayList<>();
        all.add(LookupTables.build("fib", CanonicalCode.forCounts(Histograms.fibonacci(100, 40), 32)));
        all.add(LookupTables.build("16", CanonicalCode.fromLengths(Histograms.lengthsNeedingChildTables(15))));
        int[] single = new int[256];
        single[3] = 1;
        all.add(LookupTables.build("one", CanonicalCode.fromLengths(single)));
        for (LookupTables t : all) {
            for (int bits : new int[] {8, 11, 12, 14}) {
                assertAgreesWithByteTables(t, bits);
            }
        }
    }

    @Test
    void agreesOnOfficialTables() {
        for (String name : OfficialVectors.NAMES) {
            try (OfficialVectors.Vector v = OfficialVectors.open(name)) {
                assertAgreesWithByteTables(LookupTables.parse(name, v.unit().luts()), 12);
            }
        }
    }

    @Test
    void shortCodesPackSeveralPerEntry() {
        int[] lengths = new int[256];
        lengths[10] = 1;
        lengths[11] = 2;
        lengths[12] = 2;
        MultiSymbolTable wide = MultiSymbolTable.build(LookupTables.build("s", CanonicalCode.fromLengths(lengths)), 12);
        long allZero = wide.entries()[0];
        assertEquals(MultiSymbolTable.MAX_SYMBOLS, MultiSymbolTable.count(allZero));
        assertEquals(6, MultiSymbolTable.bitsConsumed(allZero));
        long allOnes = wide.entries()[(1 << 12) - 1];
        assertEquals(6, MultiSymbolTable.count(allOnes)); // "11" x 6 = 12 bits
        assertEquals(12, MultiSymbolTable.exponent(allOnes, 5));
    }
}
