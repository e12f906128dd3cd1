package dev.df11.format.huffman;

import java.util.Arrays;

/**
 * A canonical prefix code over byte symbols: codewords are handed out in order of (length, symbol), each the previous
 * one plus one, shifted left when the length grows. Short codes therefore take the smallest values and the longest
 * codes share the all-ones end of the code space, which keeps the number of DF11 lookup tables low.
 */
public final class CanonicalCode {

    /** Longest codeword this class can hold (codes are kept in an {@code int}). */
    public static final int MAX_LENGTH = 32;

    private final int[] lengths;
    private final int[] codes;

    private CanonicalCode(int[] lengths, int[] codes) {
        this.lengths = lengths;
        this.codes = codes;
    }

    /**
     * Assigns canonical codewords to the given lengths (index = symbol, 0 = absent, at most 32). The lengths must
     * satisfy Kraft's inequality.
     */
    public static CanonicalCode fromLengths(int[] lengths) {
        int symbols = lengths.length;
        Integer[] order = new Integer[symbols];
        int n = 0;
        double kraft = 0;
        for (int s = 0; s < symbols; s++) {
            if (lengths[s] < 0 || lengths[s] > MAX_LENGTH) {
                throw new IllegalArgumentException("code length " + lengths[s] + " of symbol " + s + " not in 0..32");
            }
            if (lengths[s] > 0) {
                order[n++] = s;
                kraft += Math.scalb(1.0, -lengths[s]);
            }
        }
        if (kraft > 1.0) {
            throw new IllegalArgumentException("code lengths violate Kraft's inequality (sum " + kraft + " > 1)");
        }
        Integer[] present = Arrays.copyOf(order, n);
        Arrays.sort(present, (a, b) -> lengths[a] != lengths[b] ? Integer.compare(lengths[a], lengths[b]) : Integer.compare(a, b));
        int[] codes = new int[symbols];
        long code = 0;
        int previousLength = 0;
        for (int s : present) {
            code <<= lengths[s] - previousLength;
            previousLength = lengths[s];
            codes[s] = (int) code;
            code++;
        }
        return new CanonicalCode(lengths.clone(), codes);
    }

    /** Optimal canonical code for {@code counts} with codewords of at most {@code maxLength} bits. */
    public static CanonicalCode forCounts(long[] counts, int maxLength) {
        return fromLengths(LengthLimitedHuffman.codeLengths(counts, maxLength));
    }

    /** Number of symbols the code is defined over (present or not). */
    public int symbolCount() {
        return lengths.length;
    }

    /** Length in bits of the codeword of {@code symbol}, 0 if the symbol has none. */
    public int length(int symbol) {
        return lengths[symbol];
    }

    /** The codeword of {@code symbol}, right-aligned in the low {@link #length} bits (unsigned). */
    public int code(int symbol) {
        return codes[symbol];
    }

    /** A copy of all lengths. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** A copy of all codewords. */
    public int[] codes() {
        return codes.clone();
    }

    /** Longest codeword length. */
    public int maxLength() {
        int max = 0;
        for (int l : lengths) {
            max = Math.max(max, l);
        }
        return max;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CanonicalCode{");
        String sep = "";
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] > 0) {
                String bits = Long.toBinaryString(codes[s] & 0xFFFFFFFFL);
                sb.append(sep).append(s).append('=').append("0".repeat(lengths[s] - bits.length())).append(bits);
                sep = ", ";
            }
        }
        return sb.append('}').toString();
    }
}
