package dev.df11.format.codec;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.testing.Histograms;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoder + both decoders: every bit must come back. */
class RoundTripTest {

    private static final Df11Encoder ENCODER = new Df11Encoder(2);
    private static final List<Df11UnitDecoder> DECODERS =
            List.of(new Df11Decoder(1), new Df11Decoder(2), new ThreadModelDecoder());

    /** Encodes, validates and decodes with every decoder (whole unit and each matrix); returns the unit. */
    static Df11Unit assertRoundTrip(String name, List<MemorySegment> matrices) {
        Df11Unit unit = ENCODER.encode(name, matrices);
        unit.validate("test");
        short[] all = concat(matrices);
        assertEquals(all.length, unit.elementCount());
        assertEquals(matrices.size(), unit.matrixCount());
        for (Df11UnitDecoder decoder : DECODERS) {
            String who = decoder.getClass().getSimpleName() + " on " + name;
            short[] out = new short[all.length];
            decoder.decode(unit, MemorySegment.ofArray(out));
            assertArrayEquals(all, out, who);
            for (int m = 0; m < matrices.size(); m++) {
                short[] expected = TestWeights.toShorts(matrices.get(m));
                short[] part = new short[expected.length];
                decoder.decodeMatrix(unit, m, MemorySegment.ofArray(part));
                assertArrayEquals(expected, part, who + " matrix " + m);
            }
        }
        return unit;
    }

