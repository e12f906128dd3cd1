package dev.df11.format.huffman;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How often each of the 256 BF16 exponents occurs in a set of weights, and the Shannon entropy of that distribution
 * (the lower bound, in bits per weight, for any code of the exponents alone). Immutable.
 */
public final class ExponentHistogram {

    /** Number of distinct 8-bit exponents. */
    public static final int SYMBOLS = 256;

    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED;
    /** Below this many elements a parallel count is not worth its threads. */
    private static final long PARALLEL_THRESHOLD = 1 << 20;

    private final long[] counts;

    private ExponentHistogram(long[] counts) {
        this.counts = counts;
    }

    /** A histogram from explicit counts (256 non-negative values, index = exponent). */
    public static ExponentHistogram ofCounts(long[] counts) {
        if (counts.length != SYMBOLS) {
            throw new IllegalArgumentException("need " + SYMBOLS + " counts, got " + counts.length);
        }
        for (int e = 0; e < SYMBOLS; e++) {
            if (counts[e] < 0) {
                throw new IllegalArgumentException("negative count " + counts[e] + " for exponent " + e);
            }
        }
        return new ExponentHistogram(counts.clone());
    }

    /** Counts the exponents of the BF16 (little-endian) elements {@code [from, to)} of {@code bf16}. */
    public static ExponentHistogram of(MemorySegment bf16, long from, long to) {
        long[] counts = new long[SYMBOLS];
        accumulate(bf16, from, to, counts);
        return new ExponentHistogram(counts);
    }

    /** Counts the exponents of every BF16 element of {@code bf16}. */
    public static ExponentHistogram of(MemorySegment bf16) {
        return of(bf16, 0, elementCount(bf16));
    }

    /** Counts the exponents of every element of every segment, on up to {@code parallelism} threads. */
    public static ExponentHistogram of(List<MemorySegment> bf16Segments, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        List<long[]> ranges = new ArrayList<>(); // {segment index, from, to}
        long total = 0;
        for (MemorySegment s : bf16Segments) {
            total += elementCount(s);
        }
        long chunk = Math.max(PARALLEL_THRESHOLD, (total + 4L * parallelism - 1) / (4L * parallelism));
        for (int i = 0; i < bf16Segments.size(); i++) {
            long n = elementCount(bf16Segments.get(i));
            for (long from = 0; from < n; from += chunk) {
                ranges.add(new long[] {i, from, Math.min(n, from + chunk)});
            }
        }
        long[] counts = new long[SYMBOLS];
        if (parallelism == 1 || ranges.size() <= 1) {
            for (long[] r : ranges) {
                accumulate(bf16Segments.get((int) r[0]), r[1], r[2], counts);
            }
            return new ExponentHistogram(counts);
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, ranges.size()), daemon())) {
            List<Future<long[]>> parts = new ArrayList<>();
            for (long[] r : ranges) {
                parts.add(pool.submit(() -> {
                    long[] local = new long[SYMBOLS];
                    accumulate(bf16Segments.get((int) r[0]), r[1], r[2], local);
                    return local;
                }));
            }
            for (Future<long[]> part : parts) {
                long[] local = part.get();
                for (int e = 0; e < SYMBOLS; e++) {
                    counts[e] += local[e];
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting exponents", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
        return new ExponentHistogram(counts);
    }

    /**
     * Adds the exponent counts of elements {@code [from, to)} of {@code bf16} to {@code counts}. Four interleaved
     * count arrays keep runs of the same exponent from serialising on one memory location.
     */
    public static void accumulate(MemorySegment bf16, long from, long to, long[] counts) {
        if (from < 0 || to < from || to > elementCount(bf16)) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + elementCount(bf16));
        }
        int[] c = new int[4 * SYMBOLS];
        long i = from;
        long fastEnd = to - 3;
        int sinceFlush = 0;
        while (i < fastEnd) {
            long four = bf16.get(LONG_LE, i * 2);
            c[(int) (four >>> 7) & 0xFF]++;
            c[SYMBOLS + ((int) (four >>> 23) & 0xFF)]++;
            c[2 * SYMBOLS + ((int) (four >>> 39) & 0xFF)]++;
            c[3 * SYMBOLS + ((int) (four >>> 55) & 0xFF)]++;
            i += 4;
            if (++sinceFlush == (1 << 28)) { // an int cell could otherwise overflow
                flush(c, counts);
                sinceFlush = 0;
            }
        }
        for (; i < to; i++) {
            c[(bf16.get(SHORT_LE, i * 2) >> 7) & 0xFF]++;
        }
        flush(c, counts);
    }

    private static void flush(int[] c, long[] counts) {
        for (int e = 0; e < SYMBOLS; e++) {
            counts[e] += (long) c[e] + c[SYMBOLS + e] + c[2 * SYMBOLS + e] + c[3 * SYMBOLS + e];
        }
        Arrays.fill(c, 0);
    }

    private static long elementCount(MemorySegment bf16) {
        if ((bf16.byteSize() & 1) != 0) {
            throw new IllegalArgumentException("a BF16 segment needs an even byte size, got " + bf16.byteSize());
        }
        return bf16.byteSize() / 2;
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return Thread.ofPlatform().daemon().name("df11-histogram-", 0).factory();
    }

    /** How many elements have exponent {@code exponent}. */
    public long count(int exponent) {
        return counts[exponent];
    }

    /** A copy of all 256 counts. */
    public long[] counts() {
        return counts.clone();
    }

    /** Total number of elements counted. */
    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** Shannon entropy of the exponent distribution in bits per weight (0 for an empty or single-valued one). */
    public double entropyBitsPerWeight() {
        long total = total();
        if (total == 0) {
            return 0;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / total;
                h -= p * (Math.log(p) / Math.log(2));
            }
        }
        return h;
    }

    /** The element-wise sum of two histograms. */
    public ExponentHistogram plus(ExponentHistogram other) {
        long[] sum = counts.clone();
        for (int e = 0; e < SYMBOLS; e++) {
            sum[e] += other.counts[e];
        }
        return new ExponentHistogram(sum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExponentHistogram h && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ExponentHistogram{");
        String sep = "";
        for (int e = 0; e < SYMBOLS; e++) {
            if (counts[e] > 0) {
                sb.append(sep).append(e).append('=').append(counts[e]);
                sep = ", ";
            }
        }
        return sb.append('}').toString();
    }
}
