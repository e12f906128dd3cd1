package dev.df11.format.lut;

import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.UnencodableUnitException;
import dev.df11.format.huffman.CanonicalCode;
import dev.df11.format.testing.Histograms;
import dev.df11.format.testing.OfficialVectors;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LookupTablesTest {

    /** Every codeword, followed by arbitrary bits, decodes to its symbol and length. */
    private static void assertDecodesEveryCode(CanonicalCode code, LookupTables tables) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int e = 0; e < 256; e++) {
            int len = code.length(e);
            if (len == 0) {
                continue;
            }
            for (int trial = 0; trial < 8; trial++) {
                int tail = len == 32 ? 0 : random.nextInt() >>> len;
                int peek = (int) ((code.code(e) & 0xFFFFFFFFL) << (32 - len)) | tail;
                assertEquals(e | (len << 8), tables.decode(peek), "exponent " + e + " length " + len);
            }
        }
    }

    @Test
    void gaussianLikeCodeNeedsFewTablesAndDecodes() {
        long[] counts = new long[256];
        for (int e = 100; e < 128; e++) {
            counts[e] = 1L << Math.max(0, 27 - Math.abs(e - 120) * 2);
        }
        CanonicalCode code = CanonicalCode.forCounts(counts, 32);
        LookupTables tables = LookupTables.build("u", code);
        assertDecodesEveryCode(code, tables);
        assertTrue(tables.tableCount() <= 4, tables.toString());
        for (int e = 0; e < 256; e++) {
            assertEquals(code.length(e), tables.codeLength(e));
        }
    }

    @Test
    void thirtyTwoBitCodesUseChainsOfFourTables() {
        CanonicalCode code = CanonicalCode.forCounts(Histograms.fibonacci(100, 40), 32);
        LookupTables tables = LookupTables.build("fib", code);
        assertEquals(32, tables.maxCodeLength());
        assertDecodesEveryCode(code, tables);
        // Every pointer points forward, to a table of the next depth.
        for (int t = 0; t < tables.tableCount(); t++) {
            for (int b = 0; b < 256; b++) {
                int v = tables.entry(t, b);
                if (v >= 240) {
                    assertTrue(256 - v > t, "table " + t + " byte " + b);
                }
            }
        }
    }

    @Test
    void sixteenTablesFitAndSeventeenAreRefused() {
        CanonicalCode sixteen = CanonicalCode.fromLengths(Histograms.lengthsNeedingChildTables(15));
        LookupTables tables = LookupTables.build("u16", sixteen);
        assertEquals(16, tables.tableCount());
        assertDecodesEveryCode(sixteen, tables);

        CanonicalCode seventeen = CanonicalCode.fromLengths(Histograms.lengthsNeedingChildTables(16));
        UnencodableUnitException e = assertThrows(UnencodableUnitException.class,
                () -> LookupTables.build("u17", seventeen));
        assertTrue(e.getMessage().contains("u17") && e.getMessage().contains("17 lookup tables"), e.getMessage());
    }

    @Test
    void reservedExponentsAreRefused() {
        int[] lengths = new int[256];
        lengths[1] = 1;
        lengths[240] = 1;
        UnencodableUnitException e = assertThrows(UnencodableUnitException.class,
                () -> LookupTables.build("inf", CanonicalCode.fromLengths(lengths)));
        assertTrue(e.getMessage().contains("'inf'") && e.getMessage().contains("240"), e.getMessage());
    }

    @Test
    void singleSymbolGetsAOneBitCodeAndTotalTable() {
        int[] lengths = new int[256];
        lengths[127] = 1;
        LookupTables tables = LookupTables.build("one", CanonicalCode.fromLengths(lengths));
        assertEquals(1, tables.tableCount());
        for (int b = 0; b < 256; b++) {
            assertEquals(127, tables.entry(0, b));
        }
        assertEquals(127 | (1 << 8), tables.decode(0));
    }

    @Test
    void parseRoundTripsOurTables() {
        CanonicalCode code = CanonicalCode.forCounts(Histograms.fibonacci(100, 35), 32);
        LookupTables built = LookupTables.build("u", code);
        LookupTables parsed = LookupTables.parse("u", MemorySegment.ofArray(built.toBytes()));
        assertEquals(built, parsed);
        assertArrayEquals(built.toBytes(), parsed.toBytes());
    }

    @Test
    void parsesEveryOfficialTable() {
        for (String name : OfficialVectors.NAMES) {
            try (OfficialVectors.Vector v = OfficialVectors.open(name)) {
                LookupTables tables = LookupTables.parse(name, v.unit().luts());
                assertEquals(v.unit().luts().byteSize(), (tables.tableCount() + 1) * 256L);
                assertArrayEquals(v.unit().luts().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), tables.toBytes());
            }
        }
    }

    @Test
    void pointerToAMissingTableIsRefused() {
        byte[] luts = new byte[3 * 256];
        java.util.Arrays.fill(luts, 0, 128, (byte) 7);
        java.util.Arrays.fill(luts, 128, 256, (byte) (256 - 1));
        java.util.Arrays.fill(luts, 256, 512, (byte) 8);
        luts[256 + 17] = (byte) (256 - 5); // table 5 does not exist
        luts[512 + 7] = 1;
        luts[512 + 8] = 9;
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> LookupTables.parse("layer.3", MemorySegment.ofArray(luts)));
        assertTrue(e.getMessage().contains("'layer.3'") && e.getMessage().contains("table 5"), e.getMessage());
    }

    @Test
    void exponentWithoutALengthIsRefused() {
        byte[] luts = new byte[2 * 256];
        java.util.Arrays.fill(luts, 0, 256, (byte) 42); // exponent 42, but its length is 0
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> LookupTables.parse("zero", MemorySegment.ofArray(luts)));
        assertTrue(e.getMessage().contains("exponent 42"), e.getMessage());
        luts[256 + 42] = 33;
        assertThrows(Df11FormatException.class, () -> LookupTables.parse("long", MemorySegment.ofArray(luts)));
    }

    @Test
    void badSizesAreRefused() {
        for (int size : new int[] {0, 255, 256, 257, 18 * 256}) {
            Df11FormatException e = assertThrows(Df11FormatException.class,
                    () -> LookupTables.parse("sz", MemorySegment.ofArray(new byte[size])));
            assertTrue(e.getMessage().contains("'sz'"));
        }
    }

    /**
     * The official encoder copies neighbouring entries into the bytes of its end-of-stream code, which can yield a
     * pointer from a table to itself. Such tables load; a walk into the cycle is bounded and reported as INVALID.
     */
    @Test
    void selfPointerIsToleratedAndDecodingThroughItIsBounded() {
        byte[] luts = new byte[3 * 256];
        java.util.Arrays.fill(luts, 0, 128, (byte) 7);            // "0" -> 7
        java.util.Arrays.fill(luts, 128, 256, (byte) (256 - 1));  // "1" + byte -> table 1
        java.util.Arrays.fill(luts, 256, 512, (byte) 8);          // table 1: everything -> 8 ...
        luts[256] = (byte) (256 - 1);                             // ... except byte 0: back to table 1
        luts[512 + 7] = 1;
        luts[512 + 8] = 9;
        LookupTables tables = LookupTables.parse("junk", MemorySegment.ofArray(luts));
        assertEquals(8 | (9 << 8), tables.decode(0x80_01_00_00));
        assertEquals(LookupTables.INVALID, tables.decode(0x80_00_00_00));
    }

    /** A small complete code in table 0: exponent 120 "0" (1 bit), 121 "10", 122 "110", 123 "1110", 124 "1111". */
    private static byte[] fiveSymbolTables() {
        int[] lengths = new int[256];
        lengths[120] = 1;
        lengths[121] = 2;
        lengths[122] = 3;
        lengths[123] = 4;
        lengths[124] = 4;
        return LookupTables.build("five", CanonicalCode.fromLengths(lengths)).toBytes();
    }

    @Test
    void everyOfficialTableAgreesWithItsLengthRow() {
        // parse checks the tables against the length row; the official encoder's end-of-stream bytes must pass
        for (String name : OfficialVectors.NAMES) {
            try (OfficialVectors.Vector v = OfficialVectors.open(name)) {
                org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> LookupTables.parse(name, v.unit().luts()),
                        name);
            }
        }
    }

    @Test
    void exchangedEntriesOfDifferentLengthsAreRefused() {
        byte[] luts = fiveSymbolTables();
        // byte 0x00 belongs to 120 (a 128-entry run), byte 0xC0 to 122 (a 32-entry run): exchange one entry each
        luts[0x00] = (byte) 122;
        luts[0xC0] = (byte) 120;
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> LookupTables.parse("swapped", MemorySegment.ofArray(luts)));
        assertTrue(e.getMessage().contains("'swapped'") && e.getMessage().contains("code-length row")
                && e.getMessage().contains("exponent 120 has a 1-bit code"), e.getMessage());
    }

    @Test
    void lengthRowEntriesExchangedAreRefused() {
        byte[] luts = fiveSymbolTables();
        luts[256 + 121] = 3;    // 121 owns a 64-entry run (2 bits), 122 a 32-entry run (3 bits): exchange the lengths
        luts[256 + 122] = 2;
        // 121's 64 entries still hold a whole 32-entry run; 122's 32 entries cannot hold a 64-entry run
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> LookupTables.parse("lengths", MemorySegment.ofArray(luts)));
        assertTrue(e.getMessage().contains("exponent 122 has a 2-bit code"), e.getMessage());
    }

    @Test
    void lengthForAnExponentNoTableHoldsIsRefused() {
        byte[] luts = fiveSymbolTables();
        luts[256 + 7] = 9;
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> LookupTables.parse("extra", MemorySegment.ofArray(luts)));
        assertTrue(e.getMessage().contains("exponent 7 has a 9-bit code"), e.getMessage());
    }

    @Test
    void overwrittenEntryThatBreaksARunIsRefused() {
        byte[] luts = fiveSymbolTables();
        luts[0xF0] = (byte) 123;    // 124 owned 0xF0..0xFF; now 123 owns 17 entries and 124 no whole run
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> LookupTables.parse("broken", MemorySegment.ofArray(luts)));
        assertTrue(e.getMessage().contains("exponent 124 has a 4-bit code"), e.getMessage());
    }

    /**
     * The documented limit: two exponents of the same length exchanging their runs is another valid prefix code (the
     * official encoder's codes are non-canonical, so no table check may insist on an order). Tables alone accept it;
     * the recorded checksums catch it (Df11IntegrityTest.swappedSameLengthLutSymbolsAreCaughtByChecksums).
     */
    @Test
    void exchangedRunsOfTheSameLengthAreAValidCode() {
        byte[] luts = fiveSymbolTables();
        java.util.Arrays.fill(luts, 0xE0, 0xF0, (byte) 124);
        java.util.Arrays.fill(luts, 0xF0, 0x100, (byte) 123);
        LookupTables tables = LookupTables.parse("same", MemorySegment.ofArray(luts));
        assertEquals(124 | (4 << 8), tables.decode(0xE000_0000));
    }
}
