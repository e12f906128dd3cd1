package dev.df11.lab.bench;

import java.lang.foreign.MemorySegment;

/**
 * A deterministic BF16 tensor whose exponents take exactly fifteen values (the nibble layout's codes,
 * {@code dev.df11.tornado.forward.weights.NibbleLayout}), so that no weight escapes: magnitudes from
 * {@code 2^(top - 14)} up to just under {@code 2^(top + 1)}, exponents uniform over the fifteen, random mantissas and
 * signs, no zeros. {@code matvec-bench --weights narrow} times the nibble kernels on it, to tell the cost of the
 * escapes taken from the cost of the code that checks for them.
 */
public final class NarrowExponentBf16 {

    /** How many exponents the values take. */
    public static final int EXPONENTS = 15;

    private NarrowExponentBf16() {
    }

    /**
     * {@code n} BF16 values (little-endian, on the heap) drawn with {@code seed}, the largest exponent {@code top}
     * (unbiased; -6 gives magnitudes up to about 0.03, like N(0, 0.02) weights).
     */
    public static MemorySegment generate(long seed, int n, int top) {
        int biasedTop = top + 127;
        if (biasedTop - (EXPONENTS - 1) < 1 || biasedTop > 254) {
            throw new IllegalArgumentException("top exponent " + top + " leaves the normal BF16 range");
        }
        return SeededBf16.generate(seed, n, random -> {
            int exponent = biasedTop - random.nextInt(EXPONENTS);
            return (short) (random.nextInt(2) << 15 | exponent << 7 | random.nextInt(128));
        });
    }
}
