package dev.df11.format.bf16;

/**
 * Bit helpers for bfloat16 (BF16) values held in a {@code short}: 1 sign bit, 8 exponent bits, 7 mantissa bits.
 *
 * <p>DF11 splits each BF16 word {@code w} into its 8-bit exponent {@code (w >> 7) & 0xFF}, which is Huffman-coded, and
 * a "sign_mantissa" byte {@code ((w >> 8) & 0x80) | (w & 0x7F)}, which is stored as is. {@link #compose} puts the two
 * back together; the split is a bijection, so every one of the 65,536 patterns (NaN payloads included) survives.
 */
public final class Bf16 {

    private Bf16() {
    }

    /** The 8-bit biased exponent of {@code w}. */
    public static int exponent(short w) {
        return (w >> 7) & 0xFF;
    }

    /** The sign bit (as bit 7) and the 7 mantissa bits of {@code w}, as stored in DF11's sign_mantissa array. */
    public static int signMantissa(short w) {
        return ((w >> 8) & 0x80) | (w & 0x7F);
    }

    /**
     * Rebuilds the BF16 word from an exponent and a sign_mantissa byte (only their low 8 bits are used): high byte
     * {@code (sm & 0x80) | (e >> 1)}, low byte {@code ((e & 1) << 7) | (sm & 0x7F)}.
     */
    public static short compose(int exponent, int signMantissa) {
        return (short) (((signMantissa & 0x80) << 8) | ((exponent & 0xFF) << 7) | (signMantissa & 0x7F));
    }

    /**
     * Rounds a float to the nearest BF16, ties to even. NaN stays NaN (sign and the top payload bits are kept, the
     * quiet bit is set so that a payload living only in the dropped bits cannot turn it into infinity).
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** The float with the same value as BF16 word {@code w} (exact: BF16 is the top half of a float). */
    public static float toFloat(short w) {
        return Float.intBitsToFloat((w & 0xFFFF) << 16);
    }
}
