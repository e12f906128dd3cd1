package dev.df11.tornado.api;

import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.Df11DeviceUnit;
import dev.df11.tornado.decode.KernelVersion;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The one place that knows each kernel version's method and argument list. The switch has no default on purpose: a
 * new {@link KernelVersion} does not compile until it is bound here (one line).
 */
final class KernelBinding {

    private KernelBinding() {
    }

    /** Adds task {@code taskName} running {@code version} on {@code unit}, writing {@code output} and {@code status}. */
    static TaskGraph addTask(TaskGraph graph, String taskName, KernelVersion version, Df11DeviceUnit unit,
            ShortArray output, IntArray status) {
        KernelContext context = new KernelContext();
        return switch (version) {
            case V1_GLOBAL -> graph.task(taskName, DecodeKernels::decodeGlobal, context, unit.luts(), unit.codes(),
                    unit.signMantissa(), unit.outputPositions(), unit.gaps(), output, status, unit.lutRows(),
                    unit.codeBytes(), unit.gapBytes(), unit.elements());
            case V2_STAGED -> graph.task(taskName, DecodeKernels::decodeStaged, context, unit.luts(), unit.codes(),
                    unit.signMantissa(), unit.outputPositions(), unit.gaps(), output, status, unit.lutRows(),
                    unit.codeBytes(), unit.gapBytes(), unit.elements());
        };
    }

    /** The launch {@code version} needs for {@code unit}: one work-group of 512 work-items per 4096-byte block. */
    static WorkerGrid grid(KernelVersion version, Df11DeviceUnit unit) {
        int groupSize = switch (version) {
            case V1_GLOBAL, V2_STAGED -> DecodeKernels.THREADS;
        };
        WorkerGrid1D grid = new WorkerGrid1D(unit.blocks() * groupSize);
        grid.setLocalWork(groupSize, 1, 1);
        return grid;
    }
}
