package dev.df11.format.huffman;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExponentHistogramTest {

    private static long[] naiveCounts(MemorySegment bf16) {
        long[] counts = new long[256];
        for (short w : TestWeights.toShorts(bf16)) {
            counts[Bf16.exponent(w)]++;
        }
        return counts;
    }

    @Test
    void countsMatchANaiveCountForEveryLengthModFour() {
        for (int n : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 1001}) {
            MemorySegment w = TestWeights.gaussian(n, n, 1.0);
            assertEquals(ExponentHistogram.ofCounts(naiveCounts(w)), ExponentHistogram.of(w), "n=" + n);
        }
    }

    @Test
    void rangeAndParallelCountsAgreeWithSequential() {
        MemorySegment w = TestWeights.gaussian(7, 3_000_001);
        ExponentHistogram whole = ExponentHistogram.of(w);
        assertEquals(ExponentHistogram.of(w, 0, 1_234_567).plus(ExponentHistogram.of(w, 1_234_567, 3_000_001)), whole);
        MemorySegment second = TestWeights.gaussian(8, 5);
        assertEquals(whole.plus(ExponentHistogram.of(second)), ExponentHistogram.of(List.of(w, second), 3));
        assertEquals(3_000_006, ExponentHistogram.of(List.of(w, second), 2).total());
    }

    @Test
    void entropyOfKnownDistributions() {
        long[] uniform8 = new long[256];
        for (int e = 0; e < 8; e++) {
            uniform8[e] = 5;
        }
        assertEquals(3.0, ExponentHistogram.ofCounts(uniform8).entropyBitsPerWeight(), 1e-12);
        long[] single = new long[256];
        single[120] = 99;
        assertEquals(0.0, ExponentHistogram.ofCounts(single).entropyBitsPerWeight());
        assertEquals(0.0, ExponentHistogram.ofCounts(new long[256]).entropyBitsPerWeight());
        long[] skewed = new long[256];
        skewed[1] = 3;
        skewed[2] = 1; // H(3/4, 1/4)
        assertEquals(0.8112781244591328, ExponentHistogram.ofCounts(skewed).entropyBitsPerWeight(), 1e-12);
    }

    @Test
    void gaussianWeightsHaveAboutTwoAndAHalfBitsOfExponentEntropy() {
        ExponentHistogram h = ExponentHistogram.of(TestWeights.gaussian(1, 1 << 20));
        double entropy = h.entropyBitsPerWeight();
        // N(0, sigma^2) exponents: about 2.6 bits whatever sigma; DF11's 11 bits/weight rests on this.
        assertTrue(entropy > 2.3 && entropy < 2.9, "entropy " + entropy);
        int[] lengths = LengthLimitedHuffman.codeLengths(h.counts(), 32);
        double huffman = (double) LengthLimitedHuffman.totalBits(h.counts(), lengths) / h.total();
        assertTrue(huffman >= entropy && huffman < entropy + 1, "huffman " + huffman + " vs entropy " + entropy);
    }
}
