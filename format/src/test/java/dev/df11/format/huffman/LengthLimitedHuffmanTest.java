package dev.df11.format.huffman;

import dev.df11.format.testing.Histograms;
import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LengthLimitedHuffmanTest {

    /** Cheapest cost over every length vector in 1..limit that satisfies Kraft's inequality. */
    private static long bruteForceCost(long[] counts, int limit) {
        int n = counts.length;
        int[] lengths = new int[n];
        java.util.Arrays.fill(lengths, 1);
        long best = Long.MAX_VALUE;
        while (true) {
            double kraft = 0;
            long cost = 0;
            for (int i = 0; i < n; i++) {
                kraft += Math.scalb(1.0, -lengths[i]);
                cost += counts[i] * lengths[i];
            }
            if (kraft <= 1.0) {
                best = Math.min(best, cost);
            }
            int i = 0;
            while (i < n && lengths[i] == limit) {
                lengths[i++] = 1;
            }
            if (i == n) {
                return best;
            }
            lengths[i]++;
        }
    }

    /** Plain (unlimited) Huffman cost: the sum of all merge weights. */
    private static long huffmanCost(long[] counts) {
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (long c : counts) {
            if (c > 0) {
                queue.add(c);
            }
        }
        long cost = 0;
        while (queue.size() > 1) {
            long merged = queue.poll() + queue.poll();
            cost += merged;
            queue.add(merged);
        }
        return cost;
    }

    private static double kraft(int[] lengths) {
        double sum = 0;
        for (int l : lengths) {
            if (l > 0) {
                sum += Math.scalb(1.0, -l);
            }
        }
        return sum;
    }

    @Test
    void optimalUnderTheLimitAgainstBruteForce() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + random.nextInt(6);
            int limit = Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1)) + random.nextInt(3); // >= ceil(log2 n)
            long[] counts = new long[n];
            for (int i = 0; i < n; i++) {
                counts[i] = 1 + (random.nextBoolean() ? random.nextInt(10) : random.nextLong(1 << 20) >> random.nextInt(20));
            }
            int[] lengths = LengthLimitedHuffman.codeLengths(counts, limit);
            for (int l : lengths) {
                assertTrue(l >= 1 && l <= limit);
            }
            assertEquals(1.0, kraft(lengths), "Kraft equality for " + java.util.Arrays.toString(counts));
            assertEquals(bruteForceCost(counts, limit), LengthLimitedHuffman.totalBits(counts, lengths),
                    java.util.Arrays.toString(counts) + " limit " + limit);
        }
    }

    @Test
    void equalsPlainHuffmanWhenTheLimitDoesNotBind() {
        SplittableRandom random = new SplittableRandom(9);
        for (int trial = 0; trial < 200; trial++) {
            long[] counts = new long[256];
            int symbols = 2 + random.nextInt(60);
            for (int i = 0; i < symbols; i++) {
                counts[i * 3 + random.nextInt(3)] = 1 + random.nextInt(1_000_000);
            }
            int[] lengths = LengthLimitedHuffman.codeLengths(counts, 32);
            assertEquals(huffmanCost(counts), LengthLimitedHuffman.totalBits(counts, lengths));
            assertEquals(1.0, kraft(lengths));
        }
    }

    @Test
    void fibonacciCountsGiveTheDeepestTreeAndTheLimitBites() {
        long[] fib33 = Histograms.fibonacci(100, 33);
        int[] unlimited = LengthLimitedHuffman.codeLengths(fib33, 62);
        assertEquals(32, java.util.Arrays.stream(unlimited).max().orElseThrow());
        assertArrayEquals(unlimited, LengthLimitedHuffman.codeLengths(fib33, 32));

        long[] fib40 = Histograms.fibonacci(100, 40);
        int[] free = LengthLimitedHuffman.codeLengths(fib40, 62);
        int[] limited = LengthLimitedHuffman.codeLengths(fib40, 32);
        assertEquals(39, java.util.Arrays.stream(free).max().orElseThrow());
        assertEquals(32, java.util.Arrays.stream(limited).max().orElseThrow());
        assertEquals(1.0, kraft(limited));
        assertEquals(huffmanCost(fib40), LengthLimitedHuffman.totalBits(fib40, free));
        long limitedCost = LengthLimitedHuffman.totalBits(fib40, limited);
        assertTrue(limitedCost > huffmanCost(fib40));
        // Not optimal would be: any single feasible improvement. Check against the official encoder's trick
        // (flatten the rarest counts to 1 until the tree fits): package-merge must do at least as well.
        assertTrue(limitedCost <= flattenedHuffmanCost(fib40, 32), "limited " + limitedCost);
    }

    /** The official encoder's way to a 32-bit limit: set the k rarest counts to 1 for growing k until it fits. */
    private static long flattenedHuffmanCost(long[] counts, int limit) {
        for (int k = 2; ; k++) {
            long[] flattened = counts.clone();
            Integer[] order = new Integer[counts.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(counts[a] == 0 ? Long.MAX_VALUE : counts[a],
                    counts[b] == 0 ? Long.MAX_VALUE : counts[b]));
            for (int i = 0; i < k; i++) {
                flattened[order[i]] = 1;
            }
            int[] lengths = LengthLimitedHuffman.codeLengths(flattened, 62);
            if (java.util.Arrays.stream(lengths).max().orElseThrow() <= limit) {
                return LengthLimitedHuffman.totalBits(counts, lengths);
            }
        }
    }

    @Test
    void degenerateAlphabets() {
        assertArrayEquals(new int[256], LengthLimitedHuffman.codeLengths(new long[256], 32));
        long[] one = new long[256];
        one[77] = 1000;
        int[] lengths = LengthLimitedHuffman.codeLengths(one, 32);
        assertEquals(1, lengths[77]);
        assertEquals(1, java.util.Arrays.stream(lengths).sum());
        long[] two = new long[256];
        two[3] = 1;
        two[200] = 1_000_000;
        int[] twoLengths = LengthLimitedHuffman.codeLengths(two, 32);
        assertEquals(1, twoLengths[3]);
        assertEquals(1, twoLengths[200]);
        assertThrows(IllegalArgumentException.class, () -> LengthLimitedHuffman.codeLengths(new long[] {1, 1, 1}, 1));
    }

    @Test
    void deterministicTieBreakBySymbol() {
        long[] counts = new long[256];
        for (int e = 10; e < 15; e++) {
            counts[e] = 7; // five equal counts: lengths 2,2,2,3,3 in some order
        }
        int[] lengths = LengthLimitedHuffman.codeLengths(counts, 32);
        assertArrayEquals(lengths, LengthLimitedHuffman.codeLengths(counts.clone(), 32));
        // Smaller symbols sort first among equals and so take the deeper (longer) codes.
        assertEquals(3, lengths[10]);
        assertEquals(3, lengths[11]);
        assertEquals(2, lengths[12]);
        assertEquals(2, lengths[13]);
        assertEquals(2, lengths[14]);
    }
}
