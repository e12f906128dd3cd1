package dev.df11.cli;

import java.util.Locale;

/** Human-readable sizes, ratios, durations and throughputs for summaries. */
public final class Sizes {

    private Sizes() { }

    /** Bytes in binary units: {@code 1.50 MiB}. */
    public static String bytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** {@code part / whole} as a percentage with two decimals. */
    public static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * part / whole);
    }

    /** Seconds with two decimals. */
    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** Bytes per second, in binary units. */
    public static String throughput(long bytes, long nanos) {
        if (nanos <= 0) {
            return "-";
        }
        return bytes((long) (bytes / (nanos / 1e9))) + "/s";
    }
}
