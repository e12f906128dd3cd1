package dev.df11.tornado.forward.weights;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * What one decoder layer's graph needs besides the shared activations: its unit, where its matrices start, its
 * small fp32 vectors, and its slice of the KV cache, which lives in this layer's graph only.
 *
 * @param qkvBias q|k|v biases concatenated (Qwen2), or null
 * <p>Norm weights are the multipliers the kernels apply: for Gemma 3, which stores them as offsets from one, already
 * {@code 1 + w} (as the CPU backend adds them, in float32).
 *
 * @param postAttentionNorm the norm before the feed-forward; for Gemma 3 the norm of the attention's output
 * @param qkvBias q|k|v biases concatenated (Qwen2), or null
 * @param qkNorm  per-head norm weights, the query head's weights repeated once per query head, then the key head's
 *                once per key head (Qwen3, Gemma 3), or null
 * @param preFeedForwardNorm  Gemma 3's norm of the feed-forward's input, or null
 * @param postFeedForwardNorm Gemma 3's norm of the feed-forward's output, or null
 */
public record DeviceLayer(DeviceUnit unit, LayerOffsets offsets, FloatArray inputNorm, FloatArray postAttentionNorm,
        FloatArray qkvBias, FloatArray qkNorm, FloatArray preFeedForwardNorm, FloatArray postFeedForwardNorm,
        FloatArray keyCache, FloatArray valueCache) {

    /** Device bytes of this layer's vectors and cache (its unit excluded). */
    public long ownBytes() {
        long bytes = inputNorm.getNumBytesOfSegment() + postAttentionNorm.getNumBytesOfSegment()
                + keyCache.getNumBytesOfSegment() + valueCache.getNumBytesOfSegment();
        if (qkvBias != null) {
            bytes += qkvBias.getNumBytesOfSegment();
        }
        for (FloatArray optional : new FloatArray[] {qkNorm, preFeedForwardNorm, postFeedForwardNorm}) {
            if (optional != null) {
                bytes += optional.getNumBytesOfSegment();
            }
        }
        return bytes;
    }

    /** Device bytes of the KV cache alone. */
    public long cacheBytes() {
        return keyCache.getNumBytesOfSegment() + valueCache.getNumBytesOfSegment();
    }
}
