package dev.df11.tornado.forward.weights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * How a unit's weights fall over their exponents: its {@link #CODED} most common non-zero exponents (most common
 * first, ties to the smaller exponent) and the number of non-zero weights whose exponent is none of them, the unit's
 * tail ({@link UnitTail}). Counted over the unit's matrices ({@link UnitMatrices}), from BF16 or decoded DF11 alike,
 * so that a model's BF16 and DF11 checkpoints get the same coded exponents and the same tail, and so the same sums.
 *
 * @param unit     the unit's name, for messages
 * @param weights  weights counted
 * @param coded    the coded exponents, most common first, at most {@link #CODED}, never 0
 * @param tail     non-zero weights whose exponent is not coded (subnormals included: exponent 0 is never coded)
 */
public record ExponentCensus(String unit, long weights, int[] coded, long tail) {

    /** Exponents a unit codes: fifteen, so that a 4-bit code has one value left for everything else. */
    public static final int CODED = 15;

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Elements a parallel part of a slice counts. */
    private static final int PART = 1 << 16;

    /** Counts the weights of {@code matrices}. */
    public static ExponentCensus of(UnitMatrices matrices) {
        long[] histogram = new long[256];
        long[] zeros = {0};
        matrices.forEachSlice((slice, span, from, length) -> {
            int parts = Math.max(1, (length + PART - 1) / PART);
            long[][] counts = new long[parts][];
            IntStream.range(0, parts).parallel().forEach(p -> {
                long[] h = new long[257];
                int end = Math.min(length, (p + 1) * PART);
                for (int i = p * PART; i < end; i++) {
                    int bits = slice.getAtIndex(BF16, i);
                    h[bits >> 7 & 0xFF]++;
                    if ((bits & 0x7FFF) == 0) {
                        h[256]++;
                    }
                }
                counts[p] = h;
            });
            for (long[] h : counts) {
                for (int e = 0; e < 256; e++) {
                    histogram[e] += h[e];
                }
                zeros[0] += h[256];
            }
        });
        Integer[] order = new Integer[255];
        for (int e = 1; e < 256; e++) {
            order[e - 1] = e;
        }
        Arrays.sort(order, (a, b) -> histogram[a] != histogram[b] ? Long.compare(histogram[b], histogram[a])
                : Integer.compare(a, b));
        int[] coded = new int[CODED];
        int count = 0;
        long covered = 0;
        for (Integer e : order) {
            if (count == CODED || histogram[e] == 0) {
                break;
            }
            coded[count++] = e;
            covered += histogram[e];
        }
        long weights = Arrays.stream(histogram).sum();
        return new ExponentCensus(matrices.name(), weights, Arrays.copyOf(coded, count),
                weights - covered - zeros[0]);
    }

    /** Whether exponent {@code e} (0 to 255) has a code. */
    public boolean isCoded(int e) {
        for (int c : coded) {
            if (c == e) {
                return true;
            }
        }
        return false;
    }

    /** The code of each exponent: -1 where it has none. */
    public int[] codeOf() {
        int[] code = new int[256];
        Arrays.fill(code, -1);
        for (int c = 0; c < coded.length; c++) {
            code[coded[c]] = c;
        }
        return code;
    }

    /** Whether BF16 {@code bits} is a tail weight: non-zero, its exponent uncoded ({@code codeOf()} gives -1). */
    static boolean inTail(int bits, int[] codeOf) {
        return (bits & 0x7FFF) != 0 && codeOf[bits >> 7 & 0xFF] < 0;
    }

    @Override
    public String toString() {
        return String.format("%s: %d weights, coded exponents %s, %d in the tail", unit, weights,
                Arrays.toString(coded), tail);
    }
}
