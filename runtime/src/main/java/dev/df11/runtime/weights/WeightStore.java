package dev.df11.runtime.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.runtime.model.ModelConfig;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The weights of one model, described: units of matrices (the embedding, one per decoder layer, the output
 * projection), small BF16 vectors (norm weights, biases) that are always plain, the compressed arrays of a DF11 unit,
 * and embedding-row lookup. Two implementations: {@link Bf16WeightStore} maps BF16 safetensors;
 * {@link Df11WeightStore} keeps DF11 units compressed where they lie. A store holds no decode buffers: turning a
 * compressed unit into BF16 matrices during a step is the backend's business (the CPU backend decodes on the host, a
 * GPU backend on its device), and every backend gets the same bits from either store.
 */
public interface WeightStore extends AutoCloseable {

    ModelConfig config();

    /** "BF16" or "DF11". */
    String kind();

    /** The unit holding the token embedding (the forward pass reads it through {@link #embeddingRows}). */
    WeightUnit embeddingUnit();

    WeightUnit layerUnit(int layer);

    /**
     * The unit holding the output projection: the embedding unit when embeddings are tied. One whole unit, however
     * large; a backend that wants it in smaller pieces cuts it itself.
     */
    WeightUnit outputUnit();

    /** A BF16 norm weight or bias of the length the layout implies, e.g. {@code model.norm.weight}. */
    MemorySegment vector(String name);

    /**
     * The matrices of a plain unit, BF16 where they lie (valid while the store is open). A compressed unit has no
     * matrices until a backend decodes its arrays ({@link #compressed}): asking for one here is an
     * {@link IllegalArgumentException}.
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

    /**
     * The CPU decoder this store decodes its units with (on the threads the user gave it), for a backend that
     * re-lays {@link #compressed} units out on the host.
     *
     * @throws UnsupportedOperationException for a store without compressed units
     */
    default Df11UnitDecoder decoder() {
        throw new UnsupportedOperationException(kind() + " weights have no compressed units to decode");
    }

    /**
     * Bytes of weights this store keeps: mapped tensors, compressed arrays and vectors (a backend's decode buffers
     * are its own, see {@code dev.df11.runtime.backend.HostDecoding}).
     */
    long residentWeightBytes();

    @Override
    void close();
}
