package dev.df11.format.huffman;

import java.util.Arrays;

/**
 * Optimal length-limited prefix code lengths by the package-merge algorithm (Larmore and Hirschberg, 1990).
 *
 * <p>Among all prefix codes whose codewords are at most {@code maxLength} bits, the lengths returned minimise
 * {@code sum(count[s] * length[s])}. When the limit does not bind this equals the cost of a plain Huffman code. The
 * result is a pure function of the counts: symbols are ordered by (count, symbol) and, where a symbol and a package
 * weigh the same, the symbol comes first, so equal histograms always give equal codes.
 *
 * <p>Conventions for degenerate alphabets: no symbol gives all-zero lengths; a single symbol gets a 1-bit code (a
 * 0-bit code cannot be written into a bitstream that a decoder walks bit by bit).
 */
public final class LengthLimitedHuffman {

    private LengthLimitedHuffman() {
    }

    /**
     * Code lengths for {@code counts} (index = symbol, 0 = absent), each at most {@code maxLength} bits.
     *
     * @return an array as long as {@code counts}; entry 0 for symbols that do not occur
     * @throws IllegalArgumentException when {@code 2^maxLength} codewords cannot hold all present symbols
     */
    public static int[] codeLengths(long[] counts, int maxLength) {
        if (maxLength < 1 || maxLength > 62) {
            throw new IllegalArgumentException("maxLength must be in 1..62, got " + maxLength);
        }
        int[] symbols = presentSymbolsByWeight(counts);
        int n = symbols.length;
        int[] lengths = new int[counts.length];
        if (n == 0) {
            return lengths;
        }
        if (n == 1) {
            lengths[symbols[0]] = 1;
            return lengths;
        }
        if (maxLength < 63 && n > (1L << maxLength)) {
            throw new IllegalArgumentException(n + " symbols do not fit in codes of at most " + maxLength + " bits");
        }
        long[] leafWeights = new long[n];
        for (int i = 0; i < n; i++) {
            leafWeights[i] = counts[symbols[i]];
        }
        // leafCountPrefix[level][k] = how many of the first k items of that level's merged list are leaves.
        // Level 0 is the deepest denomination (pure leaves); level maxLength-1 is the final merged list.
        int[][] leafCountPrefix = new int[maxLength][];
        long[] previous = leafWeights;
        leafCountPrefix[0] = identityPrefix(n);
        for (int level = 1; level < maxLength; level++) {
            int packages = previous.length / 2;
            long[] merged = new long[n + packages];
            int[] leavesBefore = new int[n + packages + 1];
            int li = 0;
            int pi = 0;
            for (int k = 0; k < merged.length; k++) {
                boolean takeLeaf;
                if (li == n) {
                    takeLeaf = false;
                } else if (pi == packages) {
                    takeLeaf = true;
                } else {
                    takeLeaf = leafWeights[li] <= previous[2 * pi] + previous[2 * pi + 1];
                }
                if (takeLeaf) {
                    merged[k] = leafWeights[li++];
                } else {
                    merged[k] = previous[2 * pi] + previous[2 * pi + 1];
                    pi++;
                }
                leavesBefore[k + 1] = li;
            }
            leafCountPrefix[level] = leavesBefore;
            previous = merged;
        }
        // Select the 2n-2 cheapest items of the final list and unfold packages level by level: the packages chosen
        // among a list's first k items are always its first ones, so k alone describes the selection.
        int selected = 2 * n - 2;
        int[] sortedLengths = new int[n];
        for (int level = maxLength - 1; level >= 0 && selected > 0; level--) {
            int leaves = leafCountPrefix[level][selected];
            for (int i = 0; i < leaves; i++) {
                sortedLengths[i]++;
            }
            selected = 2 * (selected - leaves);
        }
        for (int i = 0; i < n; i++) {
            lengths[symbols[i]] = sortedLengths[i];
        }
        return lengths;
    }

    /** Total encoded size in bits of a histogram under the given code lengths. */
    public static long totalBits(long[] counts, int[] lengths) {
        long bits = 0;
        for (int s = 0; s < counts.length; s++) {
            bits += counts[s] * lengths[s];
        }
        return bits;
    }

    private static int[] presentSymbolsByWeight(long[] counts) {
        Integer[] present = new Integer[counts.length];
        int n = 0;
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] < 0) {
                throw new IllegalArgumentException("negative count for symbol " + s);
            }
            if (counts[s] > 0) {
                present[n++] = s;
            }
        }
        Integer[] sorted = Arrays.copyOf(present, n);
        Arrays.sort(sorted, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[a], counts[b]) : Integer.compare(a, b));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = sorted[i];
        }
        return out;
    }

    private static int[] identityPrefix(int n) {
        int[] p = new int[n + 1];
        for (int k = 0; k <= n; k++) {
            p[k] = k;
        }
        return p;
    }
}
