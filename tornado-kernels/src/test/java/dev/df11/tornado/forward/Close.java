package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Comparisons of device results with double-precision references. */
final class Close {

    /** What "agrees" means for an fp32 path: the largest error relative to the largest reference magnitude. */
    static final double FP32_TOLERANCE = 1e-5;

    private Close() {
    }

    /** Asserts {@code max |actual - expected| / max |expected| < tolerance} over the first {@code n} values. */
    static void assertClose(double[] expected, FloatArray actual, int n, String what) {
        double scale = 0;
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < n; i++) {
            float value = actual.get(i);
            if (!Float.isFinite(value)) {
                fail(what + "[" + i + "] = " + value + ", expected " + expected[i]);
            }
            scale = Math.max(scale, Math.abs(expected[i]));
            double error = Math.abs(value - expected[i]);
            if (error > worst) {
                worst = error;
                worstAt = i;
            }
        }
        assertTrue(scale > 0, what + ": the reference is all zeros, the test proves nothing");
        double relative = worst / scale;
        assertTrue(relative < FP32_TOLERANCE, what + ": relative error " + relative + " at [" + worstAt + "] ("
                + (worstAt < 0 ? "" : actual.get(worstAt) + " vs " + expected[worstAt]) + ")");
    }
}
