package dev.df11.runtime.backend;

/**
 * What a backend that decodes on the host ({@link HostDecoding}) spent on decoding so far, and how long its forward
 * steps waited for it.
 *
 * @param decodes         units (or bands of output rows) decoded
 * @param decodeNanos     time spent decoding them (on whichever thread did it)
 * @param decodedBytes    BF16 bytes produced
 * @param layerWaits      decoder-layer units the steps asked for (decoded, plain, or already decoded in the
 *                        background)
 * @param layerWaitNanos  time the steps waited for them (about decodeNanos of the layers without prefetch; less when
 *                        decodes overlap the compute)
 * @param outputWaits     bands of output-projection rows the steps asked for
 * @param outputWaitNanos time the steps waited for them
 */
public record DecodeStats(long decodes, long decodeNanos, long decodedBytes, long layerWaits, long layerWaitNanos,
                          long outputWaits, long outputWaitNanos) {

    /** No decoding: BF16 weights, or a backend that decodes on its device. */
    public static final DecodeStats NONE = new DecodeStats(0, 0, 0, 0, 0, 0, 0);

    public DecodeStats minus(DecodeStats earlier) {
        return new DecodeStats(decodes - earlier.decodes, decodeNanos - earlier.decodeNanos,
                decodedBytes - earlier.decodedBytes, layerWaits - earlier.layerWaits,
                layerWaitNanos - earlier.layerWaitNanos, outputWaits - earlier.outputWaits,
                outputWaitNanos - earlier.outputWaitNanos);
    }

    /** Mean decode time of one unit in milliseconds, 0 when none was decoded. */
    public double meanDecodeMillis() {
        return decodes == 0 ? 0 : decodeNanos / 1e6 / decodes;
    }

    /** Decode throughput in GB/s of BF16 output. */
    public double decodeGigabytesPerSecond() {
        return decodeNanos == 0 ? 0 : decodedBytes / (double) decodeNanos;
    }

    /** Mean wait per decoder-layer unit in milliseconds. */
    public double meanLayerWaitMillis() {
        return layerWaits == 0 ? 0 : layerWaitNanos / 1e6 / layerWaits;
    }

    /** Mean wait per band of output rows in milliseconds. */
    public double meanOutputWaitMillis() {
        return outputWaits == 0 ? 0 : outputWaitNanos / 1e6 / outputWaits;
    }
}
