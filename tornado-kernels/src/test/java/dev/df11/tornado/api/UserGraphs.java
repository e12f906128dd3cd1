package dev.df11.tornado.api;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a user's code does with the API, in the shortest form the tests need, and the CPU oracle. */
public final class UserGraphs {

    /** Extra output values past the unit. */
    public static final int SLACK = 1024;
    private static final short SENTINEL = 0x5A5A;

    private UserGraphs() {
    }

    /**
     * Decodes {@code unit} in a one-task graph of the caller's, into an output {@link #SLACK} values longer than the
     * unit (allowed; what lies past the unit is unspecified, see {@link Df11Tasks}), reads the output back and
     * verifies the status.
     */
    public static short[] decodeInOwnGraph(String graphName, CompressedUnit unit) {
        ShortArray output = new ShortArray(unit.elements() + SLACK);
        output.init(SENTINEL);   // an element the kernel skipped cannot look right by accident (where copied in)
        TaskGraph graph = new TaskGraph(graphName).transferToDevice(DataTransferMode.FIRST_EXECUTION, output);
        DecodeTask decode = Df11Tasks.addDecode(graph, "decode", unit, output);
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, output);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())
                .withGridScheduler(decode.registerIn(new GridScheduler()))) {
            decode.verify(plan.execute());
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
        return Arrays.copyOf(output.toHeapArray(), unit.elements());
    }

    /** The CPU decoder's output for {@code unit}. */
    public static short[] cpuDecode(Df11Unit unit) {
        short[] words = new short[Math.toIntExact(unit.elementCount())];
        new Df11Decoder(2).decode(unit, MemorySegment.ofArray(words));
        return words;
    }

    /** Asserts {@code device} equals {@code cpu} bit for bit, naming the first differing element. */
    public static void assertSameBits(short[] cpu, short[] device, String what) {
        assertEquals(cpu.length, device.length, what + ": length");
        for (int i = 0; i < cpu.length; i++) {
            if (cpu[i] != device[i]) {
                assertEquals(cpu[i], device[i], what + ": element " + i + " differs from the CPU decoder");
            }
        }
    }
}
