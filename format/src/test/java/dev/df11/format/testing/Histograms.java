package dev.df11.format.testing;

/** Exponent histograms with known code shapes, for tests of codes and tables. */
public final class Histograms {

    private Histograms() {
    }

    /**
     * Counts that follow the Fibonacci numbers (1, 1, 2, 3, 5, ...) on {@code symbols} consecutive exponents from
     * {@code firstExponent} (the rarest). An unlimited Huffman code for them is as deep as it can be: lengths
     * 1, 2, ..., symbols-1, symbols-1.
     */
    public static long[] fibonacci(int firstExponent, int symbols) {
        long[] counts = new long[256];
        long a = 1;
        long b = 1;
        for (int i = 0; i < symbols; i++) {
            counts[firstExponent + i] = a;
            long next = a + b;
            a = b;
            b = next;
        }
        return counts;
    }

    /** Counts proportional to {@code 2^-length} for the given lengths (index = exponent), scaled to integers. */
    public static long[] dyadic(int[] lengths) {
        int max = 0;
        for (int l : lengths) {
            max = Math.max(max, l);
        }
        long[] counts = new long[256];
        for (int e = 0; e < lengths.length; e++) {
            if (lengths[e] > 0) {
                counts[e] = 1L << (max - lengths[e]);
            }
        }
        return counts;
    }

    /**
     * Code lengths (index = exponent, from 100 up) whose canonical code needs {@code 1 + childTables} lookup tables:
     * codes of 1, 2, 3, 4 bits (and one of 8 bits when needed) use up table 0, then {@code 2 * childTables} codes of
     * 9 bits fill {@code childTables} first-byte values, two codes per child table. Valid for 1..16 child tables.
     */
    public static int[] lengthsNeedingChildTables(int childTables) {
        int[] lengths = new int[256];
        int e = 100;
        // 256 first-byte slots: the 9-bit codes take childTables of them; short codes fill the rest exactly.
        int rest = 256 - childTables;
        for (int len = 1; len <= 8; len++) {
            int slots = 256 >> len;
            if (rest >= slots) {
                lengths[e++] = len;
                rest -= slots;
            }
        }
        if (rest != 0) {
            throw new IllegalStateException("cannot fill table 0 for " + childTables + " child tables");
        }
        for (int k = 0; k < 2 * childTables; k++) {
            lengths[e++] = 9;
        }
        return lengths;
    }
}
