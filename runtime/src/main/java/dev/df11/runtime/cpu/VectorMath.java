package dev.df11.runtime.cpu;

import jdk.incubator.vector.FloatVector;

import static dev.df11.runtime.cpu.Bf16Lanes.FLOATS;
import static dev.df11.runtime.cpu.Bf16Lanes.LANES;

/** fp32 vector helpers on slices of float arrays, with the Vector API where the length is worth it. */
final class VectorMath {

    private VectorMath() {
    }

    /** Sum of a[i] * b[i] over n elements. */
    static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        FloatVector acc = FloatVector.zero(FLOATS);
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            acc = FloatVector.fromArray(FLOATS, a, aOffset + i).fma(FloatVector.fromArray(FLOATS, b, bOffset + i), acc);
        }
        float sum = Bf16Lanes.sumLanes(acc);
        for (; i < n; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** y[i] += a * x[i] over n elements. */
    static void addScaled(float a, float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        FloatVector scale = FloatVector.broadcast(FLOATS, a);
        for (; i + LANES <= n; i += LANES) {
            FloatVector.fromArray(FLOATS, x, xOffset + i)
                    .fma(scale, FloatVector.fromArray(FLOATS, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] += a * x[xOffset + i];
        }
    }

    /** y[i] += x[i] over n elements. */
    static void add(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector.fromArray(FLOATS, x, xOffset + i)
                    .add(FloatVector.fromArray(FLOATS, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] += x[xOffset + i];
        }
    }

    /** Sum of squares of n elements. */
    static float sumOfSquares(float[] x, int offset, int n) {
        return dot(x, offset, x, offset, n);
    }

    /** In-place softmax of x[offset .. offset+n). */
    static void softmax(float[] x, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) StrictMath.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        float inverse = 1 / sum;
        for (int i = 0; i < n; i++) {
            x[offset + i] *= inverse;
        }
    }
}
