package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * BF16 to fp32 widening that TornadoVM can compile. The natural {@code Float.intBitsToFloat(bits << 16)} is a bit
 * reinterpretation, which TornadoVM's OpenCL and PTX backends do not implement; so kernels rebuild the value
 * arithmetically, exactly: a BF16 value is {@code ±(lead + mantissa) * 2^(e - 134)} with {@code lead = 128} for a
 * normal number ({@code e > 0}) and {@code 0} for zero or a subnormal ({@code e = 0}, scale {@code 2^-133}). The
 * signed power of two depends only on the top nine bits (sign and exponent), so it comes from a 512-entry table
 * that the host fills once ({@link #table()}) and kernels read (usually copied into local memory).
 *
 * <p>The product of a small integer and a power of two is exact in fp32, so the result equals the reinterpretation
 * bit for bit, with two caveats that never matter for weights: exponent 255 (Inf/NaN, which DF11 cannot encode)
 * gives a finite value, and a device that flushes subnormals to zero reads the table entries for the eight smallest
 * exponents ({@code |w| < 2^-119}) as zero.
 */
public final class Bf16Scales {

    /** Entries: one per sign and exponent. */
    public static final int SIZE = 512;

    private Bf16Scales() {
    }

    /** The table: entry {@code sign << 8 | e} is {@code ±2^(max(e, 1) - 134)}. */
    public static FloatArray table() {
        FloatArray table = new FloatArray(SIZE);
        for (int index = 0; index < SIZE; index++) {
            table.set(index, scale(index));
        }
        return table;
    }

    /** The table entry for {@code sign << 8 | exponent}, on the host. */
    static float scale(int index) {
        int exponent = index & 0xFF;
        float magnitude = Math.scalb(1.0f, Math.max(exponent, 1) - 134);
        return (index & 0x100) != 0 ? -magnitude : magnitude;
    }

    /** Table index of BF16 bits (sign and exponent); works on sign-extended shorts. Kernel-safe. */
    public static int index(int bits) {
        return (bits >> 7) & 0x1FF;
    }

    /**
     * Table index of a weight held as planes ({@link WeightPlanes}): exponent byte {@code exponent} and sign/mantissa
     * byte {@code signMantissa}. Kernel-safe.
     */
    public static int planeIndex(int exponent, int signMantissa) {
        return ((signMantissa & 0x80) << 1) | exponent;
    }

    /** The fp32 value of a weight held as planes, given its table entry {@code scale}. Kernel-safe. */
    public static float widenPlanes(int exponent, int signMantissa, float scale) {
        int significand = signMantissa & 0x7F;
        if (exponent != 0) {
            significand = significand | 0x80;
        }
        return significand * scale;
    }

    /** The fp32 value of BF16 {@code bits} given its table entry {@code scale}. Kernel-safe. */
    public static float widen(int bits, float scale) {
        int significand = bits & 0x7F;
        if ((bits & 0x7F80) != 0) {
            significand = significand | 0x80;
        }
        return significand * scale;
    }
}
