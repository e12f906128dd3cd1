package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.TestWeights;
import dev.df11.runtime.weights.Bf16Matrix;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.UnitWeights;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.Bf16Scales;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unit's census, tail and nibble layout on the host, against brute force: the census picks the 15 most common
 * non-zero exponents (ties to the smaller) and counts the non-zero weights outside them; the tail lists exactly those
 * weights, row by row in column order, with their values and their activations' quad-major positions; the table is
 * the BF16 table with zeros at uncoded exponents, then the code scales; every weight of the unit is rebuilt bit for
 * bit from its code, its sign/mantissa byte and the tail (the layout is lossless); and BF16 and DF11 sources, and any
 * slice size, give the same census and tail, so BF16 and DF11 checkpoints sum in the same order.
 */
class UnitTailTest {

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Two matrices: 60 x 700 with zeros, subnormals and 25 exponents (the 10 rarest uncoded); 100 x 124 Gaussian. */
    private static List<MemorySegment> matrices() {
        long[] counts = new long[256];
        counts[0] = 3_000;                       // zeros and subnormals: never coded
        long total = 3_000;
        for (int e = 100; e < 125; e++) {
            counts[e] = e >= 110 ? 1_000 + 10L * (e - 110) : 7 + e - 100;
            total += counts[e];
        }
        counts[120] += 60 * 700 - total;
        return List.of(TestWeights.withExponentCounts(1, counts), TestWeights.gaussian(2, 100 * 124, 0.02));
    }

    private static final int[][] SHAPES = {{60, 700}, {100, 124}};

    private static List<UnitMatrices.Span> spans(Df11Unit unit) {
        List<UnitMatrices.Span> spans = new ArrayList<>();
        for (int m = 0; m < SHAPES.length; m++) {
            spans.add(new UnitMatrices.Span("m" + m, unit.matrixStart(m), SHAPES[m][0], SHAPES[m][1]));
        }
        return spans;
    }

    @Test
    void censusTailAndTableMatchBruteForce() {
        List<MemorySegment> weights = matrices();
        Df11Unit unit = new Df11Encoder(2).encode("u", weights);
        UnitTail tail = UnitTail.of(UnitMatrices.compressed("u", spans(unit), unit, new Df11Decoder(2), 4096));
        ExponentCensus census = tail.census();

        long[] histogram = new long[256];
        long zeros = 0;
        for (MemorySegment w : weights) {
            for (long i = 0; i < w.byteSize() / 2; i++) {
                int bits = w.getAtIndex(BF16, i);
                histogram[bits >> 7 & 0xFF]++;
                zeros += (bits & 0x7FFF) == 0 ? 1 : 0;
            }
        }
        assertEquals(ExponentCensus.CODED, census.coded().length);
        long covered = 0;
        for (int c = 0; c < census.coded().length; c++) {
            int e = census.coded()[c];
            assertTrue(e > 0, "exponent 0 is never coded");
            covered += histogram[e];
            for (int other = 1; other < 256; other++) {
                if (!census.isCoded(other)) {
                    assertTrue(histogram[other] < histogram[e] || histogram[other] == histogram[e] && other > e,
                            "uncoded exponent " + other + " is as common as coded " + e);
                }
            }
        }
        assertEquals(census.weights() - covered - zeros, census.tail());
        assertTrue(census.tail() > 2_000, "the case needs a tail with subnormals and rare exponents: " + census);

        FloatArray bf16Table = Bf16Scales.table();
        for (int i = 0; i < Bf16Scales.SIZE; i++) {
            assertEquals(census.isCoded(i & 0xFF) ? bf16Table.get(i) : 0f, tail.table().get(i), "table entry " + i);
        }
        for (int i = 0; i < 32; i++) {
            int code = i & 15;
            float expected = code < census.coded().length ? bf16Table.get((i >> 4) << 8 | census.coded()[code]) : 0f;
            assertEquals(expected, tail.table().get(Bf16Scales.SIZE + i), "code scale " + i);
        }

        int[] codeOf = census.codeOf();
        IntArray list = tail.tail();
        for (int m = 0; m < SHAPES.length; m++) {
            int rows = SHAPES[m][0];
            int cols = SHAPES[m][1];
            int directory = tail.directory((int) unit.matrixStart(m), rows, cols);
            for (int r = 0; r < rows; r++) {
                List<Integer> positions = new ArrayList<>();
                List<Float> values = new ArrayList<>();
                for (int c = 0; c < cols; c++) {
                    int bits = weights.get(m).getAtIndex(BF16, (long) r * cols + c);
                    if ((bits & 0x7FFF) != 0 && codeOf[bits >> 7 & 0xFF] < 0) {
                        positions.add((c & 3) * (cols / 4) + (c >> 2));
                        values.add(Float.intBitsToFloat(bits << 16));
                    }
                }
                int from = list.get(directory + r);
                int to = list.get(directory + r + 1);
                assertEquals(positions.size(), to - from, "matrix " + m + " row " + r + " tail length");
                for (int e = from; e < to; e++) {
                    assertEquals(positions.get(e - from), list.get(e), "matrix " + m + " row " + r + " entry " + e);
                    assertEquals(Float.floatToRawIntBits(values.get(e - from)),
                            Float.floatToRawIntBits(tail.table().get(UnitTail.TABLE + e)), "value of entry " + e);
                }
            }
        }
        assertEquals(census.tail(), tail.entries());
    }

