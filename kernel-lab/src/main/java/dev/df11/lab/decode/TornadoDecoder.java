package dev.df11.lab.decode;

import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.api.DecodeTask;
import dev.df11.tornado.api.Df11Tasks;
import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.PackedInputs;
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
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes one {@link LadderUnit} on a TornadoVM device.
 *
 * <p>The task graph moves the compressed arrays to the device on the first execution only; every {@link #launch()}
 * then runs just the kernel, and the BF16 output stays on the device until {@link #fetchOutput()} asks for it. Each
 * decoder owns one execution plan; {@link #close()} frees its device memory.
 *
 * <pre>{@code
 * try (TornadoDecoder decoder = new TornadoDecoder(LadderUnit.of(unit, file), KernelVersion.V2_STAGED, null, false)) {
 *     decoder.decode(bf16Out);   // launch, copy back, check, copy into bf16Out
 * }
 * }</pre>
 */
public final class TornadoDecoder implements AutoCloseable {

    private static final AtomicInteger GRAPHS = new AtomicInteger();
    private static final String TASK = "decode";

    private final LadderUnit unit;
    private final KernelVersion version;
    private final ShortArray output;
    /** What the kernel writes: {@link #output} itself, or for word-writing versions an int array of BF16 pairs. */
    private final TornadoNativeArray deviceOutput;
    private final IntArray status;
    private final TornadoExecutionPlan plan;
    private TornadoExecutionResult lastResult;

    /**
     * @param unit    a unit copied off-heap by {@link LadderUnit#of}
     * @param version which kernel to run
     * @param device  the device, or null for TornadoVM's default device
     * @param profile whether to record kernel times ({@link #lastKernelNanos()})
     */
    public TornadoDecoder(LadderUnit unit, KernelVersion version, TornadoDevice device, boolean profile) {
        this.unit = unit;
        this.version = version;
        this.output = new ShortArray(Math.max(1, unit.elements()));
        this.deviceOutput = version.writesWords() ? new IntArray(Math.max(1, (unit.elements() + 1) / 2))
                : version.writesExponents() ? new IntArray(Math.max(1, (unit.elements() + 3) / 4)) : output;
        if (unit.blocks() == 0) {
            this.status = new IntArray(1);
            this.plan = null;   // nothing to decode; TornadoVM cannot launch an empty grid
            return;
        }
        String graph = "df11_decode_" + GRAPHS.incrementAndGet();
        TaskGraph taskGraph = new TaskGraph(graph);
        GridScheduler grids;
        if (version.inProduct()) {
            // The product's kernels are bound by the product (KernelBinding), through its API, so the lab times
            // exactly what ships.
            CompressedUnit compressed = CompressedUnit.of(unit.unit());
            DecodeTask task = version.writesExponents()
                    ? Df11Tasks.addExponentDecode(taskGraph, TASK, compressed, (IntArray) deviceOutput)
                    : Df11Tasks.addDecode(taskGraph, TASK, compressed, output);
            this.status = task.status();
            grids = task.registerIn(new GridScheduler());
            taskGraph.transferToHost(DataTransferMode.UNDER_DEMAND, deviceOutput);
        } else {
            this.status = new IntArray(unit.blocks());
            addLabTask(taskGraph).transferToHost(DataTransferMode.UNDER_DEMAND, deviceOutput, status);
            WorkerGrid1D grid = new WorkerGrid1D(unit.blocks() * DecodeKernels.THREADS);
            grid.setLocalWork(DecodeKernels.THREADS, 1, 1);
            grids = new GridScheduler(graph + "." + TASK, grid);
        }
        TornadoExecutionPlan executionPlan = new TornadoExecutionPlan(taskGraph.snapshot()).withGridScheduler(grids);
        if (device != null) {
            executionPlan.withDevice(device);
        }
        if (profile) {
            executionPlan.withProfiler(ProfilerMode.SILENT);
        }
        capRegisters(executionPlan, device);
        this.plan = executionPlan;
    }

    /** Moves a lab version's inputs to the device (first execution only) and adds its kernel. */
    private TaskGraph addLabTask(TaskGraph graph) {
        KernelContext context = new KernelContext();
        LadderUnit u = unit;
        if (!version.usesPackedInputs()) {
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, u.luts(), u.codes(), u.signMantissa(),
                    u.outputPositions(), u.gaps(), output, status);
            return switch (version) {
                case V1_GLOBAL -> graph.task(TASK, BaselineKernels::decodeGlobal, context, u.luts(), u.codes(),
                        u.signMantissa(), u.outputPositions(), u.gaps(), output, status, u.lutRows(), u.codeBytes(),
                        u.gapBytes(), u.elements());
                case V2_STAGED -> graph.task(TASK, BaselineKernels::decodeStaged, context, u.luts(), u.codes(),
                        u.signMantissa(), u.outputPositions(), u.gaps(), output, status, u.lutRows(), u.codeBytes(),
                        u.gapBytes(), u.elements());
                default -> throw new IllegalStateException(version.label());
            };
        }
        PackedInputs packed = PackedInputs.of(u.unit());
        if (version.writesWords()) { // v3d and v3e: the same kernel, v3e with a register cap
            IntArray smWords = PackedInputs.signMantissaWords(u.unit());
            IntArray words = (IntArray) deviceOutput;
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.pairs(),
                    packed.codeWords(), smWords, u.outputPositions(), u.gaps(), words, status);
            return graph.task(TASK, WordWriteKernels::decodeToWords, context, packed.tables(), packed.pairs(),
                    packed.codeWords(), smWords, u.outputPositions(), u.gaps(), words, status, u.gapBytes(),
                    u.elements());
        }
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.tables(), packed.pairs(), packed.codeWords(),
                u.signMantissa(), u.outputPositions(), u.gaps(), output, status);
        return switch (version) {
            case V3B_ONE_DECODE -> graph.task(TASK, OneDecodeKernels::decodeOnce, context, packed.tables(),
                    packed.codeWords(), u.signMantissa(), u.outputPositions(), u.gaps(), output, status,
                    u.gapBytes(), u.elements());
            case V3C_PAIRS -> graph.task(TASK, PairDecodeKernels::decodePairs, context, packed.tables(),
                    packed.pairs(), packed.codeWords(), u.signMantissa(), u.outputPositions(), u.gaps(), output,
                    status, u.gapBytes(), u.elements());
            default -> throw new IllegalStateException(version.label());
        };
    }

    /**
     * Asks NVIDIA's compilers for at most {@link KernelVersion#registerCap()} registers: the PTX JIT option, or the
     * {@code cl_nv_compiler_options} flag for NVIDIA's OpenCL (other OpenCL drivers, PoCL included, would reject it, so
     * they get nothing). The OpenCL flags replace TornadoVM's defaults, which only matter for floating point.
     */
    private void capRegisters(TornadoExecutionPlan executionPlan, TornadoDevice device) {
        int cap = version.registerCap();
        if (cap == 0) {
            return;
        }
        TornadoDevice target = device != null ? device : TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice();
        if (target.getTornadoVMBackend() == TornadoVMBackendType.PTX) {
            executionPlan.withCompilerFlags(TornadoVMBackendType.PTX,
                    "CU_JIT_OPTIMIZATION_LEVEL 4 CU_JIT_MAX_REGISTERS " + cap);
        } else if (target.getTornadoVMBackend() == TornadoVMBackendType.OPENCL
                && target.getPlatformName().toUpperCase(java.util.Locale.ROOT).contains("NVIDIA")) {
            executionPlan.withCompilerFlags(TornadoVMBackendType.OPENCL, "-w -cl-nv-maxrregcount=" + cap);
        }
    }

    /** The unit being decoded. */
    public LadderUnit unit() {
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
        lastResult.transferToHost(deviceOutput, status);
        for (int b = 0; b < unit.blocks(); b++) {
            if (status.get(b) != 0) {
                throw new Df11FormatException(unit.name(), "block " + b + ": the codes found in its stream bytes"
                        + " disagree with output_positions (corrupt encoded_exponent, gaps or output_positions)");
            }
        }
        if (version.writesExponents()) {
            composeFromPlane((IntArray) deviceOutput);
        } else if (deviceOutput != output) {
            // Little-endian ints of BF16 pairs are the BF16 values in order.
            MemorySegment.copy(deviceOutput.getSegment(), 0, output.getSegment(), 0, 2L * unit.elements());
        }
    }

    /**
     * BF16 values from the exponent plane and the sign/mantissa bytes, on the host (so that v3f is checked and timed
     * like the other versions; its real consumer composes on the device). The plane's bytes past the last element
     * must be zero.
     */
    private void composeFromPlane(IntArray plane) {
        int n = unit.elements();
        for (int i = 0; i < n; i++) {
            int exponent = (plane.get(i >> 2) >> ((i & 3) << 3)) & 0xFF;
            int sm = unit.signMantissa().get(i) & 0xFF;
            output.set(i, (short) (((sm & 0x80) << 8) | (exponent << 7) | (sm & 0x7F)));
        }
        if ((n & 3) != 0 && (plane.get(n >> 2) >>> ((n & 3) << 3)) != 0) {
            throw new IllegalStateException(unit.name() + ": the exponent plane's bytes past element " + n
                    + " are not zero: " + Integer.toHexString(plane.get(n >> 2)));
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
