package dev.df11.runtime.cpu;

import dev.df11.runtime.weights.Bf16Matrix;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MatMulTest {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Every row count, column count (whole chunks, tails, both) and batch size matches a double-precision sum. */
    @Property(tries = 60)
    void matchesScalarProduct(@ForAll @IntRange(min = 1, max = 40) int rows,
                              @ForAll @IntRange(min = 1, max = 300) int cols,
                              @ForAll @IntRange(min = 1, max = 9) int batch,
                              @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Bf16Matrix w = randomMatrix(rows, cols, random);
        float[] x = randomFloats(batch * cols, random);
        float[] out = new float[batch * rows];
        try (ParallelLoop loop = new ParallelLoop(2)) {
            new MatMul(loop).multiply(w, x, batch, out);
        }
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                double expected = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    double term = (double) weight(w, r, c) * x[b * cols + c];
                    expected += term;
                    magnitude += Math.abs(term);
                }
                assertEquals(expected, out[b * rows + r], 1e-5 * magnitude + 1e-30,
                        "row " + r + " batch " + b);
            }
        }
    }

    /**
     * Batch invariance: each activation row of a batch gets exactly the bits it gets alone, whatever the batch
     * size and its place in the batch (rows in pairs take another kernel than a row left over), so that serving
     * gives a request the same greedy tokens alone or beside others. Column counts cover whole chunk pairs, a
     * single chunk and scalar tails.
     */
    @Property(tries = 80)
    void eachRowGetsTheSameBitsAloneOrInAnyBatch(@ForAll @IntRange(min = 1, max = 24) int rows,
                                                 @ForAll @IntRange(min = 1, max = 300) int cols,
                                                 @ForAll @IntRange(min = 2, max = 11) int batch,
                                                 @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Bf16Matrix w = randomMatrix(rows, cols, random);
        float[] x = randomFloats(batch * cols, random);
        float[] together = new float[batch * rows];
        try (ParallelLoop loop = new ParallelLoop(2)) {
            MatMul matMul = new MatMul(loop);
            matMul.multiply(w, x, batch, together);
            for (int b = 0; b < batch; b++) {
                float[] alone = new float[rows];
                matMul.multiply(w, java.util.Arrays.copyOfRange(x, b * cols, (b + 1) * cols), 1, alone);
                for (int r = 0; r < rows; r++) {
                    assertEquals(Float.floatToRawIntBits(alone[r]), Float.floatToRawIntBits(together[b * rows + r]),
                            "row " + r + " of batch member " + b + " of " + batch + " (" + cols + " columns)");
                }
            }
        }
    }

    @Test
    void sameBitsOnOneOrTwoThreads() {
        SplittableRandom random = new SplittableRandom(7);
        Bf16Matrix w = randomMatrix(1024, 288, random);
        float[] x = randomFloats(5 * 288, random);
        float[] one = new float[5 * 1024];
        float[] two = new float[5 * 1024];
        try (ParallelLoop single = new ParallelLoop(1); ParallelLoop pair = new ParallelLoop(2)) {
            new MatMul(single).multiply(w, x, 5, one);
            new MatMul(pair).multiply(w, x, 5, two);
        }
        assertArrayEquals(one, two);
    }

    @Test
    void undersizedBuffersAreRefused() {
        Bf16Matrix w = randomMatrix(4, 8, new SplittableRandom(1));
        try (ParallelLoop loop = new ParallelLoop(1)) {
            MatMul matMul = new MatMul(loop);
            assertThrows(IllegalArgumentException.class, () -> matMul.multiply(w, new float[15], 2, new float[8]));
            assertThrows(IllegalArgumentException.class, () -> matMul.multiply(w, new float[16], 2, new float[7]));
        }
    }

    @Test
    void widensBf16ExactlyAndDeinterleavesChunks() {
        MemorySegment one = Arena.ofAuto().allocate(2);
        one.set(BF16, 0, (short) 0xC0A0);  // -5.0
        assertEquals(-5.0f, Bf16Lanes.get(one, 0));
        int n = Bf16Lanes.CHUNK + 3;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        float[] out = new float[n];
        Bf16Lanes.deinterleave(x, 0, n, out, 0);
        assertEquals(0f, out[0]);
        assertEquals(2f, out[1]);
        assertEquals(1f, out[Bf16Lanes.LANES]);
        assertEquals(Bf16Lanes.CHUNK, out[Bf16Lanes.CHUNK]);     // tail kept in order
    }

    static Bf16Matrix randomMatrix(int rows, int cols, SplittableRandom random) {
        MemorySegment data = Arena.ofAuto().allocate(2L * rows * cols);
        for (long i = 0; i < (long) rows * cols; i++) {
            data.setAtIndex(BF16, i, (short) (Float.floatToRawIntBits((float) random.nextGaussian()) >>> 16));
        }
        return new Bf16Matrix("test", rows, cols, data);
    }

    private static float[] randomFloats(int n, SplittableRandom random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static float weight(Bf16Matrix w, int r, int c) {
        return Float.intBitsToFloat((w.data().getAtIndex(BF16, (long) r * w.cols() + c) & 0xFFFF) << 16);
    }
}
