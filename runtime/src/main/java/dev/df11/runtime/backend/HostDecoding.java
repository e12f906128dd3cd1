package dev.df11.runtime.backend;

/**
 * An optional capability of a {@link Backend}: it decodes compressed weights on the host, into buffers it owns (the
 * CPU backend). Callers that report memory or decode time ask for it ({@code backend instanceof HostDecoding}); a
 * backend that decodes on its device, or whose weights are all plain, has nothing here to report, and one that
 * does not implement this interface allocates no host decode buffers at all.
 */
public interface HostDecoding {

    /** Bytes of the host buffers units are decoded into (0 when no unit is compressed). */
    long decodeBufferBytes();

    /** Decode work and the time the forward steps waited for weights, since {@link Backend#load}. */
    DecodeStats decodeStats();
}
