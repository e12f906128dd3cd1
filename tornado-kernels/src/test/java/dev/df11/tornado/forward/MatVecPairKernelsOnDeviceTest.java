package dev.df11.tornado.forward;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link MatVecPairKernels#matVecPairs} on half the work-items against {@link MatVecKernels#matVec} on the full launch,
 * with batches that run every tier (sixteen, four, one token), accumulation, the last token only, an odd row count (a
 * last group with a row past the matrix, and one whose second row is past it) and rows whose quads do not divide
 * among the work-items: every output must carry matVec's bits, so the forward pass may take either.
 */
class MatVecPairKernelsOnDeviceTest {

    @ParameterizedTest(name = "local {0}, {1} rows per group, batch {2}, last only {3}")
    @CsvSource({"128, 2, 37, 0", "128, 4, 21, 0", "64, 8, 5, 0", "128, 2, 17, 1", "256, 8, 16, 0", "64, 2, 1, 0"})
    void givesMatVecsBitsInEveryTier(int local, int rowsPerGroup, int count, int lastOnly) {
        Inputs random = new Inputs(3 + count);
        int rows = 37;
        int cols = 1108;
        int offset = 8;
        WeightPlanes planes = WeightPlanes.split(random.bf16(offset + rows * cols, 0.05).getSegment());
        FloatArray x = random.floats(count * cols, 1.0);
        FloatArray start = random.floats(count * rows, 1.0);
        FloatArray planesOut = Inputs.copy(start);
        FloatArray pairsOut = Inputs.copy(start);
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(rows);
        int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
        String name = "pairs" + local + "_" + rowsPerGroup + "_" + count + "_" + lastOnly;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        planesOut, pairsOut, batch, scales, noTail)
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, 1, lastOnly, rowsPerGroup, batch,
                        scales, noTail, 0)
                .task("pairs", MatVecPairKernels::matVecPairs, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, pairsOut, 1, lastOnly, rowsPerGroup, batch,
                        scales, noTail, 0)
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
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(pairsOut.get(i)),
                    "output " + i + " (token " + i / rows + ", row " + i % rows + "): " + planesOut.get(i)
                            + " matVec, " + pairsOut.get(i) + " matVecPairs");
        }
    }
}
