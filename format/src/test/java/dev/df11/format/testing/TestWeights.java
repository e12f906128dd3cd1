package dev.df11.format.testing;

import dev.df11.format.bf16.Bf16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Deterministic BF16 test tensors (little-endian, on the heap). */
public final class TestWeights {

    private TestWeights() {
    }

    /** {@code n} weights drawn from N(0, sigma^2) with the given seed, rounded to BF16. */
    public static MemorySegment gaussian(long seed, long n, double sigma) {
        MemorySegment out = MemorySegment.ofArray(new short[Math.toIntExact(n)]);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) {
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, Bf16.fromFloat((float) (gaussian(random) * sigma)));
        }
        return out;
    }

    /** N(0, 0.02^2) weights, the usual scale of transformer matrices. */
    public static MemorySegment gaussian(long seed, long n) {
        return gaussian(seed, n, 0.02);
    }

    /**
     * A tensor whose exponent histogram is exactly {@code counts} (index = exponent), in a random order, with random
     * sign and mantissa bits.
     */
    public static MemorySegment withExponentCounts(long seed, long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        short[] words = new short[Math.toIntExact(n)];
        SplittableRandom random = new SplittableRandom(seed);
        int at = 0;
        for (int e = 0; e < counts.length; e++) {
            for (long k = 0; k < counts[e]; k++) {
                words[at++] = Bf16.compose(e, random.nextInt(256));
            }
        }
        for (int i = words.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            short t = words[i];
            words[i] = words[j];
            words[j] = t;
        }
        return MemorySegment.ofArray(words);
    }

    /**
     * {@code n} weights with more distinct exponents than a 4-bit code holds: 2% zeros, then exponents 100 to 123 in
     * equal shares, so that a third of them fall outside any fifteen (the nibble layout's escapes, zeros among them).
     */
    public static MemorySegment wideExponents(long seed, long n) {
        long[] counts = new long[256];
        long left = n;
        counts[0] = n / 50;
        left -= counts[0];
        for (int e = 100; e < 124; e++) {
            counts[e] = e == 123 ? left : n / 25;
            left -= counts[e];
        }
        return withExponentCounts(seed, counts);
    }

    /** All BF16 bit patterns whose exponent is below {@code exponentLimit}, in increasing order of the bits. */
    public static MemorySegment allPatternsBelowExponent(int exponentLimit) {
        short[] words = new short[65536];
        int n = 0;
        for (int bits = 0; bits < 65536; bits++) {
            if (Bf16.exponent((short) bits) < exponentLimit) {
                words[n++] = (short) bits;
            }
        }
        return MemorySegment.ofArray(java.util.Arrays.copyOf(words, n));
    }

    /** A copy of a BF16 segment as a short array. */
    public static short[] toShorts(MemorySegment bf16) {
        return bf16.toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: deterministic across JDKs, unlike Random.nextGaussian's algorithm choice.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