    @Test
    void theNibbleLayoutAndTheTailRebuildEveryWeight() {
        List<MemorySegment> weights = matrices();
        Df11Unit unit = new Df11Encoder(2).encode("u", weights);
        Df11Decoder decoder = new Df11Decoder(2);
        UnitTail tail = UnitTail.of(UnitMatrices.compressed("u", spans(unit), unit, decoder));
        long elements = unit.elementCount();
        IntArray codes = new IntArray(NibbleLayout.codeInts(elements));
        IntArray signMantissa = new IntArray(NibbleLayout.signMantissaInts(elements));
        NibbleLayout.fill(unit, tail.census(), decoder, codes, signMantissa, 4 * 1024);

        MemorySegment original = MemorySegment.ofArray(new byte[Math.toIntExact(2 * elements)]);
        for (int m = 0; m < SHAPES.length; m++) {
            MemorySegment.copy(weights.get(m), 0, original, 2 * unit.matrixStart(m), weights.get(m).byteSize());
        }
        // The tail by element: each matrix's rows in order, each row's entries in column order.
        Map<Long, Integer> tailBits = new java.util.HashMap<>();
        for (int m = 0; m < SHAPES.length; m++) {
            int cols = SHAPES[m][1];
            int directory = tail.directory((int) unit.matrixStart(m), SHAPES[m][0], cols);
            for (int r = 0; r < SHAPES[m][0]; r++) {
                for (int e = tail.tail().get(directory + r); e < tail.tail().get(directory + r + 1); e++) {
                    int position = tail.tail().get(e);
                    int c = position % (cols / 4) * 4 + position / (cols / 4);
                    int bits = Float.floatToRawIntBits(tail.table().get(UnitTail.TABLE + e)) >>> 16;
                    tailBits.put(unit.matrixStart(m) + (long) r * cols + c, bits);
                }
            }
        }
        int[] coded = tail.census().coded();
        for (int i = 0; i < elements; i++) {
            int bits = original.getAtIndex(BF16, i) & 0xFFFF;
            int sm = signMantissa.get(i >> 2) >> 8 * (i & 3) & 0xFF;
            int code = NibbleLayout.code(codes, i);
            int exponent = code != NibbleLayout.ESCAPE ? coded[code]
                    : tailBits.containsKey((long) i) ? tailBits.get((long) i) >> 7 & 0xFF : 0;
            int rebuilt = (sm & 0x80) << 8 | exponent << 7 | sm & 0x7F;
            if (tailBits.containsKey((long) i)) {
                assertEquals(NibbleLayout.ESCAPE, code, "a tail weight is coded 15, element " + i);
                assertEquals(bits, tailBits.get((long) i), "tail value of element " + i);
            }
            assertEquals(bits, rebuilt, "element " + i);
        }
        assertEquals(NibbleLayout.bytes(elements), 4L * (codes.getSize() + signMantissa.getSize()));
    }

    @Test
    void bf16AndDf11SourcesAndAnySliceGiveTheSameTail() {
        List<MemorySegment> weights = matrices();
        Df11Unit unit = new Df11Encoder(2).encode("u", weights);
        List<MatrixSlot> slots = List.of(new MatrixSlot("a", 60, 700, 0), new MatrixSlot("b", 100, 124, 42_000));
        WeightUnit plainUnit = new WeightUnit("plain", slots, null);
        UnitTail plain = UnitTail.of(UnitMatrices.plain(plainUnit, UnitWeights.of(plainUnit, Map.of(
                "a", new Bf16Matrix("a", 60, 700, weights.get(0)), "b", new Bf16Matrix("b", 100, 124, weights.get(1))))));
        for (int slice : new int[] {1024, 5000, UnitMatrices.SLICE}) {
            UnitTail compressed = UnitTail.of(UnitMatrices.compressed("u", spans(unit), unit, new Df11Decoder(2),
                    slice));
            assertArrayEquals(plain.census().coded(), compressed.census().coded(), "slice " + slice);
            assertEquals(plain.census().tail(), compressed.census().tail(), "slice " + slice);
            assertArrayEquals(plain.table().toHeapArray(), compressed.table().toHeapArray(), "slice " + slice);
            assertArrayEquals(plain.tail().toHeapArray(), compressed.tail().toHeapArray(), "slice " + slice);
        }
    }

    @Test
    void aProductOverMatricesTheUnitDoesNotHaveIsRefusedByName() {
        List<MemorySegment> weights = matrices();
        Df11Unit unit = new Df11Encoder(2).encode("u", weights);
        UnitTail tail = UnitTail.of(UnitMatrices.compressed("layer 3", spans(unit), unit, new Df11Decoder(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tail.directory((int) unit.matrixStart(1), 101, 124));
        assertTrue(e.getMessage().contains("layer 3") && e.getMessage().contains("101 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tail.directory(4, 10, 700));
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> UnitMatrices.compressed("u", List.of(new UnitMatrices.Span("a", 0, 60, 700),
                        new UnitMatrices.Span("b", 40_000, 100, 124)), unit, new Df11Decoder(2)));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
    }
}
