package dev.df11.lab.matvec;

import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.WeightPlanes;
import org.junit.jupiter.api.Test;
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
 * The quad-major rung against the product's planes kernel: the same activations, stored quad-major for the rung, give
 * every output the same bits, for a batch that runs a tile of four rows and then rows alone, with accumulation, and
 * for rows whose quads do not fill the 4-quad unroll (1108 columns).
 */
class QuadMajorKernelsOnDeviceTest {

    @Test
    void quadMajorActivationsGiveThePlanesKernelsBits() {
        int rows = 37;
        int cols = 1108;
        int count = 6;
        int offset = 8;
        WeightPlanes planes = WeightPlanes.split(TestWeights.gaussian(3, offset + (long) rows * cols, 0.05));
        SplittableRandom random = new SplittableRandom(5);
        FloatArray x = new FloatArray(count * cols);
        FloatArray quadMajor = new FloatArray(count * cols);
        for (int b = 0; b < count; b++) {
            for (int c = 0; c < cols; c++) {
                float v = (float) random.nextGaussian();
                x.set(b * cols + c, v);
                quadMajor.set(b * cols + QuadMajorKernels.index(c, cols), v);
            }
        }
        FloatArray start = new FloatArray(count * rows);
        for (int i = 0; i < start.getSize(); i++) {
            start.set(i, (float) random.nextGaussian());
        }
        for (int rowsPerGroup : new int[] {1, 4}) {
            FloatArray natural = copy(start);
            FloatArray quad = copy(start);
            IntArray batch = IntArray.fromElements(0, count);
            FloatArray scales = Bf16Scales.table();
            int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
            TaskGraph graph = new TaskGraph("quad" + rowsPerGroup)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                            quadMajor, natural, quad, batch, scales)
                    .task("natural", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                            planes.signMantissa(), offset, rows, cols, x, natural, 1, 0, rowsPerGroup, batch, scales)
                    .task("quad", QuadMajorKernels::matVecQuadMajor, new KernelContext(), planes.exponents(),
                            planes.signMantissa(), offset, rows, cols, quadMajor, quad, 1, 0, rowsPerGroup, batch,
                            scales)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, natural, quad);
            GridScheduler grids = new GridScheduler();
            grids.addWorkerGrid("quad" + rowsPerGroup + ".natural", Grids.groups(groups, 128));
            grids.addWorkerGrid("quad" + rowsPerGroup + ".quad", Grids.groups(groups, 128));
            try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
                plan.withGridScheduler(grids).execute();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < count * rows; i++) {
                assertEquals(Float.floatToRawIntBits(natural.get(i)), Float.floatToRawIntBits(quad.get(i)),
                        "output " + i + " (token " + i / rows + ", row " + i % rows + "), rows/group " + rowsPerGroup
                                + ": " + natural.get(i) + " natural, " + quad.get(i) + " quad-major");
            }
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
