package dev.df11.lab.bench;

import dev.df11.tornado.forward.weights.ChunkStarts;
import dev.df11.tornado.forward.FusedMatVecKernels;
import dev.df11.tornado.forward.weights.NibbleArrays;
import dev.df11.tornado.forward.weights.UnitMatrices;
import dev.df11.tornado.forward.weights.UnitTail;
import dev.df11.tornado.forward.TailKernels;
import dev.df11.tornado.forward.TensorCoreKernels;
import dev.df11.tornado.forward.TensorCoreScratch;
import dev.df11.lab.matvec.HalfPlaneKernels;
import dev.df11.lab.matvec.LongLoadKernels;
import dev.df11.lab.matvec.StagedOneBarrierKernels;
import dev.df11.tornado.forward.ProductKernel;
import dev.df11.tornado.forward.StagedRowKernels;
import dev.df11.lab.fused.FusedVariants;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.tornado.backend.TornadoSettings;
import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.Bf16Words;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.MatVecPairKernels;
import dev.df11.tornado.forward.WeightPlanes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoInternalError;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.HalfFloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * Device time of the forward pass's matrix-vector kernels on the matrix shapes of a model, for several launch
 * configurations (work-group size, rows per group): the planes kernel on BF16 weights and, where the launch fits its
 * stage, the fused DF11 kernel on the same weights compressed (checked bit for bit against the planes kernel of the
 * same launch), beside a device copy of the BF16 bytes as the bandwidth ceiling. The activations are random, stored
 * quad-major for the kernels as the forward pass stores them ({@link MatVecKernels#quadMajor}).
 * Each configuration's output is checked against a host reference (fp64 sums of the same BF16 weights), so a fast
 * but wrong configuration is reported as such. GB/s count the weight bytes read (activations are cached re-reads).
 *
 * <pre>
 * DF11_MAIN=dev.df11.tornado.bench.MatVecBenchmark bin/df11 --device 1:0 --out matvec.json
 * </pre>
 */
@Command(name = "matvec-bench", mixinStandardHelpOptions = true,
        description = "Device time of the BF16 matrix-vector kernel per shape and launch configuration.")
public final class MatVecBenchmark implements Callable<Integer> {

    @Option(names = "--shapes", split = ",",
            defaultValue = "6144x4096,4096x4096,28672x4096,4096x14336,128256x4096",
            description = "ROWSxCOLS matrices (default: Llama-3.1-8B's qkv, o, gate|up, down, output).")
    List<String> shapes;

    @Option(names = "--configs", split = ",", defaultValue = "128:1,128:2,128:4,256:4,256:8,64:2,32:1",
            description = "LOCAL:ROWS launch configurations (work-items per group : rows per group).")
    List<String> configs;

    @Option(names = "--fused", split = ",", defaultValue = "product",
            description = "Fused DF11 kernels to time beside the planes kernel: product (the forward pass's), and the"
                    + " lab's triples, nestedChild, flatLoop (default: ${DEFAULT-VALUE}; none: an empty value).")
    List<String> fusedVariants;

    @Option(names = "--nibble", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Time the planes, two-row and staged kernels as the product runs them, in the unit's"
                    + " order (UnitTail: the dense part on the unit's table, then the rows' tail, which the kernel adds"
                    + " itself): on the BF16 planes"
                    + " (rows NAME-tail) and on the nibble layout (nibble, pairs-nibble, staged-nibble; --decode-mode"
                    + " nibble), the two checked bit for bit against each other (default: on; --no-nibble).")
    boolean nibble;

    @Option(names = "--tensor-cores", description = "Also time the tensor-core product (TensorCoreKernels: the"
            + " activations split into fp16 parts, mma.sync, the slices summed and the tail added; PTX only), once per"
            + " shape and batch, and its nibble form; checked against float64 within 1e-3 (its sums are not the CUDA-core"
            + " kernels' bits, and the tensor cores accumulate without rounding), the nibble form bit for bit; each also"
            + " with an empty tail against the dense part of the reference.")
    boolean tensorCores;

    @Option(names = "--batch", split = ",", defaultValue = "1", description = "Activation vectors per launch, one"
            + " or more counts (tokens of a batch: the kernels take them MatVecKernels.TILE at a time, then one at a"
            + " time; default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--batch-rungs", description = "Also time the kernels that serve several matrix rows per"
            + " work-item: the product's two-row kernel (MatVecPairKernels, sixteen-token tier) on half of each"
            + " configuration's work-items, and the product's staged kernel (StagedRowKernels: four rows per"
            + " work-item, activations staged in local memory; four slots, sixteen rows a group, and two slots, eight)"
            + " and the lab's one-barrier form of it (StagedOneBarrierKernels), with each row on the configuration's"
            + " work-items; all checked bit for bit against the planes kernel of the configuration.")
    boolean batchRungs;

    @Option(names = "--long", description = "Also time the lab's 8-byte-load rung at batch 1 (LongLoadKernels),"
            + " checked against the reference only (another order).")
    boolean longLoads;

    @Option(names = "--half", description = "Also time the lab's fp16 rungs at batch 1 (HalfPlaneKernels: the unit's"
            + " dense weights stored as exact fp16 values of a copy scaled by a power of two, each widened by one"
            + " conversion instead of the planes' table lookup; and the nibble layout widened through fp16 bits built"
            + " with integer operations; PTX), at every configuration, checked bit for bit against the planes kernel"
            + " with the tail at the same launch.")
    boolean half;

    @Option(names = "--weights", defaultValue = "gaussian", paramLabel = "gaussian|narrow",
            description = "The matrices' values: N(0, 0.02) (gaussian, the default) or exponents spanning exactly the"
                    + " fifteen coded exponents (narrow: an empty tail).")
    String weightValues;

    @Option(names = "--device", description = "TornadoVM device, B:D (default: TornadoVM's).")
    String device;

    @Option(names = "--max-registers", paramLabel = "N", description = "Build every kernel for at most N registers a"
            + " work-item (the PTX JIT's CU_JIT_MAX_REGISTERS; ignored on other backends): what a kernel's register"
            + " count costs it in occupancy, against what spilling costs.")
    Integer maxRegisters;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed launches per configuration.")
    int warmup;

    @Option(names = "--reps", defaultValue = "50", description = "Timed launches per configuration.")
    int reps;

    @Option(names = "--out", description = "JSON report file.")
    Path out;

    /** Whether a lab rung could not be built or run ({@link #failed}). */
    private boolean rungFailed;

    public static void main(String[] args) {
        TornadoSettings.raiseDefaults();
        System.exit(new CommandLine(new MatVecBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String config : configs) {
            String[] lr = config.split(":");
            if (lr.length != 2) {
                throw new IllegalArgumentException("configuration '" + config + "' is not LOCAL:ROWS");
            }
            new KernelTuning.MatVecLaunch(Integer.parseInt(lr[0].trim()), Integer.parseInt(lr[1].trim()));
        }
        if (!weightValues.equals("gaussian") && !weightValues.equals("narrow")) {
            throw new IllegalArgumentException("--weights must be gaussian or narrow, got '" + weightValues + "'");
        }
        if (batches.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--batch counts must be >= 1, got " + batches);
        }
        TornadoDevice target = device == null ? TornadoExecutionPlan.DEFAULT_DEVICE : TornadoDevices.select(device);
        BenchmarkReport report = new BenchmarkReport();
        report.put("benchmark", "matvec");
        report.put("device", TornadoDevices.describe(target));
        report.put("warmup", warmup);
        report.put("reps", reps);
        report.put("batch", batches.toString());
        report.put("weights", weightValues);
        if (maxRegisters != null) {
            report.put("max registers", maxRegisters);
        }
        boolean allExact = true;
        long seed = 1;
        for (String shape : shapes) {
            String[] rc = shape.toLowerCase(Locale.ROOT).split("x");
            int rows = Integer.parseInt(rc[0].trim());
            int cols = Integer.parseInt(rc[1].trim());
            WeightPlanes.checkAligned("shape " + shape, 0, cols);
            MemorySegment bf16 = weightValues.equals("narrow")
                    ? NarrowExponentBf16.generate(seed++, Math.multiplyExact(rows, cols), -6)
                    : GaussianBf16.generate(seed++, Math.multiplyExact(rows, cols), 0.02);
            WeightPlanes weights = WeightPlanes.split(bf16);
            Df11Unit unit = new Df11Encoder(Runtime.getRuntime().availableProcessors()).encode(shape, List.of(bf16));
            CompressedUnit compressed = CompressedUnit.of(unit);
            ChunkStarts chunks = ChunkStarts.of(unit, List.of(new ChunkStarts.Matrix(0, rows, cols)));
            Df11Decoder decoder = new Df11Decoder(Runtime.getRuntime().availableProcessors());
            UnitTail tail = nibble || tensorCores || half ? UnitTail.of(UnitMatrices.compressed(shape,
                    List.of(new UnitMatrices.Span(shape, 0, rows, cols)), unit, decoder)) : null;
            NibbleArrays nibbleLayout = nibble || half ? NibbleArrays.of(unit, tail.census(), decoder) : null;
            NibbleArrays nibbles = nibble ? nibbleLayout : null;
            int top = half ? TensorCoreKernels.topExponent(tail.table(), shape) : 0;
            HalfFloatArray halves = half && batches.contains(1)
                    ? HalfPlaneKernels.layout(weights, (long) rows * cols, tail.table(), top) : null;
            for (int batch : batches) {
                FloatArray x = new FloatArray(batch * cols);
                SplittableRandom random = new SplittableRandom(seed + batch);
                for (int i = 0; i < x.getSize(); i++) {
                    x.set(i, (float) random.nextGaussian());
                }
                double[] reference = reference(bf16, rows, cols, x);
                // The same values, where the kernels read them.
                FloatArray quadX = MatVecKernels.toQuadMajor(x, cols);
                if (tensorCores) {
                    for (BenchmarkReport.Row row : timeTensorCores(shape, weights, nibbles, tail, rows, cols, quadX,
                            reference, target)) {
                        allExact &= row.check().startsWith("ok");
                        measured(report, row);
                    }
                }
                for (String config : configs) {
                    String[] lr = config.split(":");
                    int local = Integer.parseInt(lr[0].trim());
                    int rowsPerGroup = Integer.parseInt(lr[1].trim());
                    FloatArray planesOut = new FloatArray(batch * rows);
                    BenchmarkReport.Row row = time(shape, weights, rows, cols, quadX, reference, local,
                            rowsPerGroup, target, planesOut);
                    allExact &= row.check().startsWith("ok");
                    measured(report, row);
                    if (batchRungs) {
                        for (BatchRung rung : BatchRung.values()) {
                            if (rung.fits(local, rowsPerGroup)) {
                                BenchmarkReport.Row rungRow = timeBatchRung(shape, weights, rows, cols, quadX, rung,
                                        reference, local, rowsPerGroup, target, planesOut);
                                allExact &= rungRow.check().startsWith("ok");
                                measured(report, rungRow);
                                if (nibbles != null && rung.product != null) {
                                    for (BenchmarkReport.Row tailRow : timeTail(shape, rung.label, rung.product,
                                            weights, nibbles, tail, rows, cols, quadX, reference,
                                            rung.launch(local, rowsPerGroup), rung.groupRows(rowsPerGroup),
                                            target)) {
                                        allExact &= tailRow.check().startsWith("ok");
                                        measured(report, tailRow);
                                    }
                                }
                            }
                        }
                    }
                    if (halves != null && batch == 1) {
                        for (BenchmarkReport.Row halfRow : timeHalf(shape, weights, halves, nibbleLayout, top, tail,
                                rows, cols, quadX, reference, local, rowsPerGroup, target, report)) {
                            allExact &= halfRow.check().startsWith("ok");
                            measured(report, halfRow);
                        }
                    }
                    if (longLoads && batch == 1 && cols % 8 == 0) {
                        BenchmarkReport.Row row8 = timeLong(shape, weights, rows, cols, x, reference, local,
                                rowsPerGroup, target);
                        allExact &= row8.check().startsWith("ok");
                        measured(report, row8);
                    }
                    if (nibbles != null) {
                        for (BenchmarkReport.Row tailRow : timeTail(shape, "planes", ProductKernel.PLANES, weights,
                                nibbles, tail, rows, cols, quadX, reference, local, rowsPerGroup, target)) {
                            allExact &= tailRow.check().startsWith("ok");
                            measured(report, tailRow);
                        }
                    }
                    if ((long) rowsPerGroup * cols <= FusedMatVecKernels.STAGE_ELEMENTS) {
                        for (String variant : fusedVariants.stream().map(String::trim).filter(v -> !v.isEmpty())
                                .toList()) {
                            BenchmarkReport.Row fused = timeFused(shape, compressed, chunks, rows, cols, quadX,
                                    reference, local, rowsPerGroup, target, planesOut, variant);
                            allExact &= fused.check().startsWith("ok");
                            measured(report, fused);
                        }
                    }
                }
            }
            seed++;
            measured(report, timeCopy(shape, bf16, target));
        }
        report.put("complete", true);
        report.print(System.out);
        System.out.println("GB/s: matrix-vector rows count the weight bytes read (BF16 planes: 2 per weight; fused:"
                + " the compressed bytes); copy rows count read + write.");
        if (out != null) {
            report.write(out);
            System.out.println("wrote " + out);
        }
        return allExact && !rungFailed ? 0 : 2;
    }

    /**
     * The planes kernel on the matrix and launch ({@code x} quad-major), writing {@code output}, checked against the
     * reference.
     */
    private BenchmarkReport.Row time(String shape, WeightPlanes weights, int rows, int cols, FloatArray x,
            double[] reference, int local, int rowsPerGroup, TornadoDevice target, FloatArray output)
            throws Exception {
        int batch = x.getSize() / cols;
        IntArray step = step(batch);
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(rows);
        String graphName = "mv_" + rows + "_" + cols + "_" + local + "_" + rowsPerGroup;
        TaskGraph graph = new TaskGraph(graphName)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, weights.exponents(), weights.signMantissa(), x,
                        step, scales, noTail);
        graph = graph.task("mv", MatVecKernels::matVec, new KernelContext(), weights.exponents(),
                weights.signMantissa(), 0, rows, cols, x, output, 0, 0, rowsPerGroup, step, scales, noTail, 0);
        Checked run = run(graph, graphName, (rows + rowsPerGroup - 1) / rowsPerGroup, local, target, output,
                reference, null);
        return new BenchmarkReport.Row(shape + " " + local + ":" + rowsPerGroup + " b" + batch, "matVec " + local
                + " work-items, " + rowsPerGroup + " rows per group, batch " + batch, 2L * rows * cols,
                run.timed().kernel(), run.timed().wall(), run.check());
    }

    /** Kernels that serve several matrix rows per work-item, on the planes kernel's launch at their share of it. */
    private enum BatchRung {
        PAIRS("pairs", ProductKernel.PAIRS, "matVecPairs", 2, 0, MatVecPairKernels.MAX_LOCAL),
        STAGED("staged", ProductKernel.STAGED, "matVecStaged", StagedRowKernels.ROWS, StagedRowKernels.SLOTS,
                StagedRowKernels.MAX_LOCAL),
        STAGED_TWO_SLOTS("staged2", ProductKernel.STAGED_TWO_SLOTS, "matVecStagedTwoSlots", StagedRowKernels.ROWS,
                StagedRowKernels.TWO_SLOTS, StagedRowKernels.MAX_LOCAL),
        STAGED_ONE_BARRIER("staged1b", null, "matVecStagedOneBarrier", StagedOneBarrierKernels.ROWS,
                StagedOneBarrierKernels.SLOTS, StagedOneBarrierKernels.MAX_LOCAL);

        final String label;
        /** The product's kernel, or null for a lab rung. */
        final ProductKernel product;
        final String kernel;
        /** Matrix rows each work-item serves. */
        final int rowsPerItem;
        /**
         * Row slots of the rung's group, or 0 to serve the configuration's rows per group (on that fraction of its
         * work-items).
         */
        final int slots;
        final int maxLocal;

        BatchRung(String label, ProductKernel product, String kernel, int rowsPerItem, int slots, int maxLocal) {
            this.label = label;
            this.product = product;
            this.kernel = kernel;
            this.rowsPerItem = rowsPerItem;
            this.slots = slots;
            this.maxLocal = maxLocal;
        }

        /** Whether it runs with the work-items per row of the planes kernel's launch {@code local:rowsPerGroup}. */
        boolean fits(int local, int rowsPerGroup) {
            return groupRows(rowsPerGroup) % rowsPerItem == 0 && launch(local, rowsPerGroup) <= maxLocal;
        }

        /** Rows of one of its groups. */
        int groupRows(int rowsPerGroup) {
            return slots == 0 ? rowsPerGroup : slots * rowsPerItem;
        }

        /** Work-items of one of its groups: each row keeps the planes kernel's work-items. */
        int launch(int local, int rowsPerGroup) {
            return local / rowsPerGroup * groupRows(rowsPerGroup) / rowsPerItem;
        }
    }

    /**
     * A batch rung on the planes kernel's rows per group and its share of the work-items (each row keeps the planes
     * kernel's work-items): its outputs must equal the planes kernel's {@code planesOut} bit for bit.
     */
    private BenchmarkReport.Row timeBatchRung(String shape, WeightPlanes weights, int rows, int cols, FloatArray x,
            BatchRung rung, double[] reference, int local, int rowsPerGroup, TornadoDevice target,
            FloatArray planesOut) throws Exception {
        int batch = x.getSize() / cols;
        FloatArray output = new FloatArray(batch * rows);
        IntArray step = step(batch);
        FloatArray scales = Bf16Scales.table();
        int launch = rung.launch(local, rowsPerGroup);
        int groupRows = rung.groupRows(rowsPerGroup);
        String graphName = "mv" + rung.label + "_" + rows + "_" + cols + "_" + local + "_" + rowsPerGroup;
        IntArray noTail = TailKernels.none(rows);
        TaskGraph graph = new TaskGraph(graphName)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, weights.exponents(), weights.signMantissa(), x,
                        step, scales, noTail);
        graph = rung.product != null
                ? rung.product.addTask(graph, "mv", weights.exponents(), weights.signMantissa(), 0, rows, cols, x,
                        output, 0, 0, groupRows, step, scales, noTail, 0)
                : graph.task("mv", StagedOneBarrierKernels::matVecStagedOneBarrier, new KernelContext(),
                        weights.exponents(), weights.signMantissa(), 0, rows, cols, x, output, 0, 0, groupRows, step,
                        scales);
        Checked run = run(graph, graphName, (rows + groupRows - 1) / groupRows, launch, target, output,
                reference, planesOut);
        return new BenchmarkReport.Row(shape + " " + rung.label + " " + launch + ":" + groupRows + " b" + batch,
                rung.kernel + " " + launch + " work-items, " + groupRows + " rows per group, batch " + batch,
                2L * rows * cols, run.timed().kernel(), run.timed().wall(), run.check());
    }

    /**
     * A product kernel in the product's order ({@link UnitTail}): {@code product} on the planes with the unit's table,
     * and its nibble form, each adding the rows' tail itself ({@link TailKernels#addRowTail}), at the kernel's launch.
     * Both checked against the reference, the nibble form bit for bit against the planes form.
     */
    private List<BenchmarkReport.Row> timeTail(String shape, String label, ProductKernel product, WeightPlanes weights,
            NibbleArrays n, UnitTail tail, int rows, int cols, FloatArray x, double[] reference, int launch,
            int groupRows, TornadoDevice target) throws Exception {
        int batch = x.getSize() / cols;
        int groups = (rows + groupRows - 1) / groupRows;
        int directory = tail.directory(0, rows, cols);
        String suffix = "_" + label + "_" + rows + "_" + cols + "_" + launch + "_" + groupRows + "_" + batch;
        String what = " with the tail folded in, " + launch + " work-items, " + groupRows + " rows per group, batch "
                + batch + ", " + tail.entries() + " weights in the tail";
        IntArray step = step(batch);
        FloatArray planesOut = new FloatArray(batch * rows);
        Checked planesRun = timeWithTail(product, weights, tail, rows, cols, x, reference, launch, groupRows, target,
                planesOut, "mvt" + suffix);
        FloatArray nibbleOut = new FloatArray(batch * rows);
        TaskGraph nibble = product.addNibbleTask(new TaskGraph("mvnt" + suffix)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, n.codes(), n.signMantissa(), tail.tail(),
                        tail.table(), x, step), "mv", n.codes(), n.signMantissa(), 0, rows, cols, x,
                nibbleOut, 0, 0, groupRows, step, tail.table(), tail.tail(), directory);
        Checked nibbleRun = run(nibble, new GridScheduler("mvnt" + suffix + ".mv", Grids.groups(groups, launch)),
                target, nibbleOut, reference, planesOut, label + "-tail");
        long weightsCount = (long) rows * cols;
        long nibbleBytes = n.bytes() + tail.bytes();
        String at = " " + launch + ":" + groupRows + " b" + batch;
        String nibbleLabel = label.equals("planes") ? "nibble" : label + "-nibble";
        return List.of(
                new BenchmarkReport.Row(shape + " " + label + "-tail" + at, product.key()
                        + " on the unit's table (BF16 planes)" + what, 2L * weightsCount,
                        planesRun.timed().kernel(), planesRun.timed().wall(), planesRun.check()),
                new BenchmarkReport.Row(shape + " " + nibbleLabel + at, product.key()
                        + "'s nibble form (DF11 nibble)" + what + ", " + nibbleBytes + " bytes (BF16 "
                        + 2 * weightsCount + ")", nibbleBytes, nibbleRun.timed().kernel(), nibbleRun.timed().wall(),
                        nibbleRun.check()));
    }

    /**
     * {@code product} on the planes with the unit's table, adding the rows' tail, at the kernel's launch, writing
     * {@code output}; checked against the reference.
     */
    private Checked timeWithTail(ProductKernel product, WeightPlanes weights, UnitTail tail, int rows, int cols,
            FloatArray x, double[] reference, int launch, int groupRows, TornadoDevice target, FloatArray output,
            String graphName) throws Exception {
        IntArray step = step(x.getSize() / cols);
        TaskGraph planes = product.addTask(new TaskGraph(graphName)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, weights.exponents(), weights.signMantissa(), x,
                        step, tail.table(), tail.tail()), "mv", weights.exponents(), weights.signMantissa(),
                0, rows, cols, x, output, 0, 0, groupRows, step, tail.table(), tail.tail(), tail.directory(0, rows,
                        cols));
        return run(planes, graphName, (rows + groupRows - 1) / groupRows, launch, target, output, reference, null);
    }

    /**
     * The lab's fp16 rungs ({@link HalfPlaneKernels}) at batch 1 on the launch: the fp16 layout, and the nibble layout
     * widened through fp16 bits; each checked against the reference and bit for bit against the planes kernel with the
     * tail at the same launch (run here, untimed in the report). A rung the backend cannot build (the script runs this
     * with {@code -Dtornado.recover.bailout=False}, so it fails rather than running as sequential Java) is recorded
     * in the report as a finding and leaves the other rungs running; the run then exits non-zero.
     */
    private List<BenchmarkReport.Row> timeHalf(String shape, WeightPlanes weights, HalfFloatArray halves,
            NibbleArrays nibbles, int top, UnitTail tail, int rows, int cols, FloatArray x, double[] reference,
            int launch, int groupRows, TornadoDevice target, BenchmarkReport report) throws Exception {
        String suffix = "_" + rows + "_" + cols + "_" + launch + "_" + groupRows;
        FloatArray planesOut = new FloatArray(rows);
        timeWithTail(ProductKernel.PLANES, weights, tail, rows, cols, x, reference, launch, groupRows, target,
                planesOut, "mvht" + suffix);
        IntArray step = step(1);
        int directory = tail.directory(0, rows, cols);
        float unscale = HalfPlaneKernels.unscale(top);
        int groups = (rows + groupRows - 1) / groupRows;
        String at = " " + launch + ":" + groupRows + " b1";
        String what = " " + launch + " work-items, " + groupRows + " rows per group, batch 1, with the tail folded in";
        List<BenchmarkReport.Row> out = new ArrayList<>();
        try {
            FloatArray output = new FloatArray(rows);
            String graphName = "mvh" + suffix;
            TaskGraph graph = new TaskGraph(graphName)
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, halves, x, step, tail.table(), tail.tail())
                    .task("mv", HalfPlaneKernels::matVecHalf, new KernelContext(), halves, 0, rows, cols, x, output,
                            0, 0, groupRows, step, unscale, tail.table(), tail.tail(), directory);
            Checked run = run(graph, new GridScheduler(graphName + ".mv", Grids.groups(groups, launch)), target, output,
                    reference, planesOut, "planes-tail");
            out.add(new BenchmarkReport.Row(shape + " half" + at, "HalfPlaneKernels.matVecHalf on the fp16 layout (2"
                    + " bytes a weight)" + what, 2L * rows * cols, run.timed().kernel(), run.timed().wall(),
                    run.check()));
        } catch (RuntimeException | TornadoInternalError e) {
            failed(report, "half " + shape + at, e);
        }
        try {
            FloatArray output = new FloatArray(rows);
            IntArray fields = HalfPlaneKernels.fields(tail.table(), top);
            String graphName = "mvnh" + suffix;
            TaskGraph graph = new TaskGraph(graphName)
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, nibbles.codes(), nibbles.signMantissa(), x,
                            step, fields, tail.table(), tail.tail())
                    .task("mv", HalfPlaneKernels::matVecNibbleHalf, new KernelContext(), nibbles.codes(),
                            nibbles.signMantissa(), 0, rows, cols, x, output, groupRows, step, fields, unscale,
                            tail.table(), tail.tail(), directory);
            Checked run = run(graph, new GridScheduler(graphName + ".mv", Grids.groups(groups, launch)), target, output,
                    reference, planesOut, "planes-tail");
            long bytes = nibbles.bytes() + tail.bytes();
            out.add(new BenchmarkReport.Row(shape + " nibble-half" + at, "HalfPlaneKernels.matVecNibbleHalf on the"
                    + " nibble layout, widened through fp16 bits, " + bytes + " bytes (BF16 " + 2L * rows * cols + ")"
                    + what, bytes, run.timed().kernel(), run.timed().wall(), run.check()));
        } catch (RuntimeException | TornadoInternalError e) {
            failed(report, "nibble-half " + shape + at, e);
        }
        return out;
    }

    /**
     * Adds a measured row, prints it at once and, with {@code --out}, rewrites the report with {@code "complete":
     * false}: a run cut short by a time limit (a GPU call's) still leaves every row it measured.
     */
    private void measured(BenchmarkReport report, BenchmarkReport.Row row) throws IOException {
        report.add(row);
        System.err.println("measured: " + BenchmarkReport.line(row));
        if (out != null) {
            report.put("complete", false);
            report.write(out);
        }
    }

    /** Records a rung the backend could not build or run, and says so on the console. */
    private void failed(BenchmarkReport report, String what, Throwable e) {
        // TornadoVM's messages carry terminal colours and the whole stack after "Stacktrace:"; the report keeps the why.
        String why = e.toString().replaceAll("\u001B\\[[0-9;]*m", "");
        int stack = why.indexOf("Stacktrace:");
        report.put(what, "FAILED: " + (stack < 0 ? why : why.substring(0, stack)).strip());
        rungFailed = true;
        System.err.println(what + " failed: " + e);
    }

    /**
     * The tensor-core product ({@link TensorCoreKernels}: split, mma, finish with the tail) on the unit's table, its
     * three launches timed together, on the BF16 planes and, given {@code nibbles}, on the nibble layout; checked
     * against the reference, the nibble form bit for bit against the planes form; each also with an empty tail
     * against the dense part of the reference.
     */
    private List<BenchmarkReport.Row> timeTensorCores(String shape, WeightPlanes weights, NibbleArrays nibbles,
            UnitTail tail, int rows, int cols, FloatArray x, double[] reference, TornadoDevice target)
            throws Exception {
        int batch = x.getSize() / cols;
        FloatArray planesOut = new FloatArray(batch * rows);
        List<BenchmarkReport.Row> rowsOut = new ArrayList<>();
        rowsOut.addAll(timeTensorCores(shape + " tensor-cores b" + batch, weights.exponents(),
                weights.signMantissa(), 0, 2L * rows * cols, tail, rows, cols, x, reference, target, planesOut, null));
        if (nibbles != null) {
            rowsOut.addAll(timeTensorCores(shape + " tensor-cores-nibble b" + batch, nibbles.codes(),
                    nibbles.signMantissa(), 1, nibbles.bytes() + tail.bytes(), tail, rows, cols, x, reference,
                    target, new FloatArray(batch * rows), planesOut));
        }
        return rowsOut;
    }

    private List<BenchmarkReport.Row> timeTensorCores(String label, IntArray weightsA, IntArray signMantissa,
            int nibble, long bytes, UnitTail tail, int rows, int cols, FloatArray x, double[] reference,
            TornadoDevice target, FloatArray output, FloatArray expected) throws Exception {
        int batch = x.getSize() / cols;
        IntArray step = step(batch);
        int directory = tail.directory(0, rows, cols);
        String what = "TensorCoreKernels" + (nibble == 1 ? " on the nibble layout" : "") + ": split, mma ("
                + TensorCoreKernels.rowBlocks(rows) + " x " + TensorCoreKernels.slices(rows, cols) + " groups of "
                + TensorCoreKernels.THREADS + "), finish";
        // With an empty tail first, against the dense part of the reference: tells a wrong product from a wrong tail.
        FloatArray denseOut = new FloatArray(batch * rows);
        Checked denseRun = runTensorCores("mvtcd" + nibble + "_" + rows + "_" + cols + "_" + batch, weightsA,
                signMantissa, nibble, rows, cols, x, step, tail.table(), TailKernels.none(rows), 0, denseOut,
                denseReference(reference, tail, directory, rows, cols, x), null, target);
        Checked run = runTensorCores("mvtc" + nibble + "_" + rows + "_" + cols + "_" + batch, weightsA, signMantissa,
                nibble, rows, cols, x, step, tail.table(), tail.tail(), directory, output, reference, expected,
                target);
        return List.of(
                new BenchmarkReport.Row(label.replace("tensor-cores", "tensor-cores-dense"), what + "; batch " + batch
                        + ", an empty tail, checked against the dense part of the reference", bytes,
                        denseRun.timed().kernel(), denseRun.timed().wall(), denseRun.check()),
                new BenchmarkReport.Row(label, what + " with the tail; batch " + batch + ", " + tail.entries()
                        + " weights in the tail", bytes, run.timed().kernel(), run.timed().wall(), run.check()));
    }

    /** One tensor-core product graph (split, mma, finish adding {@code tailArray}'s rows from {@code directory}). */
    private Checked runTensorCores(String graphName, IntArray weightsA, IntArray signMantissa, int nibble, int rows,
            int cols, FloatArray x, IntArray step, FloatArray table, IntArray tailArray, int directory,
            FloatArray output, double[] reference, FloatArray expected, TornadoDevice target) throws Exception {
        GridScheduler grids = new GridScheduler();
        TaskGraph graph = TensorCoreScratch.forProduct(x.getSize() / cols, rows, cols).addProduct(
                TensorCoreScratch.newGraph(graphName, TornadoDevices.id(target)).transferToDevice(
                        DataTransferMode.FIRST_EXECUTION, weightsA, signMantissa, x, step, table, tailArray),
                grids, graphName, "mv", weightsA, signMantissa, nibble, 0, rows, cols, x, output, 0, 0, step, table,
                tailArray, directory, 256);
        return run(graph, grids, target, output, reference, expected, "tensor-cores on the planes",
                TENSOR_CORE_TOLERANCE);
    }

    /**
     * {@code reference} less each row's tail products (the weights the tail task adds, {@link TailKernels#addTails}),
     * for quad-major activations {@code x}: what the dense launches alone should give.
     */
    private static double[] denseReference(double[] reference, UnitTail tail, int directory, int rows, int cols,
            FloatArray x) {
        double[] dense = reference.clone();
        IntArray entries = tail.tail();
        FloatArray table = tail.table();
        for (int i = 0; i < dense.length; i++) {
            int r = i % rows;
            int xBase = i / rows * cols;
            for (int e = entries.get(directory + r); e < entries.get(directory + r + 1); e++) {
                dense[i] -= table.get(UnitTail.TABLE + e) * (double) x.get(xBase + entries.get(e));
            }
        }
        return dense;
    }

    /**
     * The 8-byte-load rung ({@link LongLoadKernels}) on the matrix and launch, batch 1, {@code x} given in the natural
     * order (stored octet-major for the kernel); checked against the reference only.
     */
    private BenchmarkReport.Row timeLong(String shape, WeightPlanes weights, int rows, int cols, FloatArray x,
            double[] reference, int local, int rowsPerGroup, TornadoDevice target) throws Exception {
        FloatArray output = new FloatArray(rows);
        LongArray exponents = LongLoadKernels.longs(weights.exponents());
        LongArray signMantissa = LongLoadKernels.longs(weights.signMantissa());
        FloatArray octets = LongLoadKernels.toOctetMajor(x, cols);
        FloatArray scales = Bf16Scales.table();
        String graphName = "mvl_" + rows + "_" + cols + "_" + local + "_" + rowsPerGroup;
        TaskGraph graph = new TaskGraph(graphName)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, exponents, signMantissa, octets, scales)
                .task("mv", LongLoadKernels::matVecLong, new KernelContext(), exponents, signMantissa, rows, cols,
                        octets, output, rowsPerGroup, scales);
        Checked run = run(graph, graphName, (rows + rowsPerGroup - 1) / rowsPerGroup, local, target, output,
                reference, null);
        return new BenchmarkReport.Row(shape + " long " + local + ":" + rowsPerGroup + " b1",
                "matVecLong " + local + " work-items, " + rowsPerGroup + " rows per group, batch 1", 2L * rows * cols,
                run.timed().kernel(), run.timed().wall(), run.check());
    }

    /**
     * The fused DF11 kernel on the same matrix and launch: checked against the reference and, bit for bit, against the
     * planes kernel's output {@code planesOut} of the same launch. Bytes counted: the compressed bytes it reads (the
     * matrix's code stream, sign/mantissa bytes and chunk index), so its GB/s compare with the copy ceiling; weights
     * per second are in the description's weight count over the median time.
     */
    private BenchmarkReport.Row timeFused(String shape, CompressedUnit unit, ChunkStarts chunks, int rows, int cols,
            FloatArray x, double[] reference, int local, int rowsPerGroup, TornadoDevice target, FloatArray planesOut,
            String variant) throws Exception {
        int batch = x.getSize() / cols;
        FloatArray output = new FloatArray(batch * rows);
        IntArray step = step(batch);
        FloatArray scales = Bf16Scales.table();
        PackedInputs packed = unit.packedInputs();
        String graphName = "mvf" + variant + "_" + rows + "_" + cols + "_" + local + "_" + rowsPerGroup;
        TaskGraph graph = new TaskGraph(graphName)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, packed.codeWords(), packed.tables(),
                        packed.triples(), chunks.starts(), unit.signMantissaWords(), x, step, scales);
        graph = FusedVariants.addTask(graph, "mv", variant, unit, chunks.starts(), 0, null, 0, rows, cols, x,
                output, rowsPerGroup, step, scales);
        long weightsCount = (long) rows * cols;
        long compressedBytes = packed.codeWords().getNumBytesOfSegment() + weightsCount
                + chunks.starts().getNumBytesOfSegment();
        Checked run = run(graph, graphName, (rows + rowsPerGroup - 1) / rowsPerGroup, local, target, output,
                reference, planesOut);
        String kernel = "fused-" + variant;
        return new BenchmarkReport.Row(shape + " " + kernel + " " + local + ":" + rowsPerGroup + " b" + batch,
                kernel + " (DF11) " + local + " work-items, " + rowsPerGroup + " rows per group, batch " + batch + ", "
                + weightsCount + " weights in " + compressedBytes + " compressed bytes (BF16 " + 2 * weightsCount
                + ")", compressedBytes, run.timed().kernel(), run.timed().wall(), run.check());
    }

    /** A launch's check (against the reference, and bit for bit against another kernel's output) and its timings. */
    private record Checked(String check, PlanTimer timed) {
    }

    /**
     * Runs {@code graph}'s task {@code mv} ({@code groups} work-groups of {@code local}) once, checks {@code output}
     * against {@code reference} and, unless {@code planesOut} is null, bit for bit against it; then times the launch.
     */
    private Checked run(TaskGraph graph, String graphName, int groups, int local, TornadoDevice target,
            FloatArray output, double[] reference, FloatArray planesOut) throws Exception {
        return run(graph, new GridScheduler(graphName + ".mv", Grids.groups(groups, local)), target, output,
                reference, planesOut, "planes kernel");
    }

    /** {@link #run} on {@code grids}, checked bit for bit against {@code against}'s output {@code expected}. */
    private Checked run(TaskGraph graph, GridScheduler grids, TornadoDevice target, FloatArray output,
            double[] reference, FloatArray expected, String against) throws Exception {
        return run(graph, grids, target, output, reference, expected, against, FP32_TOLERANCE);
    }

    /** As above, within {@code tolerance} of the reference ({@link #check}). */
    private Checked run(TaskGraph graph, GridScheduler grids, TornadoDevice target, FloatArray output,
            double[] reference, FloatArray expected, String against, double tolerance) throws Exception {
        keepHostArrays(graph);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(
                graph.transferToHost(DataTransferMode.UNDER_DEMAND, output).snapshot())) {
            plan.withGridScheduler(grids).withDevice(target).withProfiler(ProfilerMode.SILENT);
            if (maxRegisters != null) {
                plan.withCompilerFlags(TornadoVMBackendType.PTX,
                        "CU_JIT_OPTIMIZATION_LEVEL 4 CU_JIT_MAX_REGISTERS " + maxRegisters);
            }
            TornadoExecutionResult result = plan.execute();
            result.transferToHost(output);
            String check = check(output, reference, tolerance);
            for (int r = 0; expected != null && r < output.getSize() && check.startsWith("ok"); r++) {
                if (Float.floatToRawIntBits(output.get(r)) != Float.floatToRawIntBits(expected.get(r))) {
                    check = "NOT BIT-EXACT vs " + against + " at row " + r;
                }
            }
            PlanTimer timed = PlanTimer.measure(plan, warmup, reps);
            plan.freeDeviceMemory();
            return new Checked(check, timed);
        }
    }

    /** Every graph this process ran, with the host arrays it holds: see {@link #keepHostArrays}. */
    private static final List<TaskGraph> RAN = new ArrayList<>();

    /**
     * Keeps {@code graph}'s host arrays from being freed until the process ends. On PTX the CUDA driver still holds
     * a closed plan's host ranges registered, and a later array placed at a freed address made uploads fail with
     * {@code CUDA_ERROR_INVALID_VALUE} and whole rows come back as zeros (73 such errors, five zero rows of CUDA-core
     * kernels that pass elsewhere, in one 2026-12-08 run; the forward plan retires its staging memory for the same
     * reason, {@code HostStaging}). The arrays of one run are a few GB at most.
     */
    private static void keepHostArrays(TaskGraph graph) {
        RAN.add(graph);
    }

    /** A device copy of the matrix's bytes, the bandwidth ceiling for a kernel that streams it once. */
    private BenchmarkReport.Row timeCopy(String shape, MemorySegment bf16, TornadoDevice target) throws Exception {
        IntArray weights = Bf16Words.pack(bf16);
        int words = weights.getSize();
        IntArray copy = new IntArray(words);
        String graphName = "mvcopy_" + words;
        TaskGraph graph = new TaskGraph(graphName)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, weights, copy)
                .task("copy", CopyKernels::copyWords, new KernelContext(), weights, copy, words);
        keepHostArrays(graph);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(new GridScheduler(graphName + ".copy", Grids.items(words, 256)))
                    .withDevice(target).withProfiler(ProfilerMode.SILENT);
            PlanTimer timed = PlanTimer.measure(plan, warmup + 1, reps);
            plan.freeDeviceMemory();
            return new BenchmarkReport.Row(shape + " copy", "device copy of the matrix bytes (read + write)",
                    8L * words, timed.kernel(), timed.wall(), "-");
        }
    }

    /** The batch array of a launch over {@code batch} tokens. */
    private static IntArray step(int batch) {
        IntArray step = new IntArray(2);
        step.set(ForwardKernels.START, 0);
        step.set(ForwardKernels.COUNT, batch);
        return step;
    }

    /**
     * W x for each token of the batch (token-major, like the kernels' output), in fp64 from the same BF16 weights and
     * the natural-order {@code x} the kernels' quad-major input was made from.
     */
    private static double[] reference(MemorySegment bf16, int rows, int cols, FloatArray x) {
        int batch = x.getSize() / cols;
        double[] y = new double[batch * rows];
        IntStream.range(0, batch * rows).parallel().forEach(i -> {
            int r = i % rows;
            int xBase = i / rows * cols;
            double sum = 0;
            long base = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                sum += Float.intBitsToFloat(GaussianBf16.at(bf16, base + c) << 16) * (double) x.get(xBase + c);
            }
            y[i] = sum;
        });
        return y;
    }

    /**
     * Relative tolerance of the CUDA-core kernels' check: with N(0, 0.02) weights and N(0, 1) inputs a row's fp32 sum
     * is off by about 1e-5, a wrong weight or a skipped word by far more.
     */
    private static final double FP32_TOLERANCE = 1e-4;

    /**
     * Relative tolerance of the tensor-core product's check: the tensor cores add each mma's products to the fp32
     * accumulator without rounding (truncating), hundreds of times a row; a model of that (every product and the
     * accumulator truncated to 24 bits at the largest one's exponent) puts these shapes' rows within 2e-5 of float64,
     * so this leaves room for the hardware being coarser, while a wrong weight or tile is off by far more.
     */
    private static final double TENSOR_CORE_TOLERANCE = 1e-3;

    /**
     * "ok" when every output is within {@code tolerance} of the reference, {@code |y - ref| <= tolerance * max(1,
     * |ref|)}; either way with the largest such relative error.
     */
    private static String check(FloatArray output, double[] reference, double tolerance) {
        double worst = 0;
        int bad = 0;
        List<String> badRows = new ArrayList<>();
        for (int r = 0; r < reference.length; r++) {
            double error = Math.abs(output.get(r) - reference[r]) / Math.max(1.0, Math.abs(reference[r]));
            worst = Math.max(worst, Double.isNaN(error) ? Double.POSITIVE_INFINITY : error);
            if (!(error <= tolerance)) {
                bad++;
                if (badRows.size() < 3) {
                    badRows.add(String.format(Locale.ROOT, "%d: %.6g not %.6g", r, output.get(r), reference[r]));
                }
            }
        }
        return bad == 0 ? String.format(Locale.ROOT, "ok (max err %.1e)", worst)
                : String.format(Locale.ROOT, "WRONG: %d rows, e.g. %s (max err %.1e)", bad, badRows, worst);
    }
}
