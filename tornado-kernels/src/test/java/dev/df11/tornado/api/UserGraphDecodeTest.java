package dev.df11.tornado.api;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.OfficialVectors;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A decode task added to a graph of the caller's reproduces the official DFloat11 vectors bit for bit, and bad input
 * is refused with a message naming the unit and the task.
 */
class UserGraphDecodeTest {

    static List<String> officialVectors() {
        return OfficialVectors.NAMES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("officialVectors")
    void officialVectorDecodesBitForBitInAUserGraph(String name) {
        try (OfficialVectors.Vector vector = OfficialVectors.open(name)) {
            short[] cpu = UserGraphs.cpuDecode(vector.unit());
            assertArrayEquals(vector.concatenatedOriginals(), cpu, "the CPU decoder disagrees with " + name);
            CompressedUnit unit = CompressedUnit.of(vector.unit());
            assertEquals(vector.originals().size(), unit.matrixCount());
            UserGraphs.assertSameBits(cpu, UserGraphs.decodeInOwnGraph("user_" + name, unit), name);
        }
    }

    @Test
    void anOutputTooSmallIsRefusedBeforeLaunch() {
        CompressedUnit unit = CompressedUnit.of(new Df11Encoder(2).encode("small", List.of(
                TestWeights.gaussian(9, 5_000))));
        TaskGraph graph = new TaskGraph("mine");
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> Df11Tasks.addDecode(graph, "decodeSmall", unit, new ShortArray(4_999)));
        assertTrue(e.getMessage().contains("'small'") && e.getMessage().contains("mine.decodeSmall")
                && e.getMessage().contains("4999") && e.getMessage().contains("5000"), e.getMessage());
    }

    @Test
    void unusableTaskNamesAndEmptyUnitsAreRefused() {
        CompressedUnit unit = CompressedUnit.of(new Df11Encoder(2).encode("small", List.of(
                TestWeights.gaussian(9, 100))));
        IllegalArgumentException dotted = assertThrows(IllegalArgumentException.class,
                () -> Df11Tasks.addDecode(new TaskGraph("g"), "a.b", unit, unit.allocateOutput()));
        assertTrue(dotted.getMessage().contains("'a.b'"), dotted.getMessage());

        CompressedUnit empty = CompressedUnit.of(new Df11Encoder(2).encode("nothing", List.of(
                TestWeights.gaussian(9, 0))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Df11Tasks.addDecode(new TaskGraph("g"), "d", empty, new ShortArray(1)));
        assertTrue(e.getMessage().contains("'nothing'") && e.getMessage().contains("g.d"), e.getMessage());
    }

    @Test
    void aGridIsRegisteredOnceUnderTheUsersNames() {
        CompressedUnit unit = CompressedUnit.of(new Df11Encoder(2).encode("small", List.of(
                TestWeights.gaussian(9, 100_000))));
        DecodeTask task = Df11Tasks.addDecode(new TaskGraph("forward"), "decodeLayer3", unit,
                unit.allocateOutput());
        GridScheduler scheduler = task.registerIn(new GridScheduler());
        assertEquals("forward.decodeLayer3", task.id());
        assertTrue(scheduler.contains("forward", "decodeLayer3"));
        assertArrayEquals(new long[] {unit.blocks() * 512L, 1, 1}, task.workerGrid().getGlobalWork());
        assertArrayEquals(new long[] {512, 1, 1}, task.workerGrid().getLocalWork());
        assertThrows(IllegalStateException.class, () -> task.registerIn(scheduler));
    }

    /** Positions that pass the host's checks but disagree with the stream: caught per block by verify(). */
    @Test
    void aCorruptUnitThatPassesTheHostChecksIsReportedByVerify() {
        Df11Unit good = new Df11Encoder(2).encode("gauss", List.of(TestWeights.gaussian(5, 50_000)));
        MemorySegment positions = Arena.ofAuto().allocate(good.outputPositions().byteSize());
        positions.copyFrom(good.outputPositions());
        positions.set(ValueLayout.JAVA_INT_UNALIGNED, 4, positions.get(ValueLayout.JAVA_INT_UNALIGNED, 4) + 1);
        CompressedUnit bad = CompressedUnit.of(new Df11Unit("gauss", good.luts(), good.encodedExponent(),
                good.signMantissa(), positions, good.gaps(), good.splitPositions()));

        ShortArray output = bad.allocateOutput();
        TaskGraph graph = new TaskGraph("corrupt");
        DecodeTask decode = Df11Tasks.addDecode(graph, "decode", bad, output);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())
                .withGridScheduler(decode.registerIn(new GridScheduler()))) {
            var result = plan.execute();
            Df11FormatException e = assertThrows(Df11FormatException.class, () -> decode.verify(result));
            assertTrue(e.getMessage().contains("'gauss'") && e.getMessage().contains("corrupt.decode")
                    && e.getMessage().contains("block 0"), e.getMessage());
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
    }
}
