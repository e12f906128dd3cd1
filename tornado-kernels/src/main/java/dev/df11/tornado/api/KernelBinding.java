package dev.df11.tornado.api;

import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.ExponentPlaneKernels;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.decode.SinglePassKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The one place that binds the product's decode kernels to a task graph: their inputs, methods, argument lists and
 * launch grids. Two kernels: v3-single-pass (BF16 values into a {@code ShortArray}, for the embedding API) and
 * v3f-exponent-plane (exponents only, for the forward pass). The versions they grew from live in the
 * {@code kernel-lab} module.
 */
final class KernelBinding {

    /** Label of the BF16-writing kernel, for messages and reports. */
    static final String BF16_KERNEL = "v3-single-pass";
    /** Label of the exponent-plane kernel. */
    static final String EXPONENT_KERNEL = "v3f-exponent-plane";

    private KernelBinding() {
    }

    /**
     * Adds to {@code graph} the transfer of what v3 reads (first execution only) and task {@code taskName} decoding
     * {@code unit} into {@code output} and {@code status}.
     */
    static void addBf16Task(TaskGraph graph, String taskName, CompressedUnit unit, ShortArray output,
            IntArray status) {
        PackedInputs packed = unit.packedInputs();
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.codeWords(),
                        unit.signMantissaWords(), unit.outputPositions(), unit.gaps())
                .task(taskName, SinglePassKernels::decodeSinglePass, new KernelContext(), packed.tables(),
                        packed.codeWords(), unit.signMantissaWords(), unit.outputPositions(), unit.gaps(), output,
                        status, unit.gapBytes(), unit.elements());
    }

    /**
     * Adds to {@code graph} the transfer (first execution only) of what v3f reads and of the {@code boundary} scratch
     * array ({@code 2 * blocks} ints), then task {@code taskName} decoding {@code unit}'s exponents into
     * {@code exponents} (whole quads) and {@code boundary} (shared quads), then task {@code joinTaskName} writing the
     * shared quads into {@code exponents}.
     */
    static void addExponentTasks(TaskGraph graph, String taskName, String joinTaskName, CompressedUnit unit,
            IntArray exponents, IntArray boundary, IntArray status) {
        PackedInputs packed = unit.packedInputs();
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.pairs(), packed.triples(),
                        packed.codeWords(), unit.outputPositions(), unit.gaps(), boundary)
                .task(taskName, ExponentPlaneKernels::decodeToExponents, new KernelContext(), packed.tables(),
                        packed.pairs(), packed.triples(), packed.codeWords(), unit.outputPositions(), unit.gaps(),
                        exponents, boundary, status, unit.gapBytes(), unit.elements())
                .task(joinTaskName, ExponentPlaneKernels::joinBoundaries, new KernelContext(),
                        unit.outputPositions(), boundary, exponents, unit.blocks(), unit.elements());
    }

    /** The launch of a decode kernel: one work-group of 512 work-items per 4096-byte block. */
    static WorkerGrid grid(CompressedUnit unit) {
        WorkerGrid1D grid = new WorkerGrid1D(unit.blocks() * DecodeKernels.THREADS);
        grid.setLocalWork(DecodeKernels.THREADS, 1, 1);
        return grid;
    }

    /** The launch of v3f's join: one work-item per block boundary ({@code blocks + 1}), groups of 256. */
    static WorkerGrid joinGrid(CompressedUnit unit) {
        int groupSize = ExponentPlaneKernels.JOIN_THREADS;
        int groups = (unit.blocks() + 1 + groupSize - 1) / groupSize;
        WorkerGrid1D grid = new WorkerGrid1D(groups * groupSize);
        grid.setLocalWork(groupSize, 1, 1);
        return grid;
    }
}
