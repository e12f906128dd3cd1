package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host-side arithmetic of {@link TensorCoreKernels}, which its kernels run as written: fp16 bits built from
 * integers, the three-part split of an activation, the weights' widening to fp16 and the token scale, each against
 * Java's own fp16 conversion ({@link Float#floatToFloat16}, {@link Float#float16ToFloat}).
 */
class TensorCoreKernelsTest {

    @Test
    void halfBitsAreTheFp16EncodingOfEveryIntegerTimesThePartsPowerOfTwo() {
        for (int shift : new int[] {5, -6, -14}) {
            for (int m = -2047; m <= 2047; m++) {
                float value = Math.scalb((float) m, shift);
                if (m != 0 && Math.abs(value) < 0x1p-14f) {
                    continue;   // subnormal: no part produces it
                }
                assertEquals(Float.floatToFloat16(value) & 0xFFFF, TensorCoreKernels.halfBits(m, shift),
                        "m " + m + ", shift " + shift);
                assertEquals(value, Float.float16ToFloat((short) TensorCoreKernels.halfBits(m, shift)));
            }
        }
    }

    @Test
    void threePartsHoldAScaledActivationToWithinTwoToTheMinus15() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float peak = (float) Math.exp(random.nextDouble(-30, 30));
            float x = (float) (random.nextDouble(-1, 1) * peak);
            if (i % 7 == 0) {
                x = i % 2 == 0 ? peak : -peak;   // the token's largest magnitude itself
            }
            float s = TensorCoreKernels.tokenScale(peak);
            float scaledPeak = peak * s;
            assertTrue(scaledPeak >= 16384.0f && scaledPeak < 32768.0f, "peak " + peak + " scaled to " + scaledPeak);
            float v = x * s;
            int hi = TensorCoreKernels.hiPart(v);
            float rest = v - hi * 32.0f;
            int mid = TensorCoreKernels.midPart(rest);
            int lo = TensorCoreKernels.loPart(rest - mid * 0x1p-6f);
            assertTrue(Math.abs(hi) <= 1024 && Math.abs(mid) <= 1024 && Math.abs(lo) <= 128,
                    "parts " + hi + " " + mid + " " + lo + " of " + v);
            double sum = hi * 32.0 + mid * 0x1p-6 + lo * 0x1p-14;
            assertTrue(Math.abs(v - sum) <= 0x1p-15, "v " + v + ", parts sum to " + sum);
            int[] parts = {hi, mid, lo};
            int[] shifts = {5, -6, -14};
            for (int p = 0; p < 3; p++) {
                assertEquals(Math.scalb((float) parts[p], shifts[p]),
                        Float.float16ToFloat((short) TensorCoreKernels.halfBits(parts[p], shifts[p])));
            }
        }
    }

    @Test
    void everyCodedWeightWidensToFp16ExactlyAndUncodedOnesToZero() {
        for (int top = 100; top <= 140; top += 8) {
            FloatArray table = new FloatArray(Bf16Scales.SIZE);
            for (int e = top - 29; e <= top; e += e % 3 == 0 ? 2 : 1) {   // a coded set with gaps
                table.set(e, Bf16Scales.scale(e));
            }
            table.set(top, Bf16Scales.scale(top));
            assertEquals(top, TensorCoreKernels.topExponent(table, "u"));
            for (int bits = 0; bits < 0x10000; bits++) {
                int e = bits >> 7 & 0xFF;
                int widened = TensorCoreKernels.widened(e, table.get(e), top);
                float half = Float.float16ToFloat((short) TensorCoreKernels.weightBits(widened, bits >> 8 & 0x80
                        | bits & 0x7F));
                float expected = table.get(e) == 0.0f ? 0.0f
                        : Math.scalb(Float.intBitsToFloat(bits << 16), 142 - top);
                assertEquals(expected, half, "bits " + Integer.toHexString(bits) + ", top " + top);
                if (table.get(e) != 0.0f) {
                    assertEquals(Float.intBitsToFloat(bits << 16),
                            half * TensorCoreKernels.unitScale(top), "undone exactly");
                }
            }
        }
    }

    @Test
    void aUnitWhoseCodedExponentsSpanMoreThanFp16HoldsIsRefusedByName() {
        FloatArray table = new FloatArray(Bf16Scales.SIZE);
        table.set(90, 1.0f);
        table.set(120, 1.0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorCoreKernels.topExponent(table, "layers.3.mlp"));
        assertTrue(e.getMessage().contains("layers.3.mlp") && e.getMessage().contains("31 binades"), e.getMessage());
    }

    @Test
    void slicesDependOnTheShapeOnlyAndSplitTheColumnsEvenly() {
        assertEquals(8, TensorCoreKernels.slices(4096, 14336));
        assertEquals(2, TensorCoreKernels.slices(28672, 4096));
        assertEquals(1, TensorCoreKernels.slices(128256, 4096));
        assertEquals(1, TensorCoreKernels.slices(100, 64));
        for (int rows : new int[] {1, 500, 4096, 6144}) {
            for (int cols : new int[] {64, 192, 4096, 14336}) {
                int slices = TensorCoreKernels.slices(rows, cols);
                assertEquals(0, cols % (slices * TensorCoreKernels.STEP), rows + " x " + cols);
            }
        }
    }

    @Test
    void splitIndicesTileTokenPairsByTheBOperandsLayout() {
        // 16 columns x 8 tokens per tile, token pairs in an int, the three parts one after another.
        int tiles = 3;
        int cols = 64;
        assertEquals(0, TensorCoreKernels.splitIndex(0, 0, 0, tiles, cols));
        assertEquals(1, TensorCoreKernels.splitIndex(0, 1, 0, tiles, cols));
        assertEquals(4 * 5 + 3, TensorCoreKernels.splitIndex(0, 3, 5, tiles, cols));
        assertEquals(TensorCoreKernels.SPLIT_INTS, TensorCoreKernels.splitIndex(0, 0, 16, tiles, cols));
        assertEquals(4 * TensorCoreKernels.SPLIT_INTS, TensorCoreKernels.splitIndex(0, 4, 0, tiles, cols));
        assertEquals(tiles * 4 * TensorCoreKernels.SPLIT_INTS, TensorCoreKernels.splitIndex(1, 0, 0, tiles, cols));
        assertEquals(TensorCoreKernels.splitInts(tiles * 8, cols),
                TensorCoreKernels.splitIndex(2, tiles * 4 - 1, cols - 1, tiles, cols) + 1);
    }
}
