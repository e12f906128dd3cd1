package dev.df11.lab.matvec;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.lab.bench.NarrowExponentBf16;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.MatVecKernels;
import dev.df11.tornado.forward.StagedRowKernels;
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

/**
 * The staged nibble kernel without its escape patch ({@link StagedNibbleNoEscapeKernels}) on a unit with no escapes
 * ({@link NarrowExponentBf16}: exponents spanning exactly the fifteen codes) against the planes kernel with the same
 * work-items per row: every output must carry the planes kernel's bits.
 */
class StagedNibbleNoEscapeKernelsOnDeviceTest {

    @ParameterizedTest(name = "{0} work-items per row, batch {1}, last only {2}, accumulate {3}")
    @CsvSource({"64, 21, 0, 1", "32, 9, 1, 1", "64, 16, 0, 0", "16, 3, 0, 1", "32, 1, 0, 0"})
    void onAUnitWithoutEscapesItGivesThePlanesKernelsBits(int width, int count, int lastOnly, int accumulate) {
        int rows = 37;
        int cols = 1108;
        int offset = 8;
        MemorySegment bf16 = NarrowExponentBf16.generate(7, offset + rows * cols, -6);
        WeightPlanes planes = WeightPlanes.split(bf16);
        Df11Unit unit = new Df11Encoder(2).encode("narrow", List.of(bf16));
        NibbleArrays nibbles = NibbleArrays.of(unit, new Df11Decoder(2));
        assertEquals(0, nibbles.census().escapes(), "narrow weights leave nothing to escape");
        SplittableRandom random = new SplittableRandom(31 + count);
        FloatArray natural = new FloatArray(count * cols);
        for (int i = 0; i < natural.getSize(); i++) {
            natural.set(i, (float) random.nextGaussian());
        }
        FloatArray x = MatVecKernels.toQuadMajor(natural, cols);
        FloatArray planesOut = new FloatArray(count * rows);
        FloatArray bareOut = new FloatArray(count * rows);
        for (int i = 0; i < planesOut.getSize(); i++) {
            float start = (float) random.nextGaussian();
            planesOut.set(i, start);
            bareOut.set(i, start);
        }
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        int rowsPerGroup = 2;
        int local = width * rowsPerGroup;
        int stagedRows = StagedRowKernels.SLOTS * StagedRowKernels.ROWS;
        int stagedLocal = StagedRowKernels.SLOTS * width;
        String name = "noEscape" + width + "_" + count + "_" + lastOnly + "_" + accumulate;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        planesOut, bareOut, batch, scales, nibbles.codes(), nibbles.signMantissa(), nibbles.escapes(),
                        nibbles.scales())
                .task("planes", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, accumulate, lastOnly, rowsPerGroup,
                        batch, scales)
                .task("bare", StagedNibbleNoEscapeKernels::matVecStagedNoEscapes, new KernelContext(),
                        nibbles.codes(), nibbles.signMantissa(), nibbles.escapes(), offset, rows, cols, x, bareOut,
                        accumulate, lastOnly, stagedRows, batch, nibbles.scales())
                .transferToHost(DataTransferMode.EVERY_EXECUTION, planesOut, bareOut);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid(name + ".planes", Grids.groups((rows + rowsPerGroup - 1) / rowsPerGroup, local));
        grids.addWorkerGrid(name + ".bare", Grids.groups((rows + stagedRows - 1) / stagedRows, stagedLocal));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < count * rows; i++) {
            assertEquals(Float.floatToRawIntBits(planesOut.get(i)), Float.floatToRawIntBits(bareOut.get(i)),
                    "output " + i + " (token " + i / rows + ", row " + i % rows + "): " + planesOut.get(i)
                            + " planes, " + bareOut.get(i) + " without escapes");
        }
    }
}