    static short[] concat(List<MemorySegment> matrices) {
        List<short[]> parts = new ArrayList<>();
        int n = 0;
        for (MemorySegment m : matrices) {
            short[] p = TestWeights.toShorts(m);
            parts.add(p);
            n += p.length;
        }
        short[] all = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8, 9, 511, 4095, 4096, 4097, 12_345, 100_000})
    void gaussianSizes(int n) {
        assertRoundTrip("g" + n, List.of(TestWeights.gaussian(n, n)));
    }

    @Test
    void threeMillionWeights() {
        Df11Unit unit = assertRoundTrip("g3M", List.of(TestWeights.gaussian(3, 3_000_000)));
        double ratio = (double) (unit.streamBytes() + unit.elementCount() + unit.gaps().byteSize()
                + unit.outputPositions().byteSize()) / (2.0 * unit.elementCount());
        assertTrue(ratio > 0.6 && ratio < 0.72, "compressed to " + ratio); // about 11 of 16 bits
    }

    @Test
    void emptyUnit() {
        Df11Unit unit = assertRoundTrip("empty", List.of(MemorySegment.ofArray(new short[0])));
        assertEquals(0, unit.elementCount());
        assertEquals(0, unit.blockCount());
        assertEquals(0, unit.streamBytes());
        new Df11Decoder(2).decode(unit, MemorySegment.ofArray(new byte[0]));
    }

    @Test
    void emptyMatricesAmongOthers() {
        MemorySegment none = MemorySegment.ofArray(new short[0]);
        Df11Unit unit = assertRoundTrip("holes", List.of(none, TestWeights.gaussian(1, 10), none, none,
                TestWeights.gaussian(2, 5000), none));
        assertEquals(6, unit.matrixCount());
    }

    @Test
    void singleSymbolUnits() {
        for (int n : new int[] {1, 7, 8, 100_000}) {
            short[] w = new short[n];
            java.util.SplittableRandom random = new java.util.SplittableRandom(n);
            for (int i = 0; i < n; i++) {
                w[i] = Bf16.compose(120, random.nextInt(256)); // one exponent, any sign and mantissa
            }
            Df11Unit unit = assertRoundTrip("const" + n, List.of(MemorySegment.ofArray(w)));
            assertEquals(1, unit.lookupTables().codeLength(120));
            assertEquals((n + 7) / 8, unit.streamBytes());
        }
    }

    @Test
    void everyEncodablePatternRoundTrips() {
        MemorySegment patterns = TestWeights.allPatternsBelowExponent(240);
        assertEquals(61_440, patterns.byteSize() / 2);
        assertRoundTrip("all_patterns", List.of(patterns));
        // Again in a random order (so codes straddle every kind of boundary), and as several matrices.
        short[] shuffled = TestWeights.toShorts(patterns);
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            short t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        MemorySegment s = MemorySegment.ofArray(shuffled);
        assertRoundTrip("all_patterns_shuffled", List.of(s.asSlice(0, 2 * 1000), s.asSlice(2000, 2 * 50_000),
                s.asSlice(102_000)));
    }

    @Test
    void everyPatternWithAReservedExponentIsRefused() {
        for (int bits = 0; bits < 65536; bits++) {
            if (Bf16.exponent((short) bits) < 240) {
                continue;
            }
            short[] w = {0x3F80, (short) bits, 0x0001};
            UnencodableUnitException e = assertThrows(UnencodableUnitException.class,
                    () -> ENCODER.encode("nan_unit", List.of(MemorySegment.ofArray(w))));
            if (bits == 0x7FC0) {
                assertTrue(e.getMessage().contains("'nan_unit'") && e.getMessage().contains("element 1"),
                        e.getMessage());
            }
        }
        assertTrue(new UnencodableUnitException("u", "x") instanceof Df11FormatException);
    }

    @Test
    void thirtyTwoBitCodes() {
        long[] counts = Histograms.fibonacci(100, 33); // 9.2M elements; Huffman depth exactly 32
        Df11Unit unit = ENCODER.encode("fib33", List.of(TestWeights.withExponentCounts(33, counts)));
        assertEquals(32, unit.lookupTables().maxCodeLength());
        short[] out = new short[(int) unit.elementCount()];
        new Df11Decoder(2).decode(unit, MemorySegment.ofArray(out));
        assertArrayEquals(TestWeights.toShorts(TestWeights.withExponentCounts(33, counts)), out);
    }

    @Test
    void longCodesInAModelSizedUnit() {
        long[] counts = Histograms.fibonacci(90, 27); // 25- and 26-bit codes, 300k elements
        Df11Unit unit = assertRoundTrip("fib27", List.of(TestWeights.withExponentCounts(27, counts)));
        assertEquals(26, unit.lookupTables().maxCodeLength());
        assertTrue(unit.lookupTables().tableCount() >= 4);
    }

    @Test
    void sixteenTablesRoundTripAndSeventeenAreRefused() {
        long[] sixteen = Histograms.dyadic(Histograms.lengthsNeedingChildTables(15));
        Df11Unit unit = assertRoundTrip("t16", List.of(TestWeights.withExponentCounts(16, sixteen)));
        assertEquals(16, unit.lookupTables().tableCount());
        long[] seventeen = Histograms.dyadic(Histograms.lengthsNeedingChildTables(16));
        UnencodableUnitException e = assertThrows(UnencodableUnitException.class,
                () -> ENCODER.encode("t17", List.of(TestWeights.withExponentCounts(17, seventeen))));
        assertTrue(e.getMessage().contains("'t17'"), e.getMessage());
    }

    @Test
    void multiMatrixUnitDecodesEachMatrix() {
        List<MemorySegment> layer = new ArrayList<>();
        int[] sizes = {288 * 288, 288 * 288, 7, 4096, 768 * 288, 1, 288 * 768};
        for (int i = 0; i < sizes.length; i++) {
            layer.add(TestWeights.gaussian(100 + i, sizes[i], 0.01 * (i + 1)));
        }
        Df11Unit unit = assertRoundTrip("layer", layer);
        long start = 0;
        for (int m = 0; m < sizes.length; m++) {
            assertEquals(start, unit.matrixStart(m));
            start += sizes[m];
            assertEquals(start, unit.matrixEnd(m));
        }
    }

    @Test
    void decodesIntoNativeAndMappedStyleSegments() {
        MemorySegment in = TestWeights.gaussian(5, 50_000);
        Df11Unit unit = ENCODER.encode("native", List.of(in));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(2 * 50_000 + 3, 1).asSlice(1, 2 * 50_000); // unaligned on purpose
            new Df11Decoder(2).decode(unit, out);
            assertEquals(-1, out.mismatch(in));
        }
        // A segment larger than needed: only the first 2n bytes are written.
        MemorySegment big = MemorySegment.ofArray(new byte[2 * 50_000 + 10]);
        big.asSlice(2 * 50_000).fill((byte) 0x5A);
        new Df11Decoder(1).decode(unit, big);
        assertEquals(0x5A, big.get(ValueLayout.JAVA_BYTE, 2 * 50_000 + 9));
    }

    @Test
    void confinedInputIsEncodedOnTheCallersThread() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(2 * 300_000L);
            in.copyFrom(TestWeights.gaussian(6, 300_000));
            Df11Unit unit = new Df11Encoder(2).encode("confined", List.of(in));
            assertEquals(new Df11Encoder(1).encode("confined", List.of(TestWeights.gaussian(6, 300_000))), unit);
        }
    }

    @Test
    void anyElementRangeDecodes() {
        MemorySegment in = TestWeights.gaussian(8, 100_000);
        Df11Unit unit = ENCODER.encode("ranges", List.of(in));
        short[] all = TestWeights.toShorts(in);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        Df11Decoder decoder = new Df11Decoder(2);
        for (int trial = 0; trial < 50; trial++) {
            int from = random.nextInt(all.length + 1);
            int to = from + random.nextInt(all.length - from + 1);
            short[] out = new short[to - from];
            decoder.decodeRange(unit, from, to, MemorySegment.ofArray(out));
            assertArrayEquals(java.util.Arrays.copyOfRange(all, from, to), out, "[" + from + ", " + to + ")");
        }
    }

    @Test
    void sameBytesForAnyParallelismAndChunking() {
        List<MemorySegment> matrices = List.of(TestWeights.gaussian(1, 300_001), TestWeights.gaussian(2, 77),
                TestWeights.gaussian(3, 250_000, 1.0));
        Df11Unit reference = new Df11Encoder(1).encode("p", matrices);
        for (int parallelism : new int[] {2, 3}) {
            assertEquals(reference, new Df11Encoder(parallelism).encode("p", matrices), "parallelism " + parallelism);
        }
        for (int chunk : new int[] {1, 3, 64, 1000, 65_537}) {
            assertEquals(reference, new Df11Encoder(3, chunk).encode("p", matrices), "chunks of " + chunk);
        }
        short[] out = new short[(int) reference.elementCount()];
        new Df11Decoder(3).decode(reference, MemorySegment.ofArray(out));
        assertArrayEquals(concat(matrices), out);
    }
}
