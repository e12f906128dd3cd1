package dev.df11.lab.bench;

import dev.df11.tornado.forward.TailKernels;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.lab.fused.FusedVariants;
import dev.df11.lab.fused.FusedVariantKernels;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.backend.TornadoSettings;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.FusedMatVecKernels;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.WeightPlanes;
import dev.df11.tornado.forward.weights.ChunkStarts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Bit-exactness of the fused kernel and its lab variants on a device, against the planes kernel of the same launch:
 * the check to run first on a backend the tests do not cover (PoCL is what the tests use). Prints one line per
 * variant and matrix: "ok" or the first rows that differ. Two halves bisect a failure: {@code decodeToPlane} (the
 * fused decode alone, compared with the exponent plane int by int) and {@code stageFromPlane} (the product phase
 * alone, on a stage filled from the plane). {@code batchInvariant}: the planes kernel gives each token of a batch the
 * bits it gives that token alone (the batch runs a tile of {@link MatVecKernels#TILE} tokens, then two alone). Exit
 * status 0 when everything matched.
 *
 * <pre>
 * DF11_CLASSPATH=lib/df11-kernel-lab.jar DF11_MAIN=dev.df11.lab.bench.FusedCheck bin/df11 --device 1:0
 * </pre>
 */
@Command(name = "fused-check", mixinStandardHelpOptions = true,
        description = "Bit-exactness of the fused matrix-vector kernels against the planes kernel on a device.")
public final class FusedCheck implements Callable<Integer> {

    @Option(names = "--device", description = "TornadoVM device, B:D (default: TornadoVM's).")
    String device;

    /** Tokens per batch: a tile of {@link MatVecKernels#TILE} and two alone. */
    private static final int TOKENS = MatVecKernels.TILE + 2;

    private static final String[] VARIANTS = FusedVariants.NAMES.toArray(new String[0]);

    public static void main(String[] args) {
        TornadoSettings.raiseDefaults();
        System.exit(new CommandLine(new FusedCheck()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TornadoDevice target = device == null ? TornadoExecutionPlan.DEFAULT_DEVICE : TornadoDevices.select(device);
        System.out.println("device: " + TornadoDevices.describe(target));
        int[][] shapes = {{37, 1108}, {64, 4096}, {16, 14336}};
        List<MemorySegment> matrices = new ArrayList<>();
        for (int m = 0; m < shapes.length; m++) {
            matrices.add(GaussianBf16.generate(m + 1, shapes[m][0] * shapes[m][1], 0.02));
        }
        Df11Unit unit = new Df11Encoder(Runtime.getRuntime().availableProcessors()).encode("check", matrices);
        CompressedUnit arrays = CompressedUnit.of(unit);
        PackedInputs packed = arrays.packedInputs();
        List<ChunkStarts.Matrix> spans = new ArrayList<>();
        long bytes = 0;
        for (int m = 0; m < shapes.length; m++) {
            spans.add(new ChunkStarts.Matrix(unit.matrixStart(m), shapes[m][0], shapes[m][1]));
            bytes += matrices.get(m).byteSize();
        }
        MemorySegment all = MemorySegment.ofArray(new byte[(int) bytes]);
        long at = 0;
        for (MemorySegment m : matrices) {
            MemorySegment.copy(m, 0, all, at, m.byteSize());
            at += m.byteSize();
        }
        WeightPlanes planes = WeightPlanes.split(all);
        ChunkStarts chunks = ChunkStarts.of(unit, spans);
        FloatArray scales = Bf16Scales.table();
        boolean allOk = true;
        SplittableRandom random = new SplittableRandom(3);
        for (int m = 0; m < shapes.length; m++) {
            int rows = shapes[m][0];
            int cols = shapes[m][1];
            int offset = (int) unit.matrixStart(m);
            int base = chunks.spans().get(m).base();
            int perGroup = Math.max(1, Math.min(2, FusedMatVecKernels.STAGE_ELEMENTS / cols));
            // Random rows, read quad-major by every kernel here (as by the product's): the planes kernel, the fused
            // variants and each token alone (a row copied on its own is a quad-major row too) see the same values
            // in the same places, so they compare like with like.
            FloatArray x = new FloatArray(TOKENS * cols);
            for (int i = 0; i < x.getSize(); i++) {
                x.set(i, (float) random.nextGaussian());
            }
            IntArray batch = IntArray.fromElements(0, TOKENS);
            IntArray one = IntArray.fromElements(0, 1);
            List<FloatArray> tokenInputs = new ArrayList<>();
            List<FloatArray> alone = new ArrayList<>();
            for (int t = 0; t < TOKENS; t++) {
                FloatArray xt = new FloatArray(cols);
                for (int i = 0; i < cols; i++) {
                    xt.set(i, x.get(t * cols + i));
                }
                tokenInputs.add(xt);
                alone.add(new FloatArray(rows));
            }
            List<FloatArray> outs = new ArrayList<>();
            String name = "check" + m;
            IntArray noTail = TailKernels.none(rows);
            TaskGraph graph = new TaskGraph(name).transferToDevice(DataTransferMode.EVERY_EXECUTION,
                    planes.exponents(), planes.signMantissa(), packed.codeWords(), packed.tables(), packed.triples(),
                    chunks.starts(), arrays.signMantissaWords(), x, batch, scales, one, noTail)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, tokenInputs.toArray());
            FloatArray reference = new FloatArray(TOKENS * rows);
            graph = graph.task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                    planes.signMantissa(), offset, rows, cols, x, reference, 0, 0, perGroup, batch, scales, noTail, 0);
            GridScheduler grids = new GridScheduler();
            grids.addWorkerGrid(name + ".planes", Grids.groups((rows + perGroup - 1) / perGroup, 128));
            for (int t = 0; t < TOKENS; t++) {
                graph = graph.task("alone" + t, MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, tokenInputs.get(t), alone.get(t), 0, 0, perGroup,
                        one, scales, noTail, 0);
                grids.addWorkerGrid(name + ".alone" + t, Grids.groups((rows + perGroup - 1) / perGroup, 128));
            }
            for (String v : VARIANTS) {
                FloatArray out = new FloatArray(TOKENS * rows);
                outs.add(out);
                graph = FusedVariants.addTask(graph, v, v, arrays, chunks.starts(), base, planes.exponents(), offset,
                        rows, cols, x, out, perGroup, batch, scales);
                grids.addWorkerGrid(name + "." + v, Grids.groups((rows + perGroup - 1) / perGroup, 128));
            }
            IntArray decoded = new IntArray(planes.exponents().getSize());
            graph = graph.task("decode", FusedVariantKernels::decodeToPlane, new KernelContext(), packed.codeWords(),
                    packed.tables(), chunks.starts(), base, arrays.signMantissaWords(), offset, rows, cols, decoded,
                    perGroup);
            grids.addWorkerGrid(name + ".decode", Grids.groups((rows + perGroup - 1) / perGroup, 128));
            graph = graph.transferToHost(DataTransferMode.EVERY_EXECUTION, reference, decoded)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, alone.toArray());
            for (FloatArray out : outs) {
                graph = graph.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
            }
            try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
                plan.withGridScheduler(grids).withDevice(target).execute();
            }
            int wrongInts = 0;
            List<String> wrong = new ArrayList<>();
            for (int q = offset / 4; q < (offset + rows * cols) / 4; q++) {
                if (decoded.get(q) != planes.exponents().get(q)) {
                    wrongInts++;
                    if (wrong.size() < 4) {
                        wrong.add("int " + (q - offset / 4) + ": " + Integer.toHexString(decoded.get(q)) + " vs "
                                + Integer.toHexString(planes.exponents().get(q)));
                    }
                }
            }
            allOk &= wrongInts == 0;
            System.out.printf("%-14s [%d, %d] %s%n", "decodeToPlane", rows, cols, wrongInts == 0 ? "ok"
                    : wrongInts + " of " + rows * cols / 4 + " exponent ints differ, e.g. " + wrong);
            FloatArray aloneRows = new FloatArray(TOKENS * rows);
            for (int t = 0; t < TOKENS; t++) {
                for (int r = 0; r < rows; r++) {
                    aloneRows.set(t * rows + r, alone.get(t).get(r));
                }
            }
            allOk &= report("batchInvariant", rows, cols, aloneRows, reference);
            for (int v = 0; v < VARIANTS.length; v++) {
                allOk &= report(VARIANTS[v], rows, cols, outs.get(v), reference);
            }
        }
        return allOk ? 0 : 2;
    }

    /** Prints {@code name}'s line: "ok" when {@code out} has {@code reference}'s bits, else the first that differ. */
    private static boolean report(String name, int rows, int cols, FloatArray out, FloatArray reference) {
        List<String> bad = new ArrayList<>();
        int badCount = 0;
        for (int i = 0; i < out.getSize(); i++) {
            if (Float.floatToRawIntBits(out.get(i)) != Float.floatToRawIntBits(reference.get(i))) {
                badCount++;
                if (bad.size() < 4) {
                    bad.add(i + ": " + out.get(i) + " vs " + reference.get(i));
                }
            }
        }
        System.out.printf("%-14s [%d, %d] %s%n", name, rows, cols,
                badCount == 0 ? "ok" : badCount + " of " + out.getSize() + " differ, e.g. " + bad);
        return badCount == 0;
    }
}
