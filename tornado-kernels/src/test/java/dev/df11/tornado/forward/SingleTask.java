package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** Runs one kernel task on TornadoVM's default device: inputs copied in, outputs copied back. */
final class SingleTask {

    private static final AtomicInteger GRAPHS = new AtomicInteger();

    private SingleTask() {
    }

    /**
     * @param task    adds the task named "k" to the graph
     * @param grid    the launch grid of "k"
     * @param inputs  objects copied to the device (outputs that the kernel reads too belong here as well)
     * @param outputs objects copied back
     */
    static void run(UnaryOperator<TaskGraph> task, WorkerGrid grid, Object[] inputs, Object... outputs) {
        String name = "single" + GRAPHS.incrementAndGet();
        TaskGraph graph = new TaskGraph(name).transferToDevice(DataTransferMode.EVERY_EXECUTION, inputs);
        graph = task.apply(graph).transferToHost(DataTransferMode.EVERY_EXECUTION, outputs);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(new GridScheduler(name + ".k", grid)).execute();
        } catch (Exception e) {
            throw new IllegalStateException("running kernel graph " + name, e);
        }
    }

    static Object[] in(Object... inputs) {
        return inputs;
    }
}
