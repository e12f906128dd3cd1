package dev.df11.runtime.model;

import java.util.List;
import java.util.Optional;

/**
 * The shape of a Llama-family decoder, read from a Hugging Face {@code config.json} by {@link ModelConfigParser}.
 *
 * @param headDim        size of one attention head (explicit {@code head_dim}, else hidden / heads)
 * @param maxPositions   {@code max_position_embeddings}
 * @param ropeScaling    Llama 3.1 scaling, or null for plain rotary
 * @param qkvBias        q, k and v projections carry biases (Qwen2)
 * @param qkNorm         every query and key head is RMS-normalised before rotary (Qwen3)
 * @param slidingWindow  attention window in positions, 0 when the model attends to the whole context
 * @param bosTokenId     beginning-of-sequence id, -1 if the config names none
 * @param eosTokenIds    ids that end generation (config's {@code eos_token_id}, one or a list)
 * @param df11           config carries {@code dfloat11_config}: the weights are DF11-compressed
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int intermediateSize,
        int layerCount,
        int headCount,
        int kvHeadCount,
        int headDim,
        int vocabSize,
        int maxPositions,
        float rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tiedEmbeddings,
        boolean qkvBias,
        boolean qkNorm,
        int slidingWindow,
        int bosTokenId,
        List<Integer> eosTokenIds,
        boolean df11) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (headCount % kvHeadCount != 0) {
            throw new UnsupportedModelException("num_attention_heads (" + headCount
                    + ") is not a multiple of num_key_value_heads (" + kvHeadCount + ")");
        }
        if (headDim % 2 != 0) {
            throw new UnsupportedModelException("head_dim " + headDim + " is odd; rotary needs pairs");
        }
    }

    /** Width of the concatenated query heads. */
    public int queryDim() {
        return headCount * headDim;
    }

    /** Width of the concatenated key (or value) heads. */
    public int kvDim() {
        return kvHeadCount * headDim;
    }

    /** Query heads sharing one key/value head. */
    public int groupSize() {
        return headCount / kvHeadCount;
    }

    public Optional<RopeScaling> ropeScalingIfAny() {
        return Optional.ofNullable(ropeScaling);
    }

    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }

    /** The same shape with the weights declared plain (or DF11). */
    public ModelConfig withDf11(boolean compressed) {
        return new ModelConfig(architecture, hiddenSize, intermediateSize, layerCount, headCount, kvHeadCount,
                headDim, vocabSize, maxPositions, rmsNormEps, ropeTheta, ropeScaling, tiedEmbeddings, qkvBias,
                qkNorm, slidingWindow, bosTokenId, eosTokenIds, compressed);
    }

    /**
     * The context this runtime can serve for the model: {@code requested}, or when that is 0 a default of
     * {@code min(max_position_embeddings, defaultCap)}. Throws naming the field when the request would need a
     * feature the runtime lacks (a sliding window that would actually slide) or exceeds the model's positions.
     */
    public int contextLength(int requested, int defaultCap) {
        int limit = slidingWindow > 0 ? Math.min(maxPositions, slidingWindow) : maxPositions;
        if (requested == 0) {
            return Math.min(limit, defaultCap);
        }
        if (requested < 0 || requested > maxPositions) {
            throw new UnsupportedModelException("context " + requested + " is outside 1.." + maxPositions
                    + " (max_position_embeddings)");
        }
        if (slidingWindow > 0 && requested > slidingWindow) {
            throw new UnsupportedModelException("context " + requested + " needs sliding-window attention "
                    + "(sliding_window = " + slidingWindow + "), which this runtime does not implement; "
                    + "use a context of at most " + slidingWindow);
        }
        return requested;
    }
}
