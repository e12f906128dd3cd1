package dev.df11.tornado.decode;

import dev.df11.format.codec.Df11FormatException;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes one {@link Df11DeviceUnit} on a TornadoVM device.
 *
 * <p>The task graph moves the compressed arrays to the device on the first execution only; every {@link #launch()}
 * then runs just the kernel, and the BF16 output stays on the device until {@link #fetchOutput()} asks for it. Each
 * decoder owns one execution plan; {@link #close()} frees its device memory.
 *
 * <pre>{@code
 * try (TornadoDecoder decoder = new TornadoDecoder(Df11DeviceUnit.of(unit, file), KernelVersion.V2_STAGED, null, false)) {
 *     decoder.decode(bf16Out);   // launch, copy back, check, copy into bf16Out
 * }
 * }</pre>
 */
public final class TornadoDecoder implements AutoCloseable {

    private static final AtomicInteger GRAPHS = new AtomicInteger();
    private static final String TASK = "decode";

    private final Df11DeviceUnit unit;
    private final KernelVersion version;
    private final ShortArray output;
    private final IntArray status;
    private final TornadoExecutionPlan plan;
    private TornadoExecutionResult lastResult;

    /**
     * @param unit    a unit copied off-heap by {@link Df11DeviceUnit#of}
     * @param version which kernel to run
     * @param device  the device, or null for TornadoVM's default device
     * @param profile whether to record kernel times ({@link #lastKernelNanos()})
     */
    public TornadoDecoder(Df11DeviceUnit unit, KernelVersion version, TornadoDevice device, boolean profile) {
        this.unit = unit;
        this.version = version;
        this.output = new ShortArray(Math.max(1, unit.elements()));
        this.status = new IntArray(Math.max(1, unit.blocks()));
        if (unit.blocks() == 0) {
            this.plan = null;   // nothing to decode; TornadoVM cannot launch an empty grid
            return;
        }
        String graph = "df11_decode_" + GRAPHS.incrementAndGet();
        TaskGraph taskGraph = new TaskGraph(graph);
        PackedInputs packed = null;
        if (version.usesPackedInputs()) {
            packed = PackedInputs.of(unit);
            taskGraph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.codeWords(),
                    unit.signMantissa(), unit.outputPositions(), unit.gaps());
        } else {
            taskGraph.transferToDevice(DataTransferMode.FIRST_EXECUTION, unit.luts(), unit.codes(),
                    unit.signMantissa(), unit.outputPositions(), unit.gaps());
        }
        taskGraph.transferToDevice(DataTransferMode.FIRST_EXECUTION, output, status);
        KernelContext context = new KernelContext();
        taskGraph = switch (version) {
            case V1_GLOBAL -> taskGraph.task(TASK, DecodeKernels::decodeGlobal, context, unit.luts(), unit.codes(),
                    unit.signMantissa(), unit.outputPositions(), unit.gaps(), output, status, unit.lutRows(),
                    unit.codeBytes(), unit.gapBytes(), unit.elements());
            case V2_STAGED -> taskGraph.task(TASK, DecodeKernels::decodeStaged, context, unit.luts(), unit.codes(),
                    unit.signMantissa(), unit.outputPositions(), unit.gaps(), output, status, unit.lutRows(),
                    unit.codeBytes(), unit.gapBytes(), unit.elements());
            case V3_SINGLE_PASS -> taskGraph.task(TASK, SinglePassKernels::decodeSinglePass, context, packed.tables(),
                    packed.codeWords(), unit.signMantissa(), unit.outputPositions(), unit.gaps(), output, status,
                    unit.gapBytes(), unit.elements());
        };
        taskGraph.transferToHost(DataTransferMode.UNDER_DEMAND, output, status);

        WorkerGrid1D grid = new WorkerGrid1D(unit.blocks() * DecodeKernels.THREADS);
        grid.setLocalWork(DecodeKernels.THREADS, 1, 1);
        TornadoExecutionPlan executionPlan = new TornadoExecutionPlan(taskGraph.snapshot())
                .withGridScheduler(new GridScheduler(graph + "." + TASK, grid));
        if (device != null) {
            executionPlan.withDevice(device);
        }
        if (profile) {
            executionPlan.withProfiler(ProfilerMode.SILENT);
        }
        this.plan = executionPlan;
    }

    /** The unit being decoded. */
    public Df11DeviceUnit unit() {
        return unit;
    }

    /** The kernel this decoder runs. */
    public KernelVersion version() {
        return version;
    }

    /** The BF16 output array (host view; current after {@link #fetchOutput()}). */
    public ShortArray output() {
        return output;
    }

    /** Runs the decode kernel once; the output stays on the device. The first launch also compiles and uploads. */
    public void launch() {
        if (plan != null) {
            lastResult = plan.execute();
        }
    }

    /** Device time of the last launch's kernel in nanoseconds (needs {@code profile}); -1 when unknown. */
    public long lastKernelNanos() {
        if (lastResult == null || lastResult.getProfilerResult() == null) {
            return -1;
        }
        return lastResult.getProfilerResult().getDeviceKernelTime();
    }

    /**
     * Copies the output and the per-block status of the last launch to the host and checks the status.
     *
     * @throws Df11FormatException when a block's codes disagree with the unit's positions or gaps
     */
    public void fetchOutput() {
        if (plan == null) {
            return;
        }
        if (lastResult == null) {
            throw new IllegalStateException("fetchOutput() before launch()");
        }
        lastResult.transferToHost(output, status);
        for (int b = 0; b < unit.blocks(); b++) {
            if (status.get(b) != 0) {
                throw new Df11FormatException(unit.name(), "block " + b + ": the codes found in its stream bytes"
                        + " disagree with output_positions (corrupt encoded_exponent, gaps or output_positions)");
            }
        }
    }

    /** Launches, fetches, checks, and copies the {@code n} BF16 values into {@code bf16Out} (at least 2n bytes). */
    public void decode(MemorySegment bf16Out) {
        long bytes = 2L * unit.elements();
        if (bf16Out.byteSize() < bytes) {
            throw new Df11FormatException(unit.name(), "output buffer holds " + bf16Out.byteSize() + " bytes; the unit"
                    + " decodes to " + bytes);
        }
        launch();
        fetchOutput();
        MemorySegment.copy(output.getSegment(), 0, bf16Out, 0, bytes);
    }

    /** Frees the device memory of this decoder's plan. */
    @Override
    public void close() {
        if (plan != null) {
            plan.freeDeviceMemory();
            try {
                plan.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the TornadoVM plan of unit " + unit.name(), e);
            }
        }
    }
}
