package dev.df11.lab.fused;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.FusedMatVecKernels;
import dev.df11.tornado.forward.Grids;
import dev.df11.tornado.forward.weights.ChunkStarts;
import org.junit.jupiter.api.Test;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three-codes-per-lookup rung against the product's fused kernel: every output bit equal, on a matrix of short
 * codes (where lookups decode three) followed by one with codes over 8 bits (the child-table path), rows ending inside
 * a chunk, two tokens.
 */
class FusedTriplesOnDeviceTest {

    @Test
    void triplesGiveTheProductKernelsBitsOnShortAndLongCodes() {
        int[][] shapes = {{19, 1108}, {7, 2000}};
        long[] counts = new long[256];
        long left = 14_000;
        for (int e = 120; e > 100 && left > 0; e--) {
            counts[e] = Math.max(1, left / 2);
            left -= counts[e];
        }
        counts[100] += left;
        MemorySegment shortCodes = TestWeights.gaussian(4, 19L * 1108, 0.05);
        MemorySegment longCodes = TestWeights.withExponentCounts(5, counts);
        Df11Unit unit = new Df11Encoder(2).encode("triples", List.of(shortCodes, longCodes));
        assertTrue(unit.lookupTables().maxCodeLength() > 8, "the test needs codes that go through child tables");
        CompressedUnit arrays = CompressedUnit.of(unit);
        PackedInputs packed = arrays.packedInputs();
        ChunkStarts chunks = ChunkStarts.of(unit, List.of(new ChunkStarts.Matrix(0, 19, 1108),
                new ChunkStarts.Matrix(unit.matrixStart(1), 7, 2000)));
        FloatArray scales = Bf16Scales.table();
        SplittableRandom random = new SplittableRandom(9);
        for (int m = 0; m < shapes.length; m++) {
            int rows = shapes[m][0];
            int cols = shapes[m][1];
            int offset = (int) unit.matrixStart(m);
            int base = chunks.spans().get(m).base();
            FloatArray x = new FloatArray(2 * cols);
            for (int i = 0; i < x.getSize(); i++) {
                x.set(i, (float) random.nextGaussian());
            }
            IntArray batch = IntArray.fromElements(0, 2);
            FloatArray product = new FloatArray(2 * rows);
            FloatArray lab = new FloatArray(2 * rows);
            String name = "triples" + m;
            TaskGraph graph = new TaskGraph(name)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, packed.codeWords(), packed.tables(),
                            packed.triples(), chunks.starts(), arrays.signMantissaWords(), x, batch, scales)
                    .task("a", FusedMatVecKernels::matVecFused, new KernelContext(), packed.codeWords(),
                            packed.tables(), chunks.starts(), base, arrays.signMantissaWords(), offset, rows, cols, x,
                            product, 0, 0, 2, batch, scales)
                    .task("b", FusedTripleKernels::matVecFusedTriples, new KernelContext(), packed.codeWords(),
                            packed.tables(), packed.triples(), chunks.starts(), base, arrays.signMantissaWords(),
                            offset, rows, cols, x, lab, 0, 0, 2, batch, scales)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, product, lab);
            GridScheduler grids = new GridScheduler();
            grids.addWorkerGrid(name + ".a", Grids.groups((rows + 1) / 2, 128));
            grids.addWorkerGrid(name + ".b", Grids.groups((rows + 1) / 2, 128));
            try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
                plan.withGridScheduler(grids).execute();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            assertArrayEquals(bits(product), bits(lab), "matrix " + m);
        }
    }

    private static int[] bits(FloatArray a) {
        int[] out = new int[a.getSize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(a.get(i));
        }
        return out;
    }
}
