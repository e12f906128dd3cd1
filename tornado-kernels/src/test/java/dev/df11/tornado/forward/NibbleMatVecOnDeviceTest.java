package dev.df11.tornado.forward;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.forward.weights.NibbleArrays;
import dev.df11.tornado.forward.weights.UnitMatrices;
import dev.df11.tornado.forward.weights.UnitTail;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.df11.tornado.forward.SingleTask.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nibble kernels against the planes kernel on the same launch and the unit's table ({@link UnitTail}): every
 * output bit equal, for matrices at non-zero offsets of a multi-matrix unit, ragged rows and columns, quads that start
 * in the middle of a code int, a matrix where a third of the weights are in the tail (zeros, subnormals and rare
 * exponents among them, widened to zero on both sides), token tiles and single tokens, only the last token, and
 * accumulation, at several rows per group. The tail itself is {@link TailOrderOnDeviceTest}'s.
 */
class NibbleMatVecOnDeviceTest {

    private static final int LOCAL = 128;

    /** Matrices of one unit, in order: {rows, cols}. Odd quads per row put row starts mid-int. */
    private static final int[][] SHAPES = {{3, 12}, {37, 1108}, {5, 6004}, {41, 64}, {9, 4100}};

    @Test
    void nibbleProductsEqualThePlanesKernelsBitForBit() {
        List<MemorySegment> matrices = new ArrayList<>();
        for (int m = 0; m < SHAPES.length; m++) {
            long n = (long) SHAPES[m][0] * SHAPES[m][1];
            matrices.add(m == 2 ? TestWeights.wideExponents(m, n) : TestWeights.gaussian(m, n, 0.05));
        }
        Df11Unit unit = new Df11Encoder(2).encode("nibble", matrices);
        UnitTail tail = tailOf(unit);
        assertTrue(tail.entries() > 5_000, "the test needs a tail: " + tail.census());
        NibbleArrays nibbles = NibbleArrays.of(unit, tail.census(), new Df11Decoder(2));
        IntArray codes = nibbles.codes();
        IntArray signMantissa = nibbles.signMantissa();
        WeightPlanes planes = WeightPlanes.split(Inputs.concat(matrices));
        FloatArray scales = tail.table();
        IntArray noTail = TailKernels.none(java.util.Arrays.stream(SHAPES).mapToInt(s -> s[0]).max().orElseThrow());

        Inputs random = new Inputs(11);
        int maxBatch = 6;   // a tile of MatVecKernels.TILE tokens, then two alone
        for (int m = 0; m < SHAPES.length; m++) {
            int rows = SHAPES[m][0];
            int cols = SHAPES[m][1];
            int offset = (int) unit.matrixStart(m);
            FloatArray x = random.floats(maxBatch * cols, 1.0);
            FloatArray start = random.floats(maxBatch * rows, 1.0);
            for (int variant = 0; variant < 4; variant++) {
                int accumulate = variant % 2;
                int lastOnly = variant / 2;
                int perGroup = 1 << ((m + variant) % 3);
                IntArray step = Inputs.step(0, variant == 1 ? 3 : maxBatch);
                FloatArray planesOut = Inputs.copy(start);
                FloatArray nibbleOut = Inputs.copy(start);
                int groups = (rows + perGroup - 1) / perGroup;
                SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), offset, rows, cols, x, planesOut, accumulate, lastOnly, perGroup, step,
                        scales, noTail, 0), Grids.groups(groups, LOCAL),
                        in(planes.exponents(), planes.signMantissa(), x, planesOut, step, scales, noTail), planesOut);
                SingleTask.run(g -> g.task("k", NibbleMatVecKernels::matVecNibbles, new KernelContext(), codes,
                        signMantissa, offset, rows, cols, x, nibbleOut, accumulate, lastOnly, perGroup, step,
                        scales, noTail, 0), Grids.groups(groups, LOCAL),
                        in(codes, signMantissa, x, nibbleOut, step, scales, noTail), nibbleOut);
                assertArrayEquals(Inputs.bits(planesOut), Inputs.bits(nibbleOut), "matrix " + m + " [" + rows + ", " + cols
                        + "] accumulate=" + accumulate + " lastOnly=" + lastOnly + " rows/group=" + perGroup);
            }
        }
    }

    /** The unit's tail over its matrices ({@link #SHAPES}, in order). */
    private static UnitTail tailOf(Df11Unit unit) {
        List<UnitMatrices.Span> spans = new ArrayList<>();
        for (int m = 0; m < SHAPES.length; m++) {
            spans.add(new UnitMatrices.Span("m" + m, unit.matrixStart(m), SHAPES[m][0], SHAPES[m][1]));
        }
        return UnitTail.of(UnitMatrices.compressed(unit.name(), spans, unit, new Df11Decoder(2)));
    }

    /**
     * The two-row and staged kernels' nibble forms against the planes kernel at the same work-items per row: a full
     * staged tile of eight tokens (the two-row kernel's tier of four), a partial tile and a single token, each at 32,
     * 64 and 128 work-items a row where the form takes them.
     */
    @Test
    void pairAndStagedNibbleProductsEqualThePlanesKernelsBitForBit() {
        List<MemorySegment> matrices = new ArrayList<>();
        for (int m = 0; m < SHAPES.length; m++) {
            long n = (long) SHAPES[m][0] * SHAPES[m][1];
            matrices.add(m == 2 ? TestWeights.wideExponents(m, n) : TestWeights.gaussian(m + 10, n, 0.05));
        }
        Df11Unit unit = new Df11Encoder(2).encode("staged-nibble", matrices);
        UnitTail tail = tailOf(unit);
        NibbleArrays nibbles = NibbleArrays.of(unit, tail.census(), new Df11Decoder(2));
        IntArray codes = nibbles.codes();
        IntArray signMantissa = nibbles.signMantissa();
        WeightPlanes planes = WeightPlanes.split(Inputs.concat(matrices));
        FloatArray scales = tail.table();
        IntArray noTail = TailKernels.none(java.util.Arrays.stream(SHAPES).mapToInt(s -> s[0]).max().orElseThrow());

        Inputs random = new Inputs(12);
        int maxBatch = 11;
        for (int m = 1; m < SHAPES.length; m++) {
            int rows = SHAPES[m][0];
            int cols = SHAPES[m][1];
            int offset = (int) unit.matrixStart(m);
            FloatArray x = random.floats(maxBatch * cols, 1.0);
            FloatArray start = random.floats(maxBatch * rows, 1.0);
            for (int width : new int[] {32, 64, 128}) {
                for (int count : new int[] {1, 9, 11}) {
                    int accumulate = count % 2;
                    IntArray step = Inputs.step(0, count);
                    FloatArray planesOut = Inputs.copy(start);
                    int perGroup = LOCAL / width;
                    SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                            planes.signMantissa(), offset, rows, cols, x, planesOut, accumulate, 0, perGroup, step,
                            scales, noTail, 0), Grids.groups((rows + perGroup - 1) / perGroup, LOCAL),
                            in(planes.exponents(), planes.signMantissa(), x, planesOut, step, scales, noTail), planesOut);
                    int pairs = 2 * perGroup;   // the two-row kernel: half the work-items, two rows each
                    FloatArray pairsOut = Inputs.copy(start);
                    SingleTask.run(g -> g.task("k", PairNibbleKernels::matVecPairsNibbles, new KernelContext(), codes,
                            signMantissa, offset, rows, cols, x, pairsOut, accumulate, 0, pairs, step,
                            scales, noTail, 0), Grids.groups((rows + pairs - 1) / pairs, LOCAL),
                            in(codes, signMantissa, x, pairsOut, step, scales, noTail), pairsOut);
                    assertArrayEquals(Inputs.bits(planesOut), Inputs.bits(pairsOut), "matrix " + m + " [" + rows + ", " + cols
                            + "] width " + width + " tokens " + count + " two-row kernel");
                    for (boolean twoSlots : new boolean[] {false, true}) {
                        int slots = twoSlots ? StagedRowKernels.TWO_SLOTS : StagedRowKernels.SLOTS;
                        int local = width * slots;
                        if (local > StagedRowKernels.MAX_LOCAL) {
                            continue;
                        }
                        int groupRows = slots * StagedRowKernels.ROWS;
                        FloatArray stagedOut = Inputs.copy(start);
                        SingleTask.run(g -> twoSlots
                                ? g.task("k", StagedNibbleKernels::matVecStagedTwoSlotsNibbles, new KernelContext(),
                                        codes, signMantissa, offset, rows, cols, x, stagedOut, accumulate,
                                        0, groupRows, step, scales, noTail, 0)
                                : g.task("k", StagedNibbleKernels::matVecStagedNibbles, new KernelContext(),
                                        codes, signMantissa, offset, rows, cols, x, stagedOut, accumulate,
                                        0, groupRows, step, scales, noTail, 0),
                                Grids.groups((rows + groupRows - 1) / groupRows, local),
                                in(codes, signMantissa, x, stagedOut, step, scales, noTail), stagedOut);
                        assertArrayEquals(Inputs.bits(planesOut), Inputs.bits(stagedOut), "matrix " + m + " [" + rows + ", "
                                + cols + "] width " + width + " tokens " + count + (twoSlots ? " two slots" : ""));
                    }
                }
            }
        }
    }
}
