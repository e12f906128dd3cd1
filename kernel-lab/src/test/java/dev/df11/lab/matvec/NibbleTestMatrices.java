package dev.df11.lab.matvec;

import dev.df11.format.testing.TestWeights;
import dev.df11.lab.bench.NarrowExponentBf16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The BF16 matrices the nibble-form tests run on, by how their exponents fall against the nibble layout's codes. */
final class NibbleTestMatrices {

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private NibbleTestMatrices() {
    }

    /**
     * {@code n} weights of kind {@code kind}: "narrow" (exponents spanning exactly the fifteen codes: no escapes),
     * "gaussian" (N(0, 0.05): rare escapes, the smallest weights), "wide" (a third of them escaped) or "outliers"
     * (N(0, 0.05) with one weight in 4,001 replaced by a large one, 2 to 2^13, twelve exponents in turn, each too
     * rare for a code: escapes whose products dominate the sums where they fall).
     */
    static MemorySegment of(String kind, long n) {
        return switch (kind) {
            case "narrow" -> NarrowExponentBf16.generate(3, Math.toIntExact(n), -6);
            case "gaussian" -> TestWeights.gaussian(4, n, 0.05);
            case "wide" -> TestWeights.wideExponents(5, n);
            case "outliers" -> outliers(TestWeights.gaussian(6, n, 0.05));
            default -> throw new IllegalArgumentException("no test matrix kind " + kind);
        };
    }

    private static MemorySegment outliers(MemorySegment gaussian) {
        for (long i = 7; i < gaussian.byteSize() / 2; i += 4001) {
            int exponent = 128 + (int) (i / 4001 % 12);
            gaussian.setAtIndex(BF16, i, (short) ((i & 1) << 15 | exponent << 7 | (int) (i % 128)));
        }
        return gaussian;
    }
}
