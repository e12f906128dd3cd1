package dev.df11.runtime.model;

import java.util.List;

/**
 * Hugging Face tensor names of a Llama-family checkpoint and the shapes {@link ModelConfig} implies for them.
 * Decoder matrices are grouped as the official DFloat11 layout groups them: one group per layer (q, k, v, o,
 * gate, up, down, in that order), the token embedding, and the output projection when it is not tied.
 */
public final class ModelLayout {

    /** The seven matrices of a decoder layer, in DFloat11 unit order. */
    public static final List<String> LAYER_MATRICES = List.of(
            "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    /** The four matrices of a Phi-3 decoder layer (q/k/v and gate/up fused), in module order. */
    public static final List<String> FUSED_LAYER_MATRICES = List.of(
            "self_attn.qkv_proj", "self_attn.o_proj", "mlp.gate_up_proj", "mlp.down_proj");

    public static final String EMBEDDING = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String OUTPUT = "lm_head.weight";

    private final ModelConfig config;

    public ModelLayout(ModelConfig config) {
        this.config = config;
    }

    public ModelConfig config() {
        return config;
    }

    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    /** Full weight name of one of {@link #LAYER_MATRICES} in a layer. */
    public static String layerMatrix(int layer, String matrix) {
        return layerPrefix(layer) + matrix + ".weight";
    }

    /** Full weight names of a layer's seven matrices, in DFloat11 unit order. */
    public static List<String> layerMatrices(int layer) {
        return LAYER_MATRICES.stream().map(m -> layerMatrix(layer, m)).toList();
    }

    public static String inputNorm(int layer) {
        return layerPrefix(layer) + "input_layernorm.weight";
    }

    public static String postAttentionNorm(int layer) {
        return layerPrefix(layer) + "post_attention_layernorm.weight";
    }

    /** Full weight names of a layer's matrices for this config's family, in DFloat11 unit order. */
    public List<String> layerMatrixNames(int layer) {
        List<String> matrices = config.fusedProjections() ? FUSED_LAYER_MATRICES : LAYER_MATRICES;
        return matrices.stream().map(m -> layerMatrix(layer, m)).toList();
    }

    /** Gemma 3's norm of the hidden state before the feed-forward (its post_attention_layernorm follows attention). */
    public static String preFeedForwardNorm(int layer) {
        return layerPrefix(layer) + "pre_feedforward_layernorm.weight";
    }

    /** Gemma 3's norm of the feed-forward's output before it joins the residual stream. */
    public static String postFeedForwardNorm(int layer) {
        return layerPrefix(layer) + "post_feedforward_layernorm.weight";
    }

    /** Qwen3's per-head query norm. */
    public static String queryNorm(int layer) {
        return layerPrefix(layer) + "self_attn.q_norm.weight";
    }

    /** Qwen3's per-head key norm. */
    public static String keyNorm(int layer) {
        return layerPrefix(layer) + "self_attn.k_norm.weight";
    }

    /** Qwen2's projection bias: {@code proj} is q_proj, k_proj or v_proj. */
    public static String bias(int layer, String proj) {
        return layerPrefix(layer) + "self_attn." + proj + ".bias";
    }

    /** The weight that projects hidden states to logits: lm_head, or the embedding when tied. */
    public String outputMatrix() {
        return config.tiedEmbeddings() ? EMBEDDING : OUTPUT;
    }

    /** {rows, cols} of a matrix this layout names; throws for names it does not know. */
    public int[] matrixShape(String weightName) {
        int hidden = config.hiddenSize();
        if (weightName.equals(EMBEDDING) || weightName.equals(OUTPUT)) {
            return new int[] {config.vocabSize(), hidden};
        }
        String suffix = weightName.replaceFirst("^model\\.layers\\.\\d+\\.", "");
        return switch (suffix) {
            case "self_attn.q_proj.weight" -> new int[] {config.queryDim(), hidden};
            case "self_attn.k_proj.weight", "self_attn.v_proj.weight" -> new int[] {config.kvDim(), hidden};
            case "self_attn.o_proj.weight" -> new int[] {hidden, config.queryDim()};
            case "self_attn.qkv_proj.weight" -> new int[] {config.queryDim() + 2 * config.kvDim(), hidden};
            case "mlp.gate_up_proj.weight" -> new int[] {2 * config.intermediateSize(), hidden};
            case "mlp.gate_proj.weight", "mlp.up_proj.weight" -> new int[] {config.intermediateSize(), hidden};
            case "mlp.down_proj.weight" -> new int[] {hidden, config.intermediateSize()};
            default -> throw new IllegalArgumentException("not a matrix of this layout: " + weightName);
        };
    }

    /** Length of a vector tensor (norm weight or bias) this layout names. */
    public int vectorLength(String tensorName) {
        if (tensorName.equals(FINAL_NORM)) {
            return config.hiddenSize();
        }
        String suffix = tensorName.replaceFirst("^model\\.layers\\.\\d+\\.", "");
        return switch (suffix) {
            case "input_layernorm.weight", "post_attention_layernorm.weight" -> config.hiddenSize();
            case "pre_feedforward_layernorm.weight", "post_feedforward_layernorm.weight" -> {
                if (!config.gemma()) {
                    throw new IllegalArgumentException("not a vector of this layout: " + tensorName);
                }
                yield config.hiddenSize();
            }
            case "self_attn.q_norm.weight", "self_attn.k_norm.weight" -> config.headDim();
            case "self_attn.q_proj.bias" -> config.queryDim();
            case "self_attn.k_proj.bias", "self_attn.v_proj.bias" -> config.kvDim();
            default -> throw new IllegalArgumentException("not a vector of this layout: " + tensorName);
        };
    }

    /**
     * Checks the names of the tensors a model folder holds against the config before anything runs: a layer beyond
     * {@code num_hidden_layers} (a config that would silently run fewer layers), a layer missing, an
     * {@code lm_head.weight} that a tied config would ignore or that an untied one lacks, and any tensor the forward
     * pass would not read (biases, norms or projections of another architecture). Throws
     * {@link UnsupportedModelException} naming the folder, the tensor and the config field. Shapes are checked
     * tensor by tensor when the weights load.
     */
    public void checkTensorNames(java.util.Collection<String> present, String location) {
        java.util.Set<String> expected = new java.util.HashSet<>(vectorTensors());
        expected.add(EMBEDDING);
        if (!config.tiedEmbeddings()) {
            expected.add(OUTPUT);
        }
        for (int layer = 0; layer < config.layerCount(); layer++) {
            expected.addAll(layerMatrixNames(layer));
        }
        int highestLayer = -1;
        for (String name : new java.util.TreeSet<>(present)) {
            java.util.regex.Matcher m = LAYER_NAME.matcher(name);
            if (m.lookingAt()) {
                highestLayer = Math.max(highestLayer, parseLayer(m.group(1)));
            }
            if (expected.contains(name) || IGNORED.matcher(name).matches()) {
                continue;
            }
            if (m.lookingAt() && parseLayer(m.group(1)) >= config.layerCount()) {
                throw new UnsupportedModelException(location + ": num_hidden_layers = " + config.layerCount()
                        + " but the weights hold layer " + m.group(1) + " (" + name + "); the config and the "
                        + "weights disagree, and running fewer layers than the model has gives wrong tokens");
            }
            if (name.equals(OUTPUT)) {
                throw new UnsupportedModelException(location + ": tie_word_embeddings = true but the weights hold "
                        + "a separate " + OUTPUT + "; the config and the weights disagree (set tie_word_embeddings "
                        + "to false if the model has its own output projection)");
            }
            throw new UnsupportedModelException(location + ": tensor " + name + " is not part of a "
                    + config.architecture().modelType() + " model as config.json describes it (the forward pass "
                    + "would ignore it); the config and the weights disagree");
        }
        if (!config.tiedEmbeddings() && !present.contains(OUTPUT)) {
            throw new UnsupportedModelException(location + ": tie_word_embeddings = false but the weights hold no "
                    + OUTPUT + "; the config and the weights disagree (set tie_word_embeddings to true if the "
                    + "output projection is the embedding)");
        }
        if (highestLayer + 1 < config.layerCount()) {
            throw new UnsupportedModelException(location + ": num_hidden_layers = " + config.layerCount()
                    + " but the weights hold " + (highestLayer < 0 ? "no layers" : "only layers 0.." + highestLayer)
                    + "; the config and the weights disagree");
        }
    }

    private static final java.util.regex.Pattern LAYER_NAME = java.util.regex.Pattern.compile("model\\.layers\\.(\\d+)\\.");
    /** Buffers older checkpoints saved that the runtime recomputes from the config. */
    private static final java.util.regex.Pattern IGNORED =
            java.util.regex.Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

    private static int parseLayer(String digits) {
        return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    /** Every matrix and vector the forward pass reads, for validation up front. */
    public List<String> vectorTensors() {
        var names = new java.util.ArrayList<String>();
        for (int layer = 0; layer < config.layerCount(); layer++) {
            names.add(inputNorm(layer));
            names.add(postAttentionNorm(layer));
            if (config.gemma()) {
                names.add(preFeedForwardNorm(layer));
                names.add(postFeedForwardNorm(layer));
            }
            if (config.qkNorm()) {
                names.add(queryNorm(layer));
                names.add(keyNorm(layer));
            }
            if (config.qkvBias()) {
                names.add(bias(layer, "q_proj"));
                names.add(bias(layer, "k_proj"));
                names.add(bias(layer, "v_proj"));
            }
        }
        names.add(FINAL_NORM);
        return names;
    }
}
