package dev.df11.lab.matvec;

import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.WeightPlanes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row-pair rung against the product's planes kernel launched with twice its work-items, for a batch that runs a
 * tile of four tokens and then tokens alone, with accumulation, with an odd row count (the last group's second row is
 * past the matrix) and rows whose quads do not divide among the work-items. Same products in the same order. Written
 * when PoCL contracted the two kernels' multiply-adds differently (a few ulps, before {@link MatVecKernels#addQuad}),
 * this checks agreement to 1e-5 of the row's magnitude, which any indexing error breaks; since {@code addQuad} the
 * outputs are the same bits on PoCL as well (checked 2026-12-07), and {@code matvec-bench --row-pairs} checks the bits
 * on a GPU.
 */
class RowPairKernelsOnDeviceTest {

    @ParameterizedTest(name = "local {0}, {1} rows per group, batch {2}, last only {3}")
    @CsvSource({"128, 2, 6, 0", "128, 4, 6, 0", "64, 8, 5, 0", "128, 4, 3, 1"})
    void twoRowsAWorkItemGiveThePlanesKernelsBits(int local, int rowsPerGroup, int count, int lastOnly) {
        int rows = 37;
        int cols = 1108;
        int offset = 8;
        WeightPlanes planes = WeightPlanes.split(TestWeights.gaussian(3, offset + (long) rows * cols, 0.05));
        SplittableRandom random = new SplittableRandom(5 + count);
        FloatArray x = new FloatArray(count * cols);
        for (int i = 0; i < x.getSize(); i++) {
            x.set(i, (float) random.nextGaussian());
        }
        FloatArray start = new FloatArray(count * rows);
        for (int i = 0; i < start.getSize(); i++) {
            start.set(i, (float) random.nextGaussian());
        }
        FloatArray planesOut = copy(start);
        FloatArray pairsOut = copy(start);
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
        String name = "pairs" + local + "_" + rowsPerGroup + "_" + count + "_" + lastOnly;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        planesOut, pairsOut, batch, scales)
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, 1, lastOnly, rowsPerGroup, batch,
                        scales)
                .task("pairs", RowPairKernels::matVecRowPairs, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, pairsOut, 1, lastOnly, rowsPerGroup, batch,
                        scales)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, planesOut, pairsOut);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid(name + ".planes", Grids.groups(groups, local));
        grids.addWorkerGrid(name + ".pairs", Grids.groups(groups, local / 2));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < count * rows; i++) {
            double scale = Math.abs(planesOut.get(i)) + 1.0;
            assertEquals(planesOut.get(i), pairsOut.get(i), 1e-5 * scale, "output " + i + " (token " + i / rows + ", row " + i % rows + "): " + planesOut.get(i)
                            + " planes, " + pairsOut.get(i) + " row pairs");
        }
    }

    private static FloatArray copy(FloatArray from) {
        FloatArray to = new FloatArray(from.getSize());
        for (int i = 0; i < from.getSize(); i++) {
            to.set(i, from.get(i));
        }
        return to;
    }
}
