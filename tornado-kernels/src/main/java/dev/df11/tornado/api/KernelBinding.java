package dev.df11.tornado.api;

import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.Df11DeviceUnit;
import dev.df11.tornado.decode.ExponentPlaneKernels;
import dev.df11.tornado.decode.KernelVersion;
import dev.df11.tornado.decode.OneDecodeKernels;
import dev.df11.tornado.decode.PairDecodeKernels;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.decode.SinglePassKernels;
import dev.df11.tornado.decode.WordWriteKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The one place that knows each kernel version's inputs, method and argument list. The switches have no default on
 * purpose: a new {@link KernelVersion} does not compile until it is bound here.
 */
final class KernelBinding {

    private KernelBinding() {
    }

    /**
     * Adds to {@code graph} the transfer of the arrays {@code version} reads (on the first execution only) and task
     * {@code taskName} running it on {@code unit}, writing {@code output} and {@code status}.
     */
    static void addTask(TaskGraph graph, String taskName, KernelVersion version, CompressedUnit unit,
            ShortArray output, IntArray status) {
        Df11DeviceUnit u = unit.deviceUnit();
        KernelContext context = new KernelContext();
        switch (version) {
            case V1_GLOBAL -> graph
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, u.luts(), u.codes(), u.signMantissa(),
                            u.outputPositions(), u.gaps())
                    .task(taskName, DecodeKernels::decodeGlobal, context, u.luts(), u.codes(), u.signMantissa(),
                            u.outputPositions(), u.gaps(), output, status, u.lutRows(), u.codeBytes(), u.gapBytes(),
                            u.elements());
            case V2_STAGED -> graph
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, u.luts(), u.codes(), u.signMantissa(),
                            u.outputPositions(), u.gaps())
                    .task(taskName, DecodeKernels::decodeStaged, context, u.luts(), u.codes(), u.signMantissa(),
                            u.outputPositions(), u.gaps(), output, status, u.lutRows(), u.codeBytes(), u.gapBytes(),
                            u.elements());
            case V3_SINGLE_PASS -> {
                PackedInputs packed = unit.packedInputs();
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.codeWords(),
                                u.signMantissa(), u.outputPositions(), u.gaps())
                        .task(taskName, SinglePassKernels::decodeSinglePass, context, packed.tables(),
                                packed.codeWords(), u.signMantissa(), u.outputPositions(), u.gaps(), output, status,
                                u.gapBytes(), u.elements());
            }
            case V3B_ONE_DECODE -> {
                PackedInputs packed = unit.packedInputs();
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.codeWords(),
                                u.signMantissa(), u.outputPositions(), u.gaps())
                        .task(taskName, OneDecodeKernels::decodeOnce, context, packed.tables(), packed.codeWords(),
                                u.signMantissa(), u.outputPositions(), u.gaps(), output, status, u.gapBytes(),
                                u.elements());
            }
            case V3C_PAIRS -> {
                PackedInputs packed = unit.packedInputs();
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.pairs(),
                                packed.codeWords(), u.signMantissa(), u.outputPositions(), u.gaps())
                        .task(taskName, PairDecodeKernels::decodePairs, context, packed.tables(), packed.pairs(),
                                packed.codeWords(), u.signMantissa(), u.outputPositions(), u.gaps(), output, status,
                                u.gapBytes(), u.elements());
            }
            // These write two BF16 values per int into an IntArray; TornadoVM 5.2 cannot alias a user's ShortArray
            // as one on the device, so a ShortArray output cannot take them (Df11Tasks refuses them before this
            // point; addWordTask binds them).
            case V3D_WORD_WRITES, V3E_CAPPED -> throw new IllegalArgumentException(version.label()
                    + " writes an IntArray and cannot decode into a ShortArray");
            // Writes only the exponents (an exponent plane), bound by addExponentTasks.
            case V3F_EXPONENT_PLANE -> throw new IllegalArgumentException(version.label()
                    + " writes an exponent plane (IntArray, four exponents per int), not BF16 values into a"
                    + " ShortArray; use Df11Tasks.addExponentDecode");
        }
    }

    /**
     * Adds to {@code graph} the transfer of the arrays a word-writing {@code version} (v3d, v3e: one kernel) reads,
     * on the first execution only, and task {@code taskName} running it on {@code unit}, writing {@code words} (two
     * BF16 values per int, element {@code 2i} in the low half of word {@code i}) and {@code status}.
     */
    static void addWordTask(TaskGraph graph, String taskName, KernelVersion version, CompressedUnit unit,
            IntArray words, IntArray status) {
        if (!version.writesWords()) {
            throw new IllegalArgumentException(version.label() + " writes a ShortArray and cannot decode into an"
                    + " IntArray of BF16 pairs");
        }
        Df11DeviceUnit u = unit.deviceUnit();
        PackedInputs packed = unit.packedInputs();
        IntArray signMantissa = unit.signMantissaWords();
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.pairs(), packed.codeWords(),
                        signMantissa, u.outputPositions(), u.gaps())
                .task(taskName, WordWriteKernels::decodeToWords, new KernelContext(), packed.tables(), packed.pairs(),
                        packed.codeWords(), signMantissa, u.outputPositions(), u.gaps(), words, status, u.gapBytes(),
                        u.elements());
    }

    /**
     * Adds to {@code graph} the transfer (first execution only) of what v3f reads and of the {@code boundary} scratch
     * array ({@code 2 * blocks} ints), then task {@code taskName} decoding {@code unit}'s exponents into
     * {@code exponents} (whole quads) and {@code boundary} (shared quads), then task {@code joinTaskName} writing the
     * shared quads into {@code exponents}.
     */
    static void addExponentTasks(TaskGraph graph, String taskName, String joinTaskName, CompressedUnit unit,
            IntArray exponents, IntArray boundary, IntArray status) {
        Df11DeviceUnit u = unit.deviceUnit();
        PackedInputs packed = unit.packedInputs();
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.pairs(), packed.triples(),
                        packed.codeWords(), u.outputPositions(), u.gaps(), boundary)
                .task(taskName, ExponentPlaneKernels::decodeToExponents, new KernelContext(), packed.tables(),
                        packed.pairs(), packed.triples(), packed.codeWords(), u.outputPositions(), u.gaps(), exponents, boundary,
                        status, u.gapBytes(), u.elements())
                .task(joinTaskName, ExponentPlaneKernels::joinBoundaries, new KernelContext(), u.outputPositions(),
                        boundary, exponents, u.blocks(), u.elements());
    }

    /** The launch of v3f's join: one work-item per block boundary ({@code blocks + 1}), groups of 256. */
    static WorkerGrid joinGrid(Df11DeviceUnit unit) {
        int groupSize = ExponentPlaneKernels.JOIN_THREADS;
        int groups = (unit.blocks() + 1 + groupSize - 1) / groupSize;
        WorkerGrid1D grid = new WorkerGrid1D(groups * groupSize);
        grid.setLocalWork(groupSize, 1, 1);
        return grid;
    }

    /** The launch {@code version} needs for {@code unit}: one work-group of 512 work-items per 4096-byte block. */
    static WorkerGrid grid(KernelVersion version, Df11DeviceUnit unit) {
        int groupSize = switch (version) {
            case V1_GLOBAL, V2_STAGED, V3_SINGLE_PASS, V3B_ONE_DECODE, V3C_PAIRS, V3D_WORD_WRITES, V3E_CAPPED,
                    V3F_EXPONENT_PLANE -> DecodeKernels.THREADS;
        };
        WorkerGrid1D grid = new WorkerGrid1D(unit.blocks() * groupSize);
        grid.setLocalWork(groupSize, 1, 1);
        return grid;
    }
}
