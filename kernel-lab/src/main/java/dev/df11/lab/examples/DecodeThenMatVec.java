package dev.df11.lab.examples;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.Df11Model;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.api.DecodeTask;
import dev.df11.tornado.api.Df11Tasks;
import dev.df11.tornado.api.UnitMatrix;
import dev.df11.lab.bench.GaussianBf16;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Example: a two-task TornadoVM graph that decodes a DF11 unit on the device and multiplies one of its matrices by a
 * vector, then checks the product against the same product computed on the CPU from the CPU decoder's weights.
 *
 * <pre>
 * DecodeThenMatVec                                  a synthetic unit of two N(0, 0.02) matrices
 * DecodeThenMatVec MODEL_DIR UNIT [WEIGHT_NAME]     a unit of a DF11 model folder (default: its first matrix)
 * </pre>
 * Exit status 0 when every output agrees with the CPU within float rounding, 1 otherwise, 2 for bad arguments.
 * The JVM needs TornadoVM's flags (docs/tornado.md; README section "Using DF11 inside your own TornadoVM task graph").
 */
public final class DecodeThenMatVec {

    /** Names of the synthetic unit's matrices. */
    public static final List<String> SYNTHETIC_NAMES = List.of("example.mlp.up_proj.weight",
            "example.mlp.down_proj.weight");

    private DecodeThenMatVec() {
    }

    /**
     * The device product, the CPU product and how far they may differ.
     *
     * @param device    y computed on the device (float, row by row in column order)
     * @param reference y computed on the CPU in double precision from the CPU-decoded weights
     * @param bound     per row, {@code cols * 2^-23 * sum |w x|}: a float sum of {@code cols} products stays within
     *                  this of the exact sum, however the compiler orders or fuses it
     */
    public record Outcome(String matrix, float[] device, double[] reference, double[] bound) {

        /** The row whose error is the largest fraction of its bound. */
        public int worstRow() {
            int worst = 0;
            for (int r = 1; r < device.length; r++) {
                if (ratio(r) > ratio(worst)) {
                    worst = r;
                }
            }
            return worst;
        }

        /** Whether every row is within its bound. */
        public boolean agrees() {
            return device.length == 0 || ratio(worstRow()) <= 1.0;
        }

        private double ratio(int r) {
            double error = Math.abs(device[r] - reference[r]);
            return error == 0 ? 0 : error / bound[r];
        }
    }

    public static void main(String[] args) throws IOException {
        Outcome outcome;
        if (args.length == 0) {
            Df11Unit unit = syntheticUnit(42);
            CompressedUnit compressed = CompressedUnit.of(unit, SYNTHETIC_NAMES, syntheticShapes());
            outcome = run(compressed, compressed.matrix(1), unit, 7);
        } else if (args.length == 2 || args.length == 3) {
            try (Df11Model model = Df11Model.open(Path.of(args[0]))) {
                if (!model.unitNames().contains(args[1])) {
                    System.err.println(args[0] + " has no unit '" + args[1] + "'; its units: " + model.unitNames());
                    System.exit(2);
                }
                CompressedUnit compressed = CompressedUnit.load(model, args[1]);
                UnitMatrix matrix = args.length == 3 ? compressed.matrix(args[2]) : compressed.matrix(0);
                outcome = run(compressed, matrix, model.unit(args[1]), 7);
            }
        } else {
            System.err.println("usage: DecodeThenMatVec [MODEL_DIR UNIT [WEIGHT_NAME]]");
            System.exit(2);
            return;
        }
        int worst = outcome.worstRow();
        System.out.printf("%s: %d rows; worst row %d: device %.9g, CPU %.9g, allowed difference %.3g%n",
                outcome.matrix(), outcome.device().length, worst, outcome.device()[worst],
                outcome.reference()[worst], outcome.bound()[worst]);
        System.out.println(outcome.agrees() ? "OK: the device product agrees with the CPU"
                : "MISMATCH: the device product differs from the CPU");
        System.exit(outcome.agrees() ? 0 : 1);
    }

    /**
     * Decodes {@code unit} and computes {@code y = W x} for {@code matrix} (2-D) in one task graph on the default
     * device, with a seeded x in [-1, 1); computes the same product on the CPU from {@code oracle} (the same unit,
     * decoded by {@link Df11Decoder}).
     */
    public static Outcome run(CompressedUnit unit, UnitMatrix matrix, Df11Unit oracle, long seed) {
        int rows = Math.toIntExact(matrix.rows());
        int cols = Math.toIntExact(matrix.columns());
        FloatArray x = randomVector(cols, seed);
        FloatArray y = new FloatArray(rows);
        FloatArray scales = Bf16MatVec.exponentScales();

        // The few lines a user writes: a buffer for the unit, the decode task, their own task on the weights.
        ShortArray weights = unit.allocateOutput();
        TaskGraph graph = new TaskGraph("example").transferToDevice(DataTransferMode.FIRST_EXECUTION, scales, x);
        DecodeTask decode = Df11Tasks.addDecode(graph, "decode", unit, weights);
        graph.task("matvec", Bf16MatVec::matVec, weights, matrix.offset(), cols, scales, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
        GridScheduler grids = decode.registerIn(new GridScheduler());
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(grids)) {
            decode.verify(plan.execute());
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("closing the execution plan of " + decode, e);
        }

        short[] w = cpuWeights(oracle, matrix);
        double[] reference = new double[rows];
        double[] bound = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            double magnitude = 0;
            for (int c = 0; c < cols; c++) {
                double product = (double) Bf16.toFloat(w[r * cols + c]) * x.get(c);
                sum += product;
                magnitude += Math.abs(product);
            }
            reference[r] = sum;
            bound[r] = cols * Math.scalb(1.0, -23) * magnitude + Float.MIN_NORMAL;
        }
        return new Outcome(matrix.name(), y.toHeapArray(), reference, bound);
    }

    /** The matrix's BF16 values as the CPU decoder gives them. */
    private static short[] cpuWeights(Df11Unit oracle, UnitMatrix matrix) {
        short[] words = new short[matrix.elements()];
        new Df11Decoder(Runtime.getRuntime().availableProcessors()).decodeRange(oracle, matrix.offset(),
                (long) matrix.offset() + matrix.elements(), MemorySegment.ofArray(words));
        return words;
    }

    private static FloatArray randomVector(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FloatArray x = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            x.set(i, (float) (2 * random.nextDouble() - 1));
        }
        return x;
    }

    /** Shapes of the synthetic unit's matrices (a small MLP: 288 -> 768 -> 288); fresh arrays. */
    public static List<long[]> syntheticShapes() {
        return List.of(new long[] {768, 288}, new long[] {288, 768});
    }

    /** Two seeded N(0, 0.02) BF16 matrices shaped {@link #syntheticShapes()}, encoded as one unit. */
    public static Df11Unit syntheticUnit(long seed) {
        MemorySegment up = GaussianBf16.generate(seed, 768 * 288, 0.02);
        MemorySegment down = GaussianBf16.generate(seed + 1, 288 * 768, 0.02);
        return new Df11Encoder(2).encode("example.mlp", List.of(up, down));
    }
}
