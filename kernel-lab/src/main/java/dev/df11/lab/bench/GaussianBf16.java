package dev.df11.lab.bench;

import dev.df11.format.bf16.Bf16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A deterministic N(0, sigma^2) BF16 tensor, the usual shape of transformer weights, the same for any number of
 * threads ({@link SeededBf16}).
 */
public final class GaussianBf16 {

    private GaussianBf16() {
    }

    /** {@code n} BF16 values (little-endian, on the heap) drawn with {@code seed}. */
    public static MemorySegment generate(long seed, int n, double sigma) {
        return SeededBf16.generate(seed, n, random -> {
            // Box-Muller: the same algorithm on every JDK, unlike Random.nextGaussian.
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double g = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            return Bf16.fromFloat((float) (g * sigma));
        });
    }

    /** Element {@code i} of a segment made by {@link #generate}. */
    public static short at(MemorySegment bf16, long i) {
        return bf16.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
    }
}
