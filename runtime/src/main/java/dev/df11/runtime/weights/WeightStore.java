package dev.df11.runtime.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.model.ModelConfig;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

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

    /** The unit holding the token embedding (the forward pass reads it through {@link #embeddingRows}). */
    WeightUnit embeddingUnit();

    WeightUnit layerUnit(int layer);

    /**
     * The output projection (the embedding matrix when embeddings are tied), as units of consecutive row bands that
     * together cover every vocabulary row in order. A DF11 store cuts it into bands no larger than a layer unit, so
     * that the decode buffer need not hold the whole vocabulary matrix; a BF16 store gives one unit.
     */
    List<WeightUnit> outputUnits();

    /** A BF16 norm weight or bias of the length the layout implies, e.g. {@code model.norm.weight}. */
    MemorySegment vector(String name);

    /**
     * Makes a unit's matrices available. For a compressed unit this decodes it (or waits for a background decode)
     * into a buffer; the returned views are valid until the next call of this method.
     */
    UnitWeights acquire(WeightUnit unit);

    /**
     * The BF16 embedding rows of {@code tokens}, packed ({@code tokens.length x hidden}), in a fresh segment. A DF11
     * store decodes just those rows. Throws naming the token when an id is outside the vocabulary.
     */
    MemorySegment embeddingRows(int[] tokens);

    /** The compressed arrays of a unit, for backends that decode on their own device; empty for plain units. */
    default Optional<Df11Unit> compressed(WeightUnit unit) {
        return Optional.empty();
    }

    /** Bytes of weights this store keeps: mapped tensors, compressed arrays, plus {@link #decodeBufferBytes()}. */
    long residentWeightBytes();

    /** Bytes of the decode buffers (0 for BF16). */
    long decodeBufferBytes();

    DecodeStats decodeStats();

    @Override
    void close();
}
