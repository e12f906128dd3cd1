package dev.df11.tornado.forward;

import dev.df11.format.testing.TestWeights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The BF16 matrices the tail-order tests run on, by how their exponents fall against a unit's coded exponents. */
final class NibbleTestMatrices {

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private NibbleTestMatrices() {
    }

    /**
     * {@code n} weights of kind {@code kind}: "narrow" (exponents spanning exactly the fifteen codes: an empty tail),
     * "gaussian" (N(0, 0.05): a small tail, the smallest weights), "wide" (a third of them in the tail) or "outliers"
     * (N(0, 0.05) with one weight in 4,001 replaced by a large one, 2 to 2^13, twelve exponents in turn, each too
     * rare for a code: tail weights whose products dominate the sums where they fall).
     */
    static MemorySegment of(String kind, long n) {
        return switch (kind) {
            case "narrow" -> narrow(n);
            case "gaussian" -> TestWeights.gaussian(4, n, 0.05);
            case "wide" -> TestWeights.wideExponents(5, n);
            case "outliers" -> outliers(TestWeights.gaussian(6, n, 0.05));
            default -> throw new IllegalArgumentException("no test matrix kind " + kind);
        };
    }

    /** Fifteen exponents, 114 to 128, in equal shares: every weight coded, an empty tail. */
    private static MemorySegment narrow(long n) {
        long[] counts = new long[256];
        for (int e = 0; e < 15; e++) {
            counts[114 + e] = n / 15 + (e < n % 15 ? 1 : 0);
        }
        return TestWeights.withExponentCounts(3, counts);
    }

    private static MemorySegment outliers(MemorySegment gaussian) {
        for (long i = 7; i < gaussian.byteSize() / 2; i += 4001) {
            int exponent = 128 + (int) (i / 4001 % 12);
            gaussian.setAtIndex(BF16, i, (short) ((i & 1) << 15 | exponent << 7 | (int) (i % 128)));
        }
        return gaussian;
    }
}
