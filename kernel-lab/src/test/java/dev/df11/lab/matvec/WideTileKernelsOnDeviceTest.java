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
 * Both wide-tile kernels, and both two-row ones ({@link WidePairKernels}, on half the work-items), against the
 * product's planes kernel on the same launch, with batches that run every tier
 * (sixteen, four, one token), accumulation, the last token only, an odd row count (the last group's rows past the
 * matrix) and rows whose quads do not divide among the work-items. Same products in the same order: every output
 * must carry the planes kernel's bits.
 */
class WideTileKernelsOnDeviceTest {

    @ParameterizedTest(name = "local {0}, {1} rows per group, batch {2}, last only {3}")
    @CsvSource({"128, 2, 37, 0", "128, 4, 21, 0", "64, 8, 5, 0", "128, 2, 17, 1", "256, 8, 16, 0"})
    void everyTierGivesThePlanesKernelsBits(int local, int rowsPerGroup, int count, int lastOnly) {
        int rows = 37;
        int cols = 1108;
        int offset = 8;
        WeightPlanes planes = WeightPlanes.split(TestWeights.gaussian(7, offset + (long) rows * cols, 0.05));
        SplittableRandom random = new SplittableRandom(11 + count);
        FloatArray natural = new FloatArray(count * cols);
        for (int i = 0; i < natural.getSize(); i++) {
            natural.set(i, (float) random.nextGaussian());
        }
        FloatArray quadX = MatVecKernels.toQuadMajor(natural, cols);
        FloatArray interleavedX = WideTileKernels.toInterleaved(natural, cols);
        FloatArray start = new FloatArray(count * rows);
        for (int i = 0; i < start.getSize(); i++) {
            start.set(i, (float) random.nextGaussian());
        }
        FloatArray planesOut = copy(start);
        FloatArray wideOut = copy(start);
        FloatArray interleavedOut = copy(start);
        FloatArray pairsOut = copy(start);
        FloatArray pairsInterleavedOut = copy(start);
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
        String name = "wide" + local + "_" + rowsPerGroup + "_" + count + "_" + lastOnly;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), quadX,
                        interleavedX, planesOut, wideOut, interleavedOut, pairsOut, pairsInterleavedOut, batch,
                        scales)
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, quadX, planesOut, 1, lastOnly, rowsPerGroup, batch,
                        scales)
                .task("wide", WideTileKernels::matVecWide, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, quadX, wideOut, 1, lastOnly, rowsPerGroup, batch,
                        scales)
                .task("interleaved", WideTileKernels::matVecWideInterleaved, new KernelContext(),
                        planes.exponents(), planes.signMantissa(), offset, rows, cols, interleavedX, interleavedOut, 1,
                        lastOnly, rowsPerGroup, batch, scales)
                .task("pairs", WidePairKernels::matVecWidePairs, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, quadX, pairsOut, 1, lastOnly, rowsPerGroup, batch,
                        scales)
                .task("pairsInterleaved", WidePairKernels::matVecWidePairsInterleaved, new KernelContext(),
                        planes.exponents(), planes.signMantissa(), offset, rows, cols, interleavedX,
                        pairsInterleavedOut, 1, lastOnly, rowsPerGroup, batch, scales)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, planesOut, wideOut, interleavedOut, pairsOut,
                        pairsInterleavedOut);
        GridScheduler grids = new GridScheduler();
        for (String task : new String[] {"planes", "wide", "interleaved"}) {
            grids.addWorkerGrid(name + "." + task, Grids.groups(groups, local));
        }
        grids.addWorkerGrid(name + ".pairs", Grids.groups(groups, local / 2));
        grids.addWorkerGrid(name + ".pairsInterleaved", Grids.groups(groups, local / 2));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < count * rows; i++) {
            String where = "output " + i + " (token " + i / rows + ", row " + i % rows + ")";
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(wideOut.get(i)),
                    where + ": " + planesOut.get(i) + " planes, " + wideOut.get(i) + " wide");
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(interleavedOut.get(i)),
                    where + ": " + planesOut.get(i) + " planes, " + interleavedOut.get(i) + " interleaved");
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(pairsOut.get(i)),
                    where + ": " + planesOut.get(i) + " planes, " + pairsOut.get(i) + " pairs");
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(pairsInterleavedOut.get(i)),
                    where + ": " + planesOut.get(i) + " planes, " + pairsInterleavedOut.get(i) + " pairs interleaved");
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
