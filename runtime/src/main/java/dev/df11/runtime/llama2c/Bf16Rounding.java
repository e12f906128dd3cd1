package dev.df11.runtime.llama2c;

/**
 * Float32 to BF16 with round-to-nearest-even, NaN kept a (quiet) NaN.
 *
 * <p>Kept private to the importer until {@code dev.df11.format.bf16.Bf16.fromFloat} (codec helper) is merged; then
 * this delegates to it.
 */
final class Bf16Rounding {

    private Bf16Rounding() { }

    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }
}
