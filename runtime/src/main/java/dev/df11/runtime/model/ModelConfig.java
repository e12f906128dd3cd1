package dev.df11.runtime.model;

import java.util.List;
import java.util.Map;

/**
 * The shape of a Llama-family decoder, read from a Hugging Face {@code config.json} by {@link ModelConfigParser}.
 *
 * @param headDim         size of one attention head (explicit {@code head_dim}, else hidden / heads)
 * @param rotaryDim       leading values of each head that rotary rotates: {@code head_dim} times Phi-3's
 *                        {@code partial_rotary_factor} (rounded down as transformers does), else {@code head_dim}
 * @param maxPositions    {@code max_position_embeddings}: the longest context the runtime serves
 * @param rope            the rotary embedding (theta and rope type) of full-attention layers, and of every layer
 *                        unless {@code ropeByLayerType} says otherwise
 * @param ropeByLayerType per-layer-type rotary parameters of a transformers-5 {@code rope_parameters} keyed by
 *                        layer type; empty when the config gives one set for all layers
 * @param layerTypes      each layer's attention, {@code layerCount} entries
 * @param slidingWindow   window of the sliding-attention layers in positions (the query's own included), 0 when no
 *                        layer slides
 * @param qkvBias         q, k and v projections carry biases (Qwen2)
 * @param qkNorm          every query and key head is RMS-normalised before rotary (Qwen3, Gemma 3)
 * @param queryPreAttnScalar attention scores are scaled by {@code 1 / sqrt(queryPreAttnScalar)}: {@code head_dim},
 *                        or Gemma 3's {@code query_pre_attn_scalar}
 * @param finalLogitSoftcap logits become {@code cap * tanh(logit / cap)}; 0 for none
 * @param bosTokenId      beginning-of-sequence id, -1 if the config names none
 * @param eosTokenIds     ids that end generation (config's {@code eos_token_id}, one or a list)
 * @param multimodal      the config is a multimodal Gemma 3 one ({@code model_type} "gemma3"): the language model's
 *                        tensors carry its prefix beside a vision tower the runtime skips
 * @param df11            config carries {@code dfloat11_config}: the weights are DF11-compressed
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int intermediateSize,
        int layerCount,
        int headCount,
        int kvHeadCount,
        int headDim,
        int rotaryDim,
        int vocabSize,
        int maxPositions,
        float rmsNormEps,
        RopeParameters rope,
        Map<LayerType, RopeParameters> ropeByLayerType,
        List<LayerType> layerTypes,
        int slidingWindow,
        boolean tiedEmbeddings,
        boolean qkvBias,
        boolean qkNorm,
        double queryPreAttnScalar,
        double finalLogitSoftcap,
        int bosTokenId,
        List<Integer> eosTokenIds,
        boolean multimodal,
        boolean df11) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        ropeByLayerType = Map.copyOf(ropeByLayerType);
        layerTypes = List.copyOf(layerTypes);
        if (headCount % kvHeadCount != 0) {
            throw new UnsupportedModelException("num_attention_heads (" + headCount
                    + ") is not a multiple of num_key_value_heads (" + kvHeadCount + ")");
        }
        if (headDim % 2 != 0) {
            throw new UnsupportedModelException("head_dim " + headDim + " is odd; rotary needs pairs");
        }
        if (rotaryDim <= 0 || rotaryDim > headDim || rotaryDim % 2 != 0) {
            throw new UnsupportedModelException("partial_rotary_factor gives " + rotaryDim + " rotary values of a "
                    + headDim + "-value head; rotary needs an even number between 2 and head_dim");
        }
        if (layerTypes.size() != layerCount) {
            throw new UnsupportedModelException("layer_types has " + layerTypes.size() + " entries for "
                    + layerCount + " layers (num_hidden_layers)");
        }
        if (layerTypes.contains(LayerType.SLIDING_ATTENTION) != (slidingWindow > 0)) {
            throw new UnsupportedModelException("sliding_window = " + slidingWindow + " but layer_types "
                    + (slidingWindow > 0 ? "has no" : "has") + " sliding_attention layer");
        }
    }

    /** Whether q/k/v and gate/up are fused matrices, {@code qkv_proj} and {@code gate_up_proj} (Phi-3). */
    public boolean fusedProjections() {
        return architecture == Architecture.PHI3;
    }

    /** Whether this is Gemma 3's block (see {@link Architecture#GEMMA3}). */
    public boolean gemma() {
        return architecture == Architecture.GEMMA3;
    }

    /** What attention scores are multiplied with before the softmax, in float32 as transformers applies it. */
    public float attentionScale() {
        return (float) (1.0 / Math.sqrt(queryPreAttnScalar));
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

    /** {@code rope_theta} of the full-attention layers. */
    public double ropeTheta() {
        return rope.theta();
    }

    /** The rope type's scaling of the full-attention layers, or null for the default type. */
    public RotaryScaling ropeScaling() {
        return rope.scaling();
    }

    /** The rotary parameters of one layer. */
    public RopeParameters ropeFor(int layer) {
        return ropeByLayerType.getOrDefault(layerTypes.get(layer), rope);
    }

    /** Whether every layer rotates with the same parameters (backends with one rotary table need it). */
    public boolean uniformRope() {
        for (int layer = 0; layer < layerCount; layer++) {
            if (!ropeFor(layer).equals(rope)) {
                return false;
            }
        }
        return true;
    }

    /** The attention window of one layer in positions, 0 for a layer that attends to the whole context. */
    public int attentionWindow(int layer) {
        return layerTypes.get(layer) == LayerType.SLIDING_ATTENTION ? slidingWindow : 0;
    }

    /** Whether some layer's window is shorter than {@code contextLength}, so that it actually slides. */
    public boolean windowSlidesWithin(int contextLength) {
        return slidingWindow > 0 && slidingWindow < contextLength;
    }

    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }

    /**
     * The context this runtime serves for the model: {@code requested}, or when that is 0 a default of
     * {@code min(max_position_embeddings, defaultCap)}. A sliding window does not limit it (it limits what each
     * query attends to, not how far generation goes). Throws naming the field when the request exceeds the
     * model's positions or the rope type cannot serve it.
     */
    public int contextLength(int requested, int defaultCap) {
        int context;
        if (requested == 0) {
            context = Math.min(maxPositions, defaultCap);
        } else if (requested < 0 || requested > maxPositions) {
            throw new UnsupportedModelException("context " + requested + " is outside 1.." + maxPositions
                    + " (max_position_embeddings)");
        } else {
            context = requested;
        }
        for (int layer = 0; layer < layerCount; layer++) {
            ropeFor(layer).inverseFrequencies(rotaryDim, context);   // throws where the rope type cannot serve it
        }
        return context;
    }
}
