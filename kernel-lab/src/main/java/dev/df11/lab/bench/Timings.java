package dev.df11.lab.bench;

import java.util.Arrays;

/**
 * Repeated measurements of one thing, in nanoseconds, with the order statistics a benchmark reports.
 *
 * @param label   what was measured
 * @param nanos   one value per repetition (sorted copy)
 */
public record Timings(String label, long[] nanos) {

    public Timings {
        nanos = nanos.clone();
        Arrays.sort(nanos);
    }

    /** Median in nanoseconds. */
    public double median() {
        return quantile(0.5);
    }

    /** The q-quantile (linear interpolation), in nanoseconds. */
    public double quantile(double q) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        double at = q * (nanos.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(nanos.length - 1, lo + 1);
        return nanos[lo] + (at - lo) * (nanos[hi] - nanos[lo]);
    }

    /** Fastest repetition. */
    public long min() {
        return nanos.length == 0 ? -1 : nanos[0];
    }

    /** Slowest repetition. */
    public long max() {
        return nanos.length == 0 ? -1 : nanos[nanos.length - 1];
    }

    /** Throughput in GB/s (10^9 bytes per second) for {@code bytes} moved in {@code nanos} nanoseconds. */
    public static double gbPerSecond(long bytes, double nanos) {
        return nanos <= 0 ? Double.NaN : bytes / nanos;
    }
}
