package dev.df11.tornado.api;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.Histograms;
import dev.df11.format.testing.OfficialVectors;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Df11Tasks#addExponentDecode} (v3f): the exponent plane equals, byte for byte, the exponents of the CPU
 * decoder's BF16 values; every int of the plane up to {@code exponentWords(elements)} is written on every execution
 * (the plane is filled with {@link #GARBAGE} on the device first, in the same graph), the bytes past the last element
 * are zero, and nothing past the plane's used part is touched.
 */
class ExponentPlaneDecodeTest {

    private static final int GARBAGE = 0xA5A5A5A5;
    private static final int SLACK = 64;
    private static final Df11Encoder ENCODER = new Df11Encoder(2);

    static List<String> officialVectors() {
        return OfficialVectors.NAMES;
    }

    /** Includes all_patterns_exp_lt_240, 32-bit codes, an element count of 1M + 3 and stories15M's layer 0. */
    @ParameterizedTest
    @MethodSource("officialVectors")
    void officialVectorsDecodeToThePlane(String name) {
        try (OfficialVectors.Vector vector = OfficialVectors.open(name)) {
            assertPlaneLikeCpu(vector.unit(), "plane_" + name);
        }
    }

    /** Every BF16 pattern DF11 can encode (exponents below 240), in order. */
    @Test
    void everyEncodablePattern() {
        assertPlaneLikeCpu(ENCODER.encode("all_patterns", List.of(TestWeights.allPatternsBelowExponent(240))),
                "plane_all");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 4095, 200_003})
    void edgeSizes(int n) {
        assertPlaneLikeCpu(ENCODER.encode("gauss" + n, List.of(TestWeights.gaussian(n, n))), "plane_gauss" + n);
    }

    /**
     * 32 equally frequent exponents: every code is 5 bits, so block g starts at element ceil(32768 g / 5): 6554, 13108,
     * 19661, 26215, 32768, ... (every offset mod 4). Cut after 1 to 3 elements of block 3 or 4, the unit ends with a
     * tiny block: inside one quad shared with the previous block and, unless the end is a multiple of 4, with the
     * zero bytes past the last element; or reaching one element into the next quad.
     */
    @ParameterizedTest
    @ValueSource(ints = {40_000, 19_662, 19_663, 19_664, 26_216, 26_217, 26_218})
    void blockStartsAtEveryOffsetAndTinyLastBlocks(int n) {
        Df11Unit unit = fiveBitCodes(n);
        List<Long> starts = blockStarts(unit);
        long last = starts.getLast();
        if (n == 40_000) {
            TreeSet<Long> offsets = new TreeSet<>();
            starts.forEach(s -> offsets.add(s & 3));
            assertEquals(4, offsets.size(), "block starts " + starts);
        } else {
            assertTrue(n - last >= 1 && n - last <= 3, "last block of " + (n - last) + " elements: " + starts);
        }
        assertPlaneLikeCpu(unit, "plane_five" + n);
    }

    /** Fibonacci counts over 33 exponents: 32-bit codes through chains of four tables. */
    @Test
    void thirtyTwoBitCodes() {
        assertPlaneLikeCpu(ENCODER.encode("fib33", List.of(TestWeights.withExponentCounts(33,
                Histograms.fibonacci(90, 33)))), "plane_fib33");
    }

    /** All 16 tables the layout allows. */
    @Test
    void sixteenTables() {
        long[] counts = Histograms.dyadic(Histograms.lengthsNeedingChildTables(15));
        for (int e = 0; e < counts.length; e++) {
            counts[e] *= 40;
        }
        Df11Unit unit = ENCODER.encode("tables16", List.of(TestWeights.withExponentCounts(16, counts)));
        assertEquals(17, unit.luts().byteSize() / 256);
        assertPlaneLikeCpu(unit, "plane_tables16");
    }

    /** Over 30,000 elements per block: quads past the 16,384-element stage, the tail quad included, stored directly. */
    @Test
    void blocksLongerThanTheStage() {
        long[] counts = new long[256];
        counts[120] = 200_001;
        counts[121] = 702;
        Df11Unit unit = ENCODER.encode("onebit", List.of(TestWeights.withExponentCounts(1, counts)));
        assertTrue(unit.outputPosition(1) > 4 * 4096, "first block " + unit.outputPosition(1));
        assertPlaneLikeCpu(unit, "plane_onebit");
    }

    /**
     * Two decodes into one plane in one graph, as the forward pass reuses one buffer for every layer: the second
     * (smaller, with other block boundaries) must overwrite every quad the first left, shared quads included; the
     * first's plane is copied aside in between. Then the graph runs again.
     */
    @Test
    void oneBufferReusedForTwoUnitsInOneGraph() {
        Df11Unit first = ENCODER.encode("first", List.of(TestWeights.gaussian(21, 120_001)));
        Df11Unit second = fiveBitCodes(40_000);
        CompressedUnit a = CompressedUnit.of(first);
        CompressedUnit b = CompressedUnit.of(second);
        IntArray plane = new IntArray(Df11Tasks.exponentWords(first.elementCount()) + SLACK);
        IntArray firstCopy = new IntArray(plane.getSize());
        TaskGraph graph = new TaskGraph("reuse").transferToDevice(DataTransferMode.FIRST_EXECUTION, plane, firstCopy)
                .task("fill", ExponentPlaneDecodeTest::fill, plane, GARBAGE);
        DecodeTask decodeA = Df11Tasks.addExponentDecode(graph, "decodeA", a, plane);
        graph.task("copy", ExponentPlaneDecodeTest::copy, plane, firstCopy);
        DecodeTask decodeB = Df11Tasks.addExponentDecode(graph, "decodeB", b, plane);
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, plane, firstCopy);
        GridScheduler grids = decodeB.registerIn(decodeA.registerIn(new GridScheduler()));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(grids)) {
            for (int run = 0; run < 2; run++) {
                var result = plan.execute();
                decodeA.verify(result);
                decodeB.verify(result);
                assertPlane(first, firstCopy, "first unit, run " + run);
                assertPlane(second, plane, "second unit over the first, run " + run);
                int from = Df11Tasks.exponentWords(second.elementCount());
                for (int q = from; q < Df11Tasks.exponentWords(first.elementCount()); q++) {
                    assertEquals(firstCopy.get(q), plane.get(q), "int " + q + " past the second unit");
                }
            }
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPlaneTooSmallIsRefusedNamingTheUnit() {
        CompressedUnit unit = CompressedUnit.of(ENCODER.encode("small", List.of(TestWeights.gaussian(9, 5_001))));
        assertEquals(1_251, Df11Tasks.exponentWords(5_001));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Df11Tasks.addExponentDecode(new TaskGraph("mine"), "decodeSmall", unit, new IntArray(1_250)));
        assertTrue(e.getMessage().contains("'small'") && e.getMessage().contains("mine.decodeSmall")
                && e.getMessage().contains("1250") && e.getMessage().contains("1251"), e.getMessage());
    }

    @Test
    void theTaskRegistersBothGridsAndHandsBackThePlane() {
        CompressedUnit unit = CompressedUnit.of(ENCODER.encode("small", List.of(TestWeights.gaussian(9, 5_000))));
        IntArray plane = new IntArray(Df11Tasks.exponentWords(5_000));
        DecodeTask task = Df11Tasks.addExponentDecode(new TaskGraph("g"), "d", unit, plane);
        assertSame(plane, task.exponentPlane());
        assertEquals("v3f-exponent-plane", task.kernel());
        assertEquals("dJoin", task.joinTaskName());
        GridScheduler grids = task.registerIn(new GridScheduler());
        assertTrue(grids.contains("g", "d") && grids.contains("g", "dJoin"));
        assertThrows(IllegalStateException.class, task::output);
        assertSame(unit.signMantissaWords(), unit.signMantissaWords());
    }

    /** Decodes {@code unit} through the API into a plane filled with garbage on the device, and checks it. */
    private static void assertPlaneLikeCpu(Df11Unit unit, String graphName) {
        CompressedUnit compressed = CompressedUnit.of(unit);
        IntArray plane = new IntArray(Df11Tasks.exponentWords(unit.elementCount()) + SLACK);
        TaskGraph graph = new TaskGraph(graphName).transferToDevice(DataTransferMode.FIRST_EXECUTION, plane)
                .task("fill", ExponentPlaneDecodeTest::fill, plane, GARBAGE);
        DecodeTask decode = Df11Tasks.addExponentDecode(graph, "decode", compressed, plane);
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, plane);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())
                .withGridScheduler(decode.registerIn(new GridScheduler()))) {
            decode.verify(plan.execute());
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
        assertPlane(unit, plane, graphName);
        for (int q = Df11Tasks.exponentWords(unit.elementCount()); q < plane.getSize(); q++) {
            assertEquals(GARBAGE, plane.get(q), graphName + ": int " + q + " lies past the plane and was written");
        }
    }

    /** The plane holds the CPU decoder's exponents, and zero bytes past the last element. */
    private static void assertPlane(Df11Unit unit, IntArray plane, String what) {
        short[] cpu = UserGraphs.cpuDecode(unit);
        for (int i = 0; i < cpu.length; i++) {
            int expected = (cpu[i] >> 7) & 0xFF;
            int actual = (plane.get(i >> 2) >>> (8 * (i & 3))) & 0xFF;
            if (expected != actual) {
                fail(what + ": element " + i + " (int " + (i >> 2) + " = " + Integer.toHexString(plane.get(i >> 2))
                        + ") has exponent " + actual + ", the CPU decoder " + expected);
            }
        }
        int n = cpu.length;
        if ((n & 3) != 0) {
            assertEquals(0, plane.get(n >> 2) >>> (8 * (n & 3)), what + ": bytes past element " + n + " of int "
                    + (n >> 2) + " = " + Integer.toHexString(plane.get(n >> 2)));
        }
    }

    /** {@code n} values over 32 equally frequent exponents (100..131): every code is 5 bits long. */
    private static Df11Unit fiveBitCodes(int n) {
        long[] counts = new long[256];
        for (int k = 0; k < 32; k++) {
            counts[100 + k] = n / 32 + (k < n % 32 ? 1 : 0);
        }
        return ENCODER.encode("five" + n, List.of(TestWeights.withExponentCounts(n, counts)));
    }

    private static List<Long> blockStarts(Df11Unit unit) {
        List<Long> starts = new ArrayList<>();
        for (int g = 0; g < unit.blockCount(); g++) {
            starts.add(unit.outputPosition(g));
        }
        return starts;
    }

    static void fill(IntArray array, int value) {
        for (@Parallel int i = 0; i < array.getSize(); i++) {
            array.set(i, value);
        }
    }

    static void copy(IntArray from, IntArray to) {
        for (@Parallel int i = 0; i < from.getSize(); i++) {
            to.set(i, from.get(i));
        }
    }
}
