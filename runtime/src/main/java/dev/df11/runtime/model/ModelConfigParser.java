package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.format.model.ModelFolder;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig}, in both generations of keys: the legacy
 * {@code rope_theta} / {@code rope_scaling} / {@code torch_dtype} and transformers 5's {@code rope_parameters} (flat,
 * or one entry per layer type), {@code dtype} and {@code layer_types}, at the top level or nested in
 * {@code text_config}. Nothing that changes the math is defaulted silently: every field is either understood, known
 * to leave inference alone (see {@link ConfigFields}), or refused with the file, the field and its value named.
 * Values are range-checked (theta, epsilon, rope factors) before anything runs.
 */
public final class ModelConfigParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** transformers' default {@code rope_theta} for every supported family. */
    private static final double DEFAULT_THETA = 10000.0;
    /** transformers' default {@code max_position_embeddings} for Llama (the others name theirs in every config). */
    private static final int DEFAULT_MAX_POSITIONS = 2048;

    private final String source;
    private final JsonNode root;
    /** The object holding the language model's fields: {@code root}, or {@code root.text_config}. */
    private final JsonNode node;
    /** How fields of {@link #node} are named in messages: "" or "text_config.". */
    private final String prefix;

    private ModelConfigParser(String source, JsonNode root) {
        this.source = source;
        this.root = root;
        JsonNode text = root.get("text_config");
        if (text != null && !text.isNull()) {
            if (!text.isObject()) {
                throw new UnsupportedModelException(source + ": text_config must be an object, got " + text);
            }
            this.node = text;
            this.prefix = "text_config.";
        } else {
            this.node = root;
            this.prefix = "";
        }
    }

    /** Parses {@code <modelDir>/config.json}. */
    public static ModelConfig read(Path modelDir) throws IOException {
        ModelFolder.requireFolder(modelDir);   // a file or nothing: say so, not "no config.json"
        Path file = modelDir.resolve("config.json");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new UnsupportedModelException(file + ": no config.json in the model folder", e);
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    /** Parses an already-read config; {@code source} names it in error messages. */
    public static ModelConfig parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new UnsupportedModelException(source + ": config is not a JSON object");
        }
        return new ModelConfigParser(source, root).parse();
    }

    private ModelConfig parse() {
        boolean multimodal = node != root && root.hasNonNull("model_type")
                && root.get("model_type").asText().equals("gemma3");
        ConfigFields.checkKnown(root, "", source, multimodal ? ConfigFields.GEMMA3_MULTIMODAL : Set.of());
        if (node != root) {
            ConfigFields.checkKnown(node, prefix, source);
        }
        String modelType = requiredText("model_type");
        Architecture architecture = Architecture.fromModelType(modelType).orElseThrow(() -> unsupported(
                "model_type", "'" + modelType + "'", "llama, mistral, qwen2, qwen3, gemma3_text or phi3"));
        boolean gemma = architecture == Architecture.GEMMA3;
        if (multimodal && !gemma) {
            throw unsupported("model_type", "'" + modelType + "'", "gemma3_text in the text_config of a gemma3 "
                    + "config");
        }

        refuseIfPresent(root, "", "quantization_config", "quantized checkpoints are not supported");
        refuseIfPresent(node, prefix, "quantization_config", "quantized checkpoints are not supported");
        checkDtype(root, "");
        if (node != root) {
            checkDtype(node, prefix);
        }
        checkActivation(gemma);
        GemmaFields gemmaFields = gemmaFields(gemma);
        if (multimodal && gemmaFields.finalSoftcap() > 0) {
            // Gemma3ForCausalLM caps its logits, transformers' Gemma3ForConditionalGeneration does not: which one
            // the checkpoint means is unclear (the official configs set null), so refuse rather than guess.
            throw unsupported("final_logit_softcapping", String.valueOf(gemmaFields.finalSoftcap()),
                    "null in a multimodal gemma3 config (transformers' Gemma3ForConditionalGeneration does not "
                            + "apply it, its Gemma3ForCausalLM does)");
        }
        double partialRotary = partialRotaryFactor(architecture);
        checkPhi4MiniFields();
        if (optionalBoolean("mlp_bias", false)) {
            throw unsupported("mlp_bias", "true", "false");
        }
        // Qwen2 always has q/k/v biases (no config switch); others would need o_proj bias too when attention_bias is on.
        if (optionalBoolean("attention_bias", false)) {
            throw unsupported("attention_bias", "true", "false (biases on all four attention projections "
                    + "are not implemented)");
        }
        if (optionalBoolean("use_mrope", false)) {
            throw unsupported("use_mrope", "true", "false (multimodal rotary sections are not implemented)");
        }

        int hidden = positiveInt("hidden_size");
        int heads = positiveInt("num_attention_heads");
        int kvHeads = node.hasNonNull("num_key_value_heads") ? positiveInt("num_key_value_heads") : heads;
        int headDim;
        if (node.hasNonNull("head_dim")) {
            headDim = positiveInt("head_dim");
        } else {
            if (hidden % heads != 0) {
                throw new UnsupportedModelException(source + ": " + prefix + "hidden_size " + hidden
                        + " is not a multiple of num_attention_heads " + heads + " and head_dim is absent");
            }
            headDim = hidden / heads;
        }
        if (heads % kvHeads != 0) {
            throw new UnsupportedModelException(source + ": " + prefix + "num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new UnsupportedModelException(source + ": " + prefix + "head_dim " + headDim
                    + " is odd; rotary needs pairs");
        }
        int layers = positiveInt("num_hidden_layers");
        int maxPositions = node.hasNonNull("max_position_embeddings") ? positiveInt("max_position_embeddings")
                : DEFAULT_MAX_POSITIONS;
        double eps = optionalDouble(node, prefix + "rms_norm_eps", "rms_norm_eps", 1e-6);
        if (!(eps > 0 && eps < 1)) {
            throw new UnsupportedModelException(source + ": " + prefix + "rms_norm_eps = " + eps
                    + " is out of range: it must be a small positive number (e.g. 1e-5 or 1e-6)");
        }
        if ((float) eps == 0f) {
            throw new UnsupportedModelException(source + ": " + prefix + "rms_norm_eps = " + eps
                    + " rounds to 0 in float32; it must be a small positive number (e.g. 1e-5 or 1e-6)");
        }

        // transformers: rotary_dim = int(head_dim * partial_rotary_factor)
        int rotaryDim = (int) (headDim * partialRotary);
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) {
            throw new UnsupportedModelException(source + ": " + prefix + "partial_rotary_factor = " + partialRotary
                    + " gives " + rotaryDim + " rotary values of a " + headDim + "-value head; rotary needs an "
                    + "even, positive number");
        }
        RopeReader rope = new RopeReader(source, node, prefix, rotaryDim, maxPositions, partialRotary);
        Map<LayerType, RopeParameters> byLayerType = new EnumMap<>(LayerType.class);
        RopeParameters mainRope = rope.read(byLayerType);
        if (gemma) {
            localRope(byLayerType, mainRope);
        }
        AttentionLayout attention = attentionLayout(architecture, layers);

        return new ModelConfig(
                architecture,
                hidden,
                positiveInt("intermediate_size"),
                layers,
                heads,
                kvHeads,
                headDim,
                rotaryDim,
                positiveInt("vocab_size"),
                maxPositions,
                (float) eps,
                mainRope,
                byLayerType,
                attention.types(),
                attention.window(),
                tiedEmbeddings(gemma),
                architecture == Architecture.QWEN2,
                architecture == Architecture.QWEN3 || gemma,
                gemma ? gemmaFields.queryPreAttnScalar() : headDim,
                gemmaFields.finalSoftcap(),
                tokenField("bos_token_id") != null ? nonNegativeInt(tokenHolder("bos_token_id"), "bos_token_id") : -1,
                eosTokenIds(),
                multimodal,
                root.has("dfloat11_config"));
    }

    private record AttentionLayout(List<LayerType> types, int window) {
    }

    /**
     * {@code partial_rotary_factor}: at the top level (both generations), or only inside a flat
     * {@code rope_parameters}; in (0, 1] for Phi-3, 1 for the others (whose attention rotates whole heads).
     */
    private double partialRotaryFactor(Architecture architecture) {
        double factor = optionalDouble(node, prefix + "partial_rotary_factor", "partial_rotary_factor", 1.0);
        JsonNode params = node.get("rope_parameters");
        if (!node.hasNonNull("partial_rotary_factor") && params != null && params.hasNonNull("partial_rotary_factor")
                && params.get("partial_rotary_factor").isNumber()) {
            factor = params.get("partial_rotary_factor").asDouble();
        }
        if (architecture != Architecture.PHI3 && factor != 1.0) {
            throw unsupported("partial_rotary_factor", String.valueOf(factor), "1.0 (partial rotary is Phi-3's)");
        }
        if (!(factor > 0 && factor <= 1)) {
            throw unsupported("partial_rotary_factor", String.valueOf(factor), "a number in (0, 1]");
        }
        return factor;
    }

    /** Gemma 3's own settings; for other families the fields must be absent (or null). */
    private record GemmaFields(double queryPreAttnScalar, double finalSoftcap) {
    }

    /** transformers' Gemma3TextConfig defaults, used when a Gemma 3 config leaves the field out. */
    private static final double GEMMA3_QUERY_PRE_ATTN_SCALAR = 256;
    private static final int GEMMA3_SLIDING_WINDOW_PATTERN = 6;
    private static final double GEMMA3_LOCAL_ROPE_THETA = 10000.0;

    /**
     * The MLP activation: SiLU for the Llama-like families ({@code hidden_act}), GELU with the tanh approximation
     * for Gemma 3 ({@code hidden_activation}, which transformers' Gemma 3 reads; a legacy {@code hidden_act} must
     * agree).
     */
    private void checkActivation(boolean gemma) {
        if (gemma) {
            for (String field : List.of("hidden_activation", "hidden_act")) {
                String activation = optionalText(field, "gelu_pytorch_tanh");
                if (!activation.equals("gelu_pytorch_tanh")) {
                    throw unsupported(field, "'" + activation + "'", "gelu_pytorch_tanh for gemma3_text");
                }
            }
            return;
        }
        String activation = optionalText("hidden_act", "silu");
        if (!activation.equals("silu")) {
            throw unsupported("hidden_act", "'" + activation + "'", "silu");
        }
        refuseForFamily("hidden_activation");
    }

    private GemmaFields gemmaFields(boolean gemma) {
        if (!gemma) {
            for (String field : List.of("query_pre_attn_scalar", "attn_logit_softcapping", "final_logit_softcapping",
                    "sliding_window_pattern", "rope_local_base_freq")) {
                refuseForFamily(field);
            }
            if (optionalBoolean("use_bidirectional_attention", false)) {
                throw unsupported("use_bidirectional_attention", "true", "false");
            }
            return new GemmaFields(0, 0);
        }
        if (optionalBoolean("use_bidirectional_attention", false)) {
            throw unsupported("use_bidirectional_attention", "true", "false (bidirectional attention is for "
                    + "embedding models, not generation)");
        }
        double scalar = optionalDouble(node, prefix + "query_pre_attn_scalar", "query_pre_attn_scalar",
                GEMMA3_QUERY_PRE_ATTN_SCALAR);
        if (!(scalar > 0)) {
            throw new UnsupportedModelException(source + ": " + prefix + "query_pre_attn_scalar = " + scalar
                    + " must be positive");
        }
        // Checked, not applied: transformers' Gemma 3 attention (5.18, as 4.x) never passes attn_logit_softcapping
        // to its attention function, so a Gemma 3 checkpoint's scores are not capped whatever the field says (the
        // official configs set it to null). The reference models carry a value to hold the runtime to that.
        softcap("attn_logit_softcapping");
        return new GemmaFields(scalar, softcap("final_logit_softcapping"));
    }

    /**
     * Phi-4-mini's config carries fields of its remote modelling code that transformers' Phi-3 never reads; they
     * are accepted where they change nothing there either (no output bias, every layer full attention modulo 1,
     * no rope interpolation) and refused otherwise.
     */
    private void checkPhi4MiniFields() {
        if (optionalBoolean("lm_head_bias", false)) {
            throw unsupported("lm_head_bias", "true", "false");
        }
        for (String field : List.of("full_attn_mod", "interpolate_factor")) {
            double value = optionalDouble(node, prefix + field, field, 1);
            if (value != 1) {
                throw unsupported(field, String.valueOf(value), "1");
            }
        }
    }

    /** A soft-capping value: null (none) or a positive number. */
    private double softcap(String field) {
        double cap = optionalDouble(node, prefix + field, field, 0);
        if (node.hasNonNull(field) && !(cap > 0)) {
            throw new UnsupportedModelException(source + ": " + prefix + field + " = " + cap
                    + " must be a positive number or null (no soft-capping)");
        }
        return cap;
    }

    /** A field another family reads: present (non-null) in this one's config, it would be ignored, so refuse. */
    private void refuseForFamily(String field) {
        if (node.hasNonNull(field)) {
            throw new UnsupportedModelException(source + ": " + prefix + field + " = " + node.get(field)
                    + " belongs to gemma3_text, not to model_type " + node.get("model_type") + "; the runtime "
                    + "refuses rather than ignore it");
        }
    }

    /**
     * Gemma 3's sliding layers rotate with their own theta: transformers 5 names it in
     * {@code rope_parameters.sliding_attention}, transformers 4 in {@code rope_local_base_freq} (default 10000),
     * plain rope, while {@code rope_theta} / {@code rope_scaling} belong to the global layers. When both are present
     * they must agree.
     */
    private void localRope(Map<LayerType, RopeParameters> byLayerType, RopeParameters global) {
        byLayerType.putIfAbsent(LayerType.FULL_ATTENTION, global);     // both generations give the same config
        boolean hasLocal = node.hasNonNull("rope_local_base_freq");
        double local = optionalDouble(node, prefix + "rope_local_base_freq", "rope_local_base_freq",
                GEMMA3_LOCAL_ROPE_THETA);
        if (!(local > 0) || Double.isInfinite(local)) {
            throw new UnsupportedModelException(source + ": " + prefix + "rope_local_base_freq = " + local
                    + " must be a positive number");
        }
        RopeParameters keyed = byLayerType.get(LayerType.SLIDING_ATTENTION);
        if (keyed == null) {
            byLayerType.put(LayerType.SLIDING_ATTENTION, RopeParameters.plain(local));
        } else if (hasLocal && !keyed.equals(RopeParameters.plain(local))) {
            throw new UnsupportedModelException(source + ": " + prefix + "rope_local_base_freq = " + local
                    + " disagrees with " + prefix + "rope_parameters.sliding_attention");
        }
    }

    /**
     * Which layers slide and by how much: {@code layer_types} when the config has it (transformers 5), else the
     * family's rule (Mistral: every layer when {@code sliding_window} is set; Qwen: layers from
     * {@code max_window_layers} on when {@code use_sliding_window} is true).
     */
    private AttentionLayout attentionLayout(Architecture architecture, int layers) {
        JsonNode windowNode = node.get("sliding_window");
        boolean hasWindow = windowNode != null && !windowNode.isNull();
        if (hasWindow && architecture == Architecture.LLAMA) {
            throw unsupported("sliding_window", windowNode.toString(), "null for llama (Llama models attend to "
                    + "the whole context; a windowed Llama-like model would be model_type mistral)");
        }
        int window = 0;
        if (hasWindow) {
            if (!windowNode.canConvertToInt() || !windowNode.isIntegralNumber() || windowNode.asInt() <= 0) {
                throw new UnsupportedModelException(source + ": " + prefix + "sliding_window = " + windowNode
                        + " is not a positive integer or null");
            }
            window = windowNode.asInt();
        }
        boolean qwen = architecture == Architecture.QWEN2 || architecture == Architecture.QWEN3;
        boolean gemma = architecture == Architecture.GEMMA3;
        boolean useWindow = qwen ? optionalBoolean("use_sliding_window", false) : hasWindow;
        if (qwen && useWindow && !hasWindow) {
            throw new UnsupportedModelException(source + ": " + prefix + "use_sliding_window is true but "
                    + "sliding_window is missing");
        }
        List<LayerType> types = new ArrayList<>();
        JsonNode listed = node.get("layer_types");
        if (listed != null && !listed.isNull()) {
            if (!listed.isArray() || listed.size() != layers) {
                throw new UnsupportedModelException(source + ": " + prefix + "layer_types must list one type for "
                        + "each of the " + layers + " layers (num_hidden_layers), got " + listed);
            }
            for (int i = 0; i < layers; i++) {
                JsonNode entry = listed.get(i);
                LayerType type = entry.isTextual() ? LayerType.fromKey(entry.asText()).orElse(null) : null;
                if (type == null) {
                    throw unsupported("layer_types[" + i + "]", entry.toString(),
                            "full_attention, sliding_attention");
                }
                types.add(type);
            }
        } else if (gemma) {
            // transformers 4: every sliding_window_pattern-th layer is global, the others slide.
            int pattern = node.hasNonNull("sliding_window_pattern") ? positiveInt("sliding_window_pattern")
                    : GEMMA3_SLIDING_WINDOW_PATTERN;
            for (int i = 0; i < layers; i++) {
                types.add((i + 1) % pattern != 0 ? LayerType.SLIDING_ATTENTION : LayerType.FULL_ATTENTION);
            }
        } else {
            int firstSliding = layers;
            if (useWindow) {
                firstSliding = qwen ? nonNegativeInt(node, "max_window_layers") : 0;
            }
            for (int i = 0; i < layers; i++) {
                types.add(i >= firstSliding ? LayerType.SLIDING_ATTENTION : LayerType.FULL_ATTENTION);
            }
        }
        if (!types.contains(LayerType.SLIDING_ATTENTION)) {
            return new AttentionLayout(types, 0);
        }
        if (!hasWindow) {
            throw new UnsupportedModelException(source + ": " + prefix + "layer_types has sliding_attention layers "
                    + "but sliding_window is " + (hasWindow ? windowNode : "missing"));
        }
        return new AttentionLayout(types, window);
    }

    /** {@code tie_word_embeddings}, whose transformers default is true for Gemma 3 and false for the others. */
    private boolean tiedEmbeddings(boolean gemma) {
        if (node.hasNonNull("tie_word_embeddings")) {
            return optionalBoolean("tie_word_embeddings", false);
        }
        JsonNode top = root.get("tie_word_embeddings");
        if (top == null || top.isNull()) {
            return gemma;
        }
        if (!top.isBoolean()) {
            throw new UnsupportedModelException(source + ": tie_word_embeddings must be true or false, got " + top);
        }
        return top.asBoolean();
    }

    /** Token ids may sit in text_config or at the top level of a nested config. */
    private JsonNode tokenHolder(String field) {
        return node.hasNonNull(field) ? node : root;
    }

    private JsonNode tokenField(String field) {
        JsonNode value = tokenHolder(field).get(field);
        return value == null || value.isNull() ? null : value;
    }

    private List<Integer> eosTokenIds() {
        JsonNode value = tokenField("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (value == null) {
            return ids;
        }
        if (value.isArray()) {
            for (JsonNode id : value) {
                if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                    throw new UnsupportedModelException(source + ": eos_token_id holds a non-id " + id);
                }
                ids.add(id.asInt());
            }
        } else {
            ids.add(nonNegativeInt(tokenHolder("eos_token_id"), "eos_token_id"));
        }
        return ids;
    }

    /** {@code dtype} (transformers 5) or {@code torch_dtype}: the weights' own dtype is checked when they load. */
    private void checkDtype(JsonNode holder, String path) {
        for (String field : List.of("dtype", "torch_dtype")) {
            JsonNode value = holder.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                throw new UnsupportedModelException(source + ": " + path + field + " must be a dtype name such as "
                        + "\"bfloat16\", got " + value);
            }
        }
    }

    private UnsupportedModelException unsupported(String field, String value, String supported) {
        return new UnsupportedModelException(source + ": " + prefix + field + " = " + value
                + " is not supported (supported: " + supported + ")");
    }

    private void refuseIfPresent(JsonNode holder, String path, String field, String why) {
        if (holder.hasNonNull(field)) {
            throw new UnsupportedModelException(source + ": " + path + field + " present: " + why);
        }
    }

    private String requiredText(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new UnsupportedModelException(source + ": missing text field " + prefix + field);
        }
        return value.asText();
    }

    private String optionalText(String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new UnsupportedModelException(source + ": " + prefix + field + " must be text, got " + value);
        }
        return value.asText();
    }

    /** A number field of {@code holder}, named {@code path} in messages; finite. */
    double optionalDouble(JsonNode holder, String path, String field, double fallback) {
        JsonNode value = holder.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw new UnsupportedModelException(source + ": " + path + " must be a number, got " + value);
        }
        return value.asDouble();
    }

    private boolean optionalBoolean(String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new UnsupportedModelException(source + ": " + prefix + field + " must be true or false, got "
                    + value);
        }
        return value.asBoolean();
    }

    private int positiveInt(String field) {
        int value = nonNegativeInt(node, field);
        if (value == 0) {
            throw new UnsupportedModelException(source + ": " + prefix + field + " must be positive, got 0");
        }
        return value;
    }

    private int nonNegativeInt(JsonNode holder, String field) {
        String path = (holder == node ? prefix : "") + field;
        JsonNode value = holder.get(field);
        if (value == null || value.isNull()) {
            throw new UnsupportedModelException(source + ": missing integer field " + path);
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
            throw new UnsupportedModelException(source + ": " + path + " must be a non-negative int, got " + value);
        }
        return value.asInt();
    }

    /** Every field name of an object, for messages and checks. */
    static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
