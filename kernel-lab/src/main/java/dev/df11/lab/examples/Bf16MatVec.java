package dev.df11.lab.examples;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * A plain matrix-vector product over BF16 weights, as a user's own TornadoVM task would read a matrix out of a
 * decoded DF11 unit: the unit's whole buffer plus the matrix's offset.
 *
 * <p>BF16 to float on the device: TornadoVM 5.2's OpenCL backend cannot reinterpret bits
 * ({@code Float.intBitsToFloat} is not compiled), so the value is rebuilt arithmetically and exactly:
 * {@code (implicit bit + mantissa) * 2^(exponent - 134)}, with the powers of two from a 256-entry table
 * ({@link #exponentScales()}) moved to the device once.
 */
public final class Bf16MatVec {

    private Bf16MatVec() {
    }

    /**
     * {@code y[r] = sum_c W[r][c] * x[c]} for the {@code [y.getSize(), cols]} row-major BF16 matrix starting at
     * element {@code offset} of {@code weights}.
     *
     * @param scales {@link #exponentScales()}
     */
    public static void matVec(ShortArray weights, int offset, int cols, FloatArray scales, FloatArray x,
            FloatArray y) {
        for (@Parallel int row = 0; row < y.getSize(); row++) {
            int base = offset + row * cols;
            float sum = 0.0f;
            for (int c = 0; c < cols; c++) {
                int bits = weights.get(base + c);
                int exponent = (bits >> 7) & 0xFF;
                int significand = bits & 0x7F;
                if (exponent != 0) {
                    significand = significand | 0x80;
                }
                float w = significand * scales.get(exponent);
                if ((bits & 0x8000) != 0) {
                    w = -w;
                }
                sum += w * x.get(c);
            }
            y.set(row, sum);
        }
    }

    /**
     * {@code scales[e] = 2^(max(e, 1) - 134)}: a BF16 value with exponent field {@code e} and 7-bit mantissa
     * {@code m} is {@code (128 + m) * scales[e]}, or {@code m * scales[0]} when subnormal ({@code e = 0}). Exponents
     * 255 (Inf, NaN) never occur in DF11 units, which cannot store exponents 240 and up.
     */
    public static FloatArray exponentScales() {
        FloatArray scales = new FloatArray(256);
        for (int e = 0; e < 256; e++) {
            scales.set(e, Math.scalb(1.0f, Math.max(e, 1) - 134));
        }
        return scales;
    }
}
