package dev.df11.lab.matvec;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.WeightPlanes;
import dev.df11.tornado.forward.weights.NibbleArrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split nibble kernel ({@link NibbleSplitKernels}) against the planes kernel, bit for bit, on matrices where no
 * weight escapes, where escapes are rare (a Gaussian) and where a third of the weights escape (so its loops leave
 * the escape-free copy early, late and not at all), with token tiles, single tokens, the last token only and
 * accumulation.
 */
class NibbleSplitKernelsOnDeviceTest {

    @ParameterizedTest(name = "{0} weights, batch {1}, last only {2}, accumulate {3}, {4} rows a group")
    @CsvSource({"narrow, 6, 0, 1, 2", "gaussian, 6, 0, 0, 1", "wide, 6, 1, 1, 4", "wide, 3, 0, 0, 2",
            "gaussian, 1, 0, 1, 1", "wide, 1, 0, 0, 1"})
    void givesThePlanesKernelsBits(String values, int count, int lastOnly, int accumulate, int rowsPerGroup) {
        int rows = 37;
        int cols = 4100;
        long n = (long) rows * cols;
        MemorySegment bf16 = NibbleTestMatrices.of(values, n);
        WeightPlanes planes = WeightPlanes.split(bf16);
        Df11Unit unit = new Df11Encoder(2).encode("split", List.of(bf16));
        NibbleArrays nibbles = NibbleArrays.of(unit, new Df11Decoder(2));
        if (values.equals("wide")) {
            assertTrue(nibbles.census().escapes() > n / 4, "the case needs many escapes: " + nibbles.census());
        }
        SplittableRandom random = new SplittableRandom(17 + count);
        FloatArray natural = new FloatArray(count * cols);
        for (int i = 0; i < natural.getSize(); i++) {
            natural.set(i, (float) random.nextGaussian());
        }
        FloatArray x = MatVecKernels.toQuadMajor(natural, cols);
        FloatArray planesOut = new FloatArray(count * rows);
        FloatArray splitOut = new FloatArray(count * rows);
        for (int i = 0; i < planesOut.getSize(); i++) {
            float start = (float) random.nextGaussian();
            planesOut.set(i, start);
            splitOut.set(i, start);
        }
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        int local = 128;
        String name = "split" + values + count + "_" + lastOnly + "_" + accumulate + "_" + rowsPerGroup;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        planesOut, splitOut, batch, scales, nibbles.codes(), nibbles.signMantissa(), nibbles.escapes(),
                        nibbles.scales())
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), 0, rows, cols, x, planesOut, accumulate, lastOnly, rowsPerGroup,
                        batch, scales)
                .task("split", NibbleSplitKernels::matVecNibblesSplit, new KernelContext(), nibbles.codes(),
                        nibbles.signMantissa(), nibbles.escapes(), 0, rows, cols, x, splitOut, accumulate, lastOnly,
                        rowsPerGroup, batch, nibbles.scales())
                .transferToHost(DataTransferMode.EVERY_EXECUTION, planesOut, splitOut);
        int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid(name + ".planes", Grids.groups(groups, local));
        grids.addWorkerGrid(name + ".split", Grids.groups(groups, local));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < count * rows; i++) {
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(splitOut.get(i)),
                    "output " + i + " (token " + i / rows + ", row " + i % rows + "): " + planesOut.get(i)
                            + " planes, " + splitOut.get(i) + " split");
        }
    }
}
