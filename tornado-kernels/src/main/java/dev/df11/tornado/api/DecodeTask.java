package dev.df11.tornado.api;

import dev.df11.format.codec.Df11FormatException;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * A DF11 decode task that {@link Df11Tasks#addDecode} put into your task graph: its launch grid under your graph's and
 * task's names, and the per-block status the kernel writes.
 *
 * <p>The kernel is a {@code KernelContext} kernel: it must run with its own grid (one work-group of 512 work-items per
 * 4096-byte block). Register it in the {@code GridScheduler} you give your execution plan, next to your own tasks'
 * grids, with {@link #registerIn}; without it TornadoVM would launch the task with a default grid that decodes
 * nothing useful.
 *
 * <p>{@link #verify} tells whether the last run agreed with the unit's positions: each work-group compares the codes
 * it found with {@code outputPositions} and writes 0 or 1 into {@link #status()}, which stays on the device until
 * {@code verify} fetches it (a small transfer of {@code blocks} ints; do it once after the first run, or whenever
 * the data may have changed).
 */
public final class DecodeTask {

    private final String graphName;
    private final String taskName;
    private final CompressedUnit unit;
    /** A {@link ShortArray} of BF16 values, or an {@link IntArray} exponent plane (when {@code joinTaskName} is set). */
    private final TornadoNativeArray output;
    private final IntArray status;
    private final String kernel;
    private final WorkerGrid grid;
    /** The second task of an exponent-plane decode (v3f's join), or null. */
    private final String joinTaskName;
    private final WorkerGrid joinGrid;

    DecodeTask(String graphName, String taskName, CompressedUnit unit, TornadoNativeArray output, IntArray status,
            String kernel, WorkerGrid grid) {
        this(graphName, taskName, unit, output, status, kernel, grid, null, null);
    }

    /** A decode of two tasks: {@code taskName}, then {@code joinTaskName} with its own grid. */
    DecodeTask(String graphName, String taskName, CompressedUnit unit, TornadoNativeArray output, IntArray status,
            String kernel, WorkerGrid grid, String joinTaskName, WorkerGrid joinGrid) {
        this.graphName = graphName;
        this.taskName = taskName;
        this.unit = unit;
        this.output = output;
        this.status = status;
        this.kernel = kernel;
        this.grid = grid;
        this.joinTaskName = joinTaskName;
        this.joinGrid = joinGrid;
    }

    /** The name of the task graph the task was added to. */
    public String graphName() {
        return graphName;
    }

    /** The task's name in that graph. */
    public String taskName() {
        return taskName;
    }

    /** {@code graph.task}: the key of this task in a {@code GridScheduler}. */
    public String id() {
        return graphName + "." + taskName;
    }

    /** The unit being decoded. */
    public CompressedUnit unit() {
        return unit;
    }

    /**
     * The BF16 output array (on the host only after you transfer it there).
     *
     * @throws IllegalStateException when the task writes an exponent plane ({@link #exponentPlane()})
     */
    public ShortArray output() {
        if (output instanceof ShortArray shorts) {
            return shorts;
        }
        throw new IllegalStateException("task " + id() + " writes an exponent plane; use exponentPlane()");
    }

    /**
     * The exponent plane (element {@code i}'s exponent in byte {@code i & 3} of int {@code i >> 2}), for a task added
     * with {@link Df11Tasks#addExponentDecode}.
     *
     * @throws IllegalStateException when the task writes BF16 values
     */
    public IntArray exponentPlane() {
        if (output instanceof IntArray plane) {
            return plane;
        }
        throw new IllegalStateException("task " + id() + " writes BF16 values, not an exponent plane");
    }

    /** The name of the second task (the join of an exponent-plane decode), or null when the decode is one task. */
    public String joinTaskName() {
        return joinTaskName;
    }

    /** One status word per block: 0 when its codes agreed with the unit's positions (fetched by {@link #verify}). */
    public IntArray status() {
        return status;
    }

    /** The label of the decode kernel the task runs ({@code v3-single-pass} or {@code v3f-exponent-plane}). */
    public String kernel() {
        return kernel;
    }

    /** The launch grid the task needs. */
    public WorkerGrid workerGrid() {
        return grid;
    }

    /**
     * Adds this task's grid to {@code scheduler} under {@link #id()}, and for an exponent-plane decode the join's
     * grid under {@code graph.} {@link #joinTaskName()}.
     *
     * @return {@code scheduler}, for chaining
     * @throws IllegalStateException when {@code scheduler} already has a grid for this task
     */
    public GridScheduler registerIn(GridScheduler scheduler) {
        if (scheduler.contains(graphName, taskName)) {
            throw new IllegalStateException("the GridScheduler already has a grid for task " + id());
        }
        if (joinTaskName != null && scheduler.contains(graphName, joinTaskName)) {
            throw new IllegalStateException("the GridScheduler already has a grid for task " + graphName + "."
                    + joinTaskName);
        }
        scheduler.addWorkerGrid(id(), grid);
        if (joinTaskName != null) {
            scheduler.addWorkerGrid(graphName + "." + joinTaskName, joinGrid);
        }
        return scheduler;
    }

    /**
     * Copies the per-block status of the last execution of the task's graph to the host and checks it.
     *
     * @param result what {@code execute()} of the plan running this task's graph returned
     * @throws Df11FormatException naming the unit, this task and the first bad block when a block's codes disagree
     *                             with the unit's positions (corrupt stream, gaps or positions)
     */
    public void verify(TornadoExecutionResult result) {
        result.transferToHost(status);
        for (int b = 0; b < unit.blocks(); b++) {
            if (status.get(b) != 0) {
                throw new Df11FormatException(unit.name(), unit.source(), "task " + id() + ", block " + b
                        + ": the codes found in its stream bytes disagree with output_positions (corrupt"
                        + " encoded_exponent, gaps or output_positions)", null);
            }
        }
    }

    @Override
    public String toString() {
        return "DecodeTask{" + id() + ", unit " + unit.name() + ", " + kernel + "}";
    }
}
