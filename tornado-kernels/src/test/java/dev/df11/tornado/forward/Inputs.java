package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.util.SplittableRandom;

/** Random kernel inputs, seeded so a failure reproduces. */
final class Inputs {

    private final SplittableRandom random;

    Inputs(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Gaussian values of standard deviation {@code sigma}. */
    FloatArray floats(int n, double sigma) {
        FloatArray array = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, (float) (gaussian() * sigma));
        }
        return array;
    }

    /** BF16 bits of Gaussian values (the top half of the fp32 bits, truncated: any BF16 pattern will do). */
    ShortArray bf16(int n, double sigma) {
        ShortArray array = new ShortArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, (short) (Float.floatToRawIntBits((float) (gaussian() * sigma)) >>> 16));
        }
        return array;
    }

    private double gaussian() {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    static IntArray step(int startPos, int count) {
        return IntArray.fromElements(startPos, count);
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
