package dev.df11.tornado.forward;

import dev.df11.format.testing.TestWeights;
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
 * The staged kernels ({@link StagedRowKernels}'s four- and two-slot forms) against the product's planes kernel with
 * the same work-items per row, with batches that run every tier (full tiles, a partial last tile, a single token
 * alone), accumulation on and off, the last token only, a row count that leaves the last group's rows past the matrix
 * in every one of a work-item's rows, and rows whose quads do not divide into chunks: every output must carry the
 * planes kernel's bits, and nothing past the batch's outputs may be written (a partial tile's missing tokens).
 */
class StagedRowKernelsOnDeviceTest {

    /** What the outputs past the batch hold before and, if nothing writes there, after. */
    private static final float GUARD = -12345.0f;

    @ParameterizedTest(name = "{0}, {1} work-items per row, batch {2}, last only {3}, accumulate {4}")
    @CsvSource({"staged, 64, 21, 0, 1", "staged, 32, 9, 1, 1", "staged, 64, 16, 0, 0", "staged, 16, 3, 0, 1",
            "staged, 8, 11, 0, 1", "staged, 64, 8, 0, 0", "staged, 32, 17, 0, 1", "staged, 64, 2, 0, 0",
            "staged, 64, 15, 0, 1", "staged-two-slots, 128, 21, 0, 1", "staged-two-slots, 64, 9, 1, 1",
            "staged-two-slots, 128, 16, 0, 0", "staged-two-slots, 8, 3, 0, 1", "staged-two-slots, 128, 10, 0, 0"})
    void everyTierGivesThePlanesKernelsBits(String kernel, int width, int count, int lastOnly, int accumulate) {
        int rows = 37;
        int cols = 1108;
        int offset = 8;
        WeightPlanes planes = WeightPlanes.split(TestWeights.gaussian(5, offset + (long) rows * cols, 0.05));
        SplittableRandom random = new SplittableRandom(29 + count);
        FloatArray natural = new FloatArray(count * cols);
        for (int i = 0; i < natural.getSize(); i++) {
            natural.set(i, (float) random.nextGaussian());
        }
        FloatArray x = MatVecKernels.toQuadMajor(natural, cols);
        ProductKernel product = ProductKernel.named(kernel);
        int guard = StagedRowKernels.TILE * rows;
        FloatArray planesOut = new FloatArray(count * rows + guard);
        FloatArray stagedOut = new FloatArray(count * rows + guard);
        for (int i = 0; i < planesOut.getSize(); i++) {
            float start = i < count * rows ? (float) random.nextGaussian() : GUARD;
            planesOut.set(i, start);
            stagedOut.set(i, start);
        }
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(rows);
        int rowsPerGroup = 2;
        int local = width * rowsPerGroup;
        int stagedRows = product.fixedRows();
        int stagedLocal = stagedRows / product.rowsPerItem() * width;
        String name = kernel.replace("-", "") + "_" + width + "_" + count + "_" + lastOnly + "_" + accumulate;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        planesOut, stagedOut, batch, scales, noTail)
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, accumulate, lastOnly, rowsPerGroup,
                        batch, scales, noTail, 0);
        graph = product.addTask(graph, "staged", planes.exponents(), planes.signMantissa(), offset, rows, cols, x,
                stagedOut, accumulate, lastOnly, stagedRows, batch, scales, noTail, 0);
        graph = graph
                .transferToHost(DataTransferMode.EVERY_EXECUTION, planesOut, stagedOut);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid(name + ".planes", Grids.groups((rows + rowsPerGroup - 1) / rowsPerGroup, local));
        grids.addWorkerGrid(name + ".staged", Grids.groups((rows + stagedRows - 1) / stagedRows, stagedLocal));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < count * rows; i++) {
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(stagedOut.get(i)),
                    "output " + i + " (token " + i / rows + ", row " + i % rows + "): " + planesOut.get(i)
                            + " planes, " + stagedOut.get(i) + " staged");
        }
        for (int i = count * rows; i < stagedOut.getSize(); i++) {
            assertEquals(GUARD, stagedOut.get(i), "output " + i + " is past the batch (token " + i / rows + ")");
        }
    }
}
