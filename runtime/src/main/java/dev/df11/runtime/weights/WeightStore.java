package dev.df11.runtime.weights;

import dev.df11.runtime.model.ModelConfig;

import java.lang.foreign.MemorySegment;

/**
 * The weights of one model as the forward pass sees them: units of matrices acquired one at a time, and small
 * BF16 vectors (norm weights, biases) that are always plain. Two implementations: {@link Bf16WeightStore} maps
 * BF16 safetensors; {@code Df11WeightStore} keeps DF11 units compressed and decodes each on demand into a
 * reused buffer. Both give the same bits for every matrix, so the forward pass cannot tell them apart.
 */
public interface WeightStore extends AutoCloseable {

    ModelConfig config();

    /** "BF16" or "DF11". */
    String kind();

    WeightUnit embeddingUnit();

    WeightUnit layerUnit(int layer);

    /** The unit holding the output projection (the embedding unit when embeddings are tied). */
    WeightUnit outputUnit();

    /** A BF16 norm weight or bias of the length the layout implies, e.g. {@code model.norm.weight}. */
    MemorySegment vector(String name);

    /**
     * Makes a unit's matrices available. For a compressed unit this decodes it (or waits for a background decode)
     * into a buffer; the returned views are valid until the next call of this method.
     */
    UnitWeights acquire(WeightUnit unit);

    /** Bytes of weights this store keeps: mapped tensors, compressed arrays, plus {@link #decodeBufferBytes()}. */
    long residentWeightBytes();

    /** Bytes of the decode buffers (0 for BF16). */
    long decodeBufferBytes();

    DecodeStats decodeStats();

    @Override
    void close();
}
