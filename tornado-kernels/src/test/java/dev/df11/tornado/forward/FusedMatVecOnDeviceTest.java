package dev.df11.tornado.forward;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.forward.weights.ChunkStarts;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static dev.df11.tornado.forward.SingleTask.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused decode-and-multiply kernel against the planes kernel on the same launch: every output bit equal, for
 * matrices at non-zero offsets of a multi-matrix unit, ragged rows and columns (rows that end inside a chunk, groups
 * with rows past the matrix), exponent histograms with codes longer than the 8-bit root table (child tables), a batch
 * of tokens, only the last token, and accumulation.
 */
class FusedMatVecOnDeviceTest {

    private static final int LOCAL = 128;

    /** Matrices of one unit, in stream order: {rows, cols}. */
    private static final int[][] SHAPES = {{3, 12}, {37, 1108}, {5, 6000}, {41, 64}, {9, 16384}};

    @Test
    void fusedProductsEqualThePlanesKernelsBitForBit() {
        List<MemorySegment> matrices = new ArrayList<>();
        for (int m = 0; m < SHAPES.length; m++) {
            long n = (long) SHAPES[m][0] * SHAPES[m][1];
            matrices.add(m == 2 ? skewed(m, n) : TestWeights.gaussian(m, n, 0.05));
        }
        Df11Unit unit = new Df11Encoder(2).encode("fused", matrices);
        assertTrue(unit.lookupTables().maxCodeLength() > 8, "the test needs codes that go through child tables");
        CompressedUnit arrays = CompressedUnit.of(unit);
        WeightPlanes planes = WeightPlanes.split(Inputs.concat(matrices));

        List<ChunkStarts.Matrix> spans = new ArrayList<>();
        for (int m = 0; m < SHAPES.length; m++) {
            spans.add(new ChunkStarts.Matrix(unit.matrixStart(m), SHAPES[m][0], SHAPES[m][1]));
        }
        ChunkStarts chunks = ChunkStarts.of(unit, spans);
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(java.util.Arrays.stream(SHAPES).mapToInt(s -> s[0]).max().orElseThrow());
        Inputs random = new Inputs(7);
        int maxBatch = 6;   // a tile of MatVecKernels.TILE tokens, then two alone
        for (int m = 0; m < SHAPES.length; m++) {
            int rows = SHAPES[m][0];
            int cols = SHAPES[m][1];
            int offset = (int) unit.matrixStart(m);
            int base = chunks.spans().get(m).base();
            FloatArray x = random.floats(maxBatch * cols, 1.0);
            FloatArray start = random.floats(maxBatch * rows, 1.0);
            for (int variant = m % 2; variant < 4; variant += 3) {   // two of the four accumulate x lastOnly pairs each
                int accumulate = variant % 2;
                int lastOnly = variant / 2;
                int rowsPerGroup = Math.max(1, Math.min(4 >> (m % 3), FusedMatVecKernels.STAGE_ELEMENTS / cols));
                IntArray step = Inputs.step(0, maxBatch);
                FloatArray planesOut = Inputs.copy(start);
                FloatArray fusedOut = Inputs.copy(start);
                int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
                int perGroup = rowsPerGroup;
                SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, accumulate, lastOnly, perGroup, step,
                        scales, noTail, 0), Grids.groups(groups, LOCAL),
                        in(planes.exponents(), planes.signMantissa(), x, planesOut, step, scales, noTail), planesOut);
                SingleTask.run(g -> g.task("k", FusedMatVecKernels::matVecFused, new KernelContext(),
                        arrays.packedInputs().codeWords(), arrays.packedInputs().tables(), chunks.starts(), base,
                        arrays.signMantissaWords(), offset, rows, cols, x, fusedOut, accumulate, lastOnly, perGroup,
                        step, scales), Grids.groups(groups, LOCAL),
                        in(arrays.packedInputs().codeWords(), arrays.packedInputs().tables(), chunks.starts(),
                                arrays.signMantissaWords(), x, fusedOut, step, scales), fusedOut);
                assertArrayEquals(Inputs.bits(planesOut), Inputs.bits(fusedOut), "matrix " + m + " [" + rows + ", " + cols
                        + "] accumulate=" + accumulate + " lastOnly=" + lastOnly + " rows/group=" + perGroup);
            }
        }
    }

    @Test
    void aStreamThatDisagreesWithItsBlocksIsRejectedOnTheHostNamingTheBlock() {
        MemorySegment weights = TestWeights.gaussian(3, 200_000, 0.02);
        Df11Unit good = new Df11Encoder(2).encode("broken", List.of(weights));
        MemorySegment stream = MemorySegment.ofArray(good.encodedExponent().toArray(ValueLayout.JAVA_BYTE));
        stream.set(ValueLayout.JAVA_BYTE, 100, (byte) ~stream.get(ValueLayout.JAVA_BYTE, 100));
        Df11Unit bad = new Df11Unit(good.name(), good.luts(), stream, good.signMantissa(), good.outputPositions(),
                good.gaps(), good.splitPositions());
        Df11FormatException e = assertThrows(Df11FormatException.class, () -> ChunkStarts.of(bad,
                List.of(new ChunkStarts.Matrix(0, 200, 1000))));
        assertTrue(e.getMessage().contains("broken") && e.getMessage().contains("block 0"), e.getMessage());
    }

    /** Exponents from a steep histogram: common ones get 1-3 bit codes, the rarest more than 8 bits. */
    private static MemorySegment skewed(long seed, long n) {
        long[] counts = new long[256];
        long left = n;
        for (int e = 120; e > 100 && left > 0; e--) {
            long c = Math.max(1, left / 2);
            counts[e] = Math.min(c, left);
            left -= counts[e];
        }
        counts[100] += left;
        return TestWeights.withExponentCounts(seed, counts);
    }
}
