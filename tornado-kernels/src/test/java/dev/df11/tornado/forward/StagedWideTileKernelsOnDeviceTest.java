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
 * The sixteen-token staged kernel ({@link StagedWideTileKernels}) against the product's planes kernel with the same
 * work-items per row: batches of one, two and no full tiles, a partial last tile, a single token alone, accumulation,
 * the last token only, rows past the matrix, quads that do not divide into chunks; every output must carry the planes
 * kernel's bits, and nothing past the batch's outputs may be written.
 */
class StagedWideTileKernelsOnDeviceTest {

    /** What the outputs past the batch hold before and, if nothing writes there, after. */
    private static final float GUARD = -12345.0f;

    @ParameterizedTest(name = "{0} work-items per row, batch {1}, last only {2}, accumulate {3}")
    @CsvSource({"64, 37, 0, 1", "32, 16, 0, 0", "64, 21, 1, 1", "16, 9, 0, 1", "8, 33, 0, 1", "64, 2, 0, 0",
            "64, 24, 0, 0"})
    void everyTierGivesThePlanesKernelsBits(int width, int count, int lastOnly, int accumulate) {
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
        int guard = StagedWideTileKernels.TILE * rows;
        FloatArray planesOut = new FloatArray(count * rows + guard);
        FloatArray stagedOut = new FloatArray(count * rows + guard);
        for (int i = 0; i < planesOut.getSize(); i++) {
            float start = i < count * rows ? (float) random.nextGaussian() : GUARD;
            planesOut.set(i, start);
            stagedOut.set(i, start);
        }
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        int rowsPerGroup = 2;
        int local = width * rowsPerGroup;
        int stagedRows = StagedWideTileKernels.SLOTS * StagedWideTileKernels.ROWS;
        int stagedLocal = StagedWideTileKernels.SLOTS * width;
        String name = "stagedWide" + width + "_" + count + "_" + lastOnly + "_" + accumulate;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        planesOut, stagedOut, batch, scales)
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, accumulate, lastOnly, rowsPerGroup, batch,
                        scales);
        graph = graph.task("staged", StagedWideTileKernels::matVecStagedWide, new KernelContext(),
                planes.exponents(), planes.signMantissa(), offset, rows, cols, x, stagedOut, accumulate, lastOnly, stagedRows,
                batch, scales);
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
