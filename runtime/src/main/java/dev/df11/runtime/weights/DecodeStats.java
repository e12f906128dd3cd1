package dev.df11.runtime.weights;

/**
 * What a weight store spent on decoding so far.
 *
 * @param decodes      units decoded
 * @param decodeNanos  time spent decoding them (on whichever thread did it)
 * @param decodedBytes BF16 bytes produced
 * @param waitNanos    time {@link WeightStore#acquire} callers waited for a decode (equals decodeNanos without
 *                     prefetch; less when decodes overlap the compute)
 */
public record DecodeStats(long decodes, long decodeNanos, long decodedBytes, long waitNanos) {

    public static final DecodeStats NONE = new DecodeStats(0, 0, 0, 0);

    public DecodeStats minus(DecodeStats earlier) {
        return new DecodeStats(decodes - earlier.decodes, decodeNanos - earlier.decodeNanos,
                decodedBytes - earlier.decodedBytes, waitNanos - earlier.waitNanos);
    }

    /** Mean decode time of one unit in milliseconds, 0 when none was decoded. */
    public double meanDecodeMillis() {
        return decodes == 0 ? 0 : decodeNanos / 1e6 / decodes;
    }

    /** Decode throughput in GB/s of BF16 output. */
    public double decodeGigabytesPerSecond() {
        return decodeNanos == 0 ? 0 : decodedBytes / (double) decodeNanos;
    }
}
