package dev.df11.lab.matvec;

import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.WeightPlanes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The 8-byte-load rung against a float64 reference of the same BF16 weights (with exact zeros of both signs among
 * them), on a matrix whose rows' longs do not divide among the work-items (138 per row, so both the unrolled loop and
 * its tail run) and whose last group has rows past the matrix. It adds the products in its own order, so agreement is
 * to 1e-5 of the row's magnitude, which any indexing or widening error breaks.
 */
class LongLoadKernelsOnDeviceTest {

    @ParameterizedTest(name = "local {0}, {1} rows per group")
    @CsvSource({"128, 2", "128, 8", "64, 4"})
    void eightByteLoadsGiveTheReferenceProducts(int local, int rowsPerGroup) {
        int rows = 37;
        int cols = 1104;
        MemorySegment bf16 = TestWeights.gaussian(7, (long) rows * cols, 0.05);
        short[] bits = TestWeights.toShorts(bf16);
        for (int i = 0; i < bits.length; i += 97) {
            bits[i] = (short) (i % 2 == 0 ? 0x0000 : 0x8000);
        }
        WeightPlanes planes = WeightPlanes.split(MemorySegment.ofArray(bits));
        SplittableRandom random = new SplittableRandom(11);
        FloatArray x = new FloatArray(cols);
        for (int i = 0; i < cols; i++) {
            x.set(i, (float) random.nextGaussian());
        }
        LongArray exponents = LongLoadKernels.longs(planes.exponents());
        LongArray signMantissa = LongLoadKernels.longs(planes.signMantissa());
        FloatArray octets = LongLoadKernels.toOctetMajor(x, cols);
        FloatArray scales = Bf16Scales.table();
        FloatArray output = new FloatArray(rows);
        int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
        String name = "long" + local + "_" + rowsPerGroup;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, exponents, signMantissa, octets, scales)
                .task("long", LongLoadKernels::matVecLong, new KernelContext(), exponents, signMantissa, rows, cols,
                        octets, output, rowsPerGroup, scales)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, output);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid(name + ".long", Grids.groups(groups, local));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            double magnitude = 1;
            for (int c = 0; c < cols; c++) {
                double product = Float.intBitsToFloat(bits[r * cols + c] << 16) * (double) x.get(c);
                sum += product;
                magnitude += Math.abs(product);
            }
            assertEquals(sum, output.get(r), 1e-5 * magnitude, "row " + r);
        }
    }
}
