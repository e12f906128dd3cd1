package dev.df11.tornado.api;

import dev.df11.format.codec.Df11FormatException;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Puts DF11 decoding into your own TornadoVM task graphs.
 *
 * <pre>{@code
 * CompressedUnit layer = CompressedUnit.load(modelDir, "model.layers.0");
 * ShortArray weights = layer.allocateOutput();                       // BF16 bits of all 7 matrices
 * TaskGraph graph = new TaskGraph("layer0").transferToDevice(DataTransferMode.FIRST_EXECUTION, x);
 * DecodeTask decode = Df11Tasks.addDecode(graph, "decode", layer, weights);
 * graph.task("q", MyKernels::matVec, weights, layer.matrix("model.layers.0.self_attn.q_proj.weight").offset(), ...)
 *      .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
 * GridScheduler grids = decode.registerIn(new GridScheduler());   // plus your own tasks' grids
 * try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(grids)) {
 *     decode.verify(plan.execute());
 * }
 * }</pre>
 *
 * <p>What {@link #addDecode} adds to the graph: a {@code transferToDevice(FIRST_EXECUTION, ...)} of the unit's
 * arrays in kernel-ready form ({@link CompressedUnit}; moved once, then resident, and shared by every task that
 * decodes the same unit), the decode task (v3-single-pass), and the per-block status array kept on the device
 * ({@code UNDER_DEMAND}). The output array is left alone: it stays on the device for your next task in the same
 * graph; add {@code persistOnDevice(output)} to hand it to another graph of the same plan
 * ({@code consumeFromDevice(graphName, output)} there), or {@code transferToHost(..., output)} to read it on the host.
 * The task writes elements {@code [0, unit.elements())} of the output on every execution, and nothing past them.
 *
 * <p>Give each decode task an output array of its own. TornadoVM 5.2 does not copy an array to the device when it
 * deduces that a kernel only writes it, whatever {@code transferToDevice} says (it deduced so for a lab kernel), so
 * what an output holds past {@code unit.elements()} on the device is unspecified.
 */
public final class Df11Tasks {

    private Df11Tasks() {
    }

    /**
     * Adds a task to {@code graph} that decodes {@code unit} into {@code output} as BF16 bit patterns: element
     * {@code i} of the unit (matrix {@code m}'s elements start at {@code unit.matrixOffset(m)}) lands in
     * {@code output[i]}. Register the returned task's grid in your plan's {@code GridScheduler}
     * ({@link DecodeTask#registerIn}).
     *
     * <p>Checked here, before anything is launched: the unit was validated when it was created; the output must hold
     * at least {@code unit.elements()} values; the unit must not be empty (TornadoVM cannot launch an empty grid);
     * the task name must not contain a dot (grids are keyed {@code graph.task}).
     *
     * @param graph    your task graph
     * @param taskName the decode task's name in it
     * @param unit     the compressed unit
     * @param output   where the BF16 values go, at least {@code unit.elements()} long
     * @return the task, to register its grid and to check its per-block status
     * @throws Df11FormatException      when {@code output} is too small (names the unit, the graph and the task)
     * @throws IllegalArgumentException when the unit is empty or the task name is unusable
     */
    public static DecodeTask addDecode(TaskGraph graph, String taskName, CompressedUnit unit, ShortArray output) {
        String graphName = graph.getTaskGraphName();
        String id = checkTask(graphName, taskName, unit);
        if (output.getSize() < unit.elements()) {
            throw new Df11FormatException(unit.name(), unit.source(), "task " + id + ": the output ShortArray holds "
                    + output.getSize() + " values; the unit decodes to " + unit.elements()
                    + " (use unit.allocateOutput())", null);
        }
        IntArray status = new IntArray(unit.blocks());
        KernelBinding.addBf16Task(graph, taskName, unit, output, status);
        graph.transferToHost(DataTransferMode.UNDER_DEMAND, status);
        return new DecodeTask(graphName, taskName, unit, output, status, KernelBinding.BF16_KERNEL,
                KernelBinding.grid(unit));
    }

    /** Ints of an exponent plane of {@code elements} exponents, four per int: {@code ceil(elements / 4)}. */
    public static int exponentWords(long elements) {
        return Math.toIntExact((elements + 3) / 4);
    }

    /**
     * Adds to {@code graph} a decode of {@code unit}'s exponents only, with the v3f kernel
     * ({@link dev.df11.tornado.decode.ExponentPlaneKernels}):
     * element {@code i}'s 8-bit exponent lands in byte {@code i & 3} (bits {@code 8 * (i & 3)} up) of
     * {@code exponents[i >> 2]}; the bytes of the last int past {@code unit.elements()} are zero. Combine it with
     * {@link CompressedUnit#signMantissaWords()} (same alignment) to rebuild BF16:
     * {@code ((sm & 0x80) << 8) | (exponent << 7) | (sm & 0x7F)}.
     *
     * <p>Two tasks are added: {@code taskName}, the decode, and {@code taskName + "Join"}, which writes the ints shared
     * by two blocks (see {@link dev.df11.tornado.decode.ExponentPlaneKernels}); the returned task's
     * {@link DecodeTask#registerIn} registers both grids. The compressed arrays and a scratch array of
     * {@code 2 * unit.blocks()} ints are moved to the device on the first execution only. Every execution writes all
     * {@code exponentWords(unit.elements())} ints of {@code exponents} and nothing past them, so one plane can be
     * reused for several units in turn. {@link DecodeTask#verify} works as for the other kernels.
     *
     * @param exponents the exponent plane, at least {@link #exponentWords exponentWords(unit.elements())} ints
     * @throws IllegalArgumentException when {@code exponents} is too small (names the unit, the graph and the task),
     *                                  the unit is empty or the task name is unusable
     */
    public static DecodeTask addExponentDecode(TaskGraph graph, String taskName, CompressedUnit unit,
            IntArray exponents) {
        String graphName = graph.getTaskGraphName();
        String id = checkTask(graphName, taskName, unit);
        int words = exponentWords(unit.elements());
        if (exponents.getSize() < words) {
            throw new IllegalArgumentException("unit '" + unit.name() + "', task " + id + ": the exponent plane holds "
                    + exponents.getSize() + " ints; the unit's " + unit.elements() + " exponents need " + words
                    + " (Df11Tasks.exponentWords)");
        }
        String joinTaskName = taskName + "Join";
        IntArray status = new IntArray(unit.blocks());
        IntArray boundary = new IntArray(2 * unit.blocks());
        KernelBinding.addExponentTasks(graph, taskName, joinTaskName, unit, exponents, boundary, status);
        graph.transferToHost(DataTransferMode.UNDER_DEMAND, status);
        return new DecodeTask(graphName, taskName, unit, exponents, status, KernelBinding.EXPONENT_KERNEL,
                KernelBinding.grid(unit), joinTaskName, KernelBinding.joinGrid(unit));
    }

    /** Checks the task name and that the unit is not empty; returns {@code graph.task}. */
    private static String checkTask(String graphName, String taskName, CompressedUnit unit) {
        String id = graphName + "." + taskName;
        if (taskName == null || taskName.isEmpty() || taskName.contains(".")) {
            throw new IllegalArgumentException("decode task name '" + taskName + "' in graph '" + graphName
                    + "' must be non-empty and contain no '.'");
        }
        if (unit.elements() == 0 || unit.blocks() == 0) {
            throw new IllegalArgumentException("unit '" + unit.name() + "' is empty; task " + id
                    + " would have nothing to decode");
        }
        return id;
    }
}
