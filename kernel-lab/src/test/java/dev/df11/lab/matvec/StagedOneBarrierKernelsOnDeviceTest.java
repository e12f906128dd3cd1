package dev.df11.lab.matvec;

import dev.df11.tornado.forward.TailKernels;
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
 * The one-barrier staged rung ({@link StagedOneBarrierKernels}) against the product's planes kernel with the same
 * work-items per row, over the product staged kernel's cases (every tier, partial tiles, accumulation on and off, the
 * last token only, rows past the matrix, rows of quads that do not divide into chunks): every
 * output must carry the planes kernel's bits, and nothing past the batch's outputs may be written.
 */
class StagedOneBarrierKernelsOnDeviceTest {

    /** What the outputs past the batch hold before and, if nothing writes there, after. */
    private static final float GUARD = -12345.0f;

    @ParameterizedTest(name = "{0} work-items per row, batch {1}, last only {2}, accumulate {3}")
    @CsvSource({"64, 21, 0, 1", "32, 9, 1, 1", "64, 16, 0, 0", "16, 3, 0, 1", "8, 11, 0, 1", "64, 8, 0, 0",
            "32, 17, 0, 1", "64, 2, 0, 0", "64, 15, 0, 1", "64, 40, 0, 0"})
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
        int guard = StagedOneBarrierKernels.TILE * rows;
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
        int stagedRows = StagedOneBarrierKernels.SLOTS * StagedOneBarrierKernels.ROWS;
        int stagedLocal = StagedOneBarrierKernels.SLOTS * width;
        String name = "oneBarrier" + width + "_" + width + "_" + count + "_" + lastOnly + "_" + accumulate;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        planesOut, stagedOut, batch, scales, noTail)
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, accumulate, lastOnly, rowsPerGroup,
                        batch, scales, noTail, 0);
        graph = graph.task("staged", StagedOneBarrierKernels::matVecStagedOneBarrier, new KernelContext(),
                planes.exponents(), planes.signMantissa(), offset, rows, cols, x, stagedOut, accumulate, lastOnly,
                stagedRows, batch, scales);
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
