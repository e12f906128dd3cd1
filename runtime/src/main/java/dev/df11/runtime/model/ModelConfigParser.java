package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig}, refusing (with the file and the field named)
 * anything the runtime would otherwise compute wrongly: other architectures, activations, rotary variants,
 * biases it does not apply, quantized checkpoints.
 */
public final class ModelConfigParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final JsonNode root;

    private ModelConfigParser(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    /** Parses {@code <modelDir>/config.json}. */
    public static ModelConfig read(Path modelDir) throws IOException {
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
        String modelType = requiredText("model_type");
        Architecture architecture = Architecture.fromModelType(modelType).orElseThrow(() -> unsupported(
                "model_type", "'" + modelType + "'", "llama, mistral, qwen2 or qwen3"));

        refuseIfPresent("quantization_config", "quantized checkpoints are not supported");
        String activation = optionalText("hidden_act", "silu");
        if (!activation.equals("silu")) {
            throw unsupported("hidden_act", "'" + activation + "'", "silu");
        }
        double partialRotary = optionalDouble("partial_rotary_factor", 1.0);
        if (partialRotary != 1.0) {
            throw unsupported("partial_rotary_factor", String.valueOf(partialRotary), "1.0");
        }
        if (optionalBoolean("mlp_bias", false)) {
            throw unsupported("mlp_bias", "true", "false");
        }
        // Qwen2 always has q/k/v biases (no config switch); others would need o_proj bias too when attention_bias is on.
        if (optionalBoolean("attention_bias", false)) {
            throw unsupported("attention_bias", "true", "false (biases on all four attention projections "
                    + "are not implemented)");
        }

        int hidden = positiveInt("hidden_size");
        int heads = positiveInt("num_attention_heads");
        int kvHeads = root.hasNonNull("num_key_value_heads") ? positiveInt("num_key_value_heads") : heads;
        int headDim;
        if (root.hasNonNull("head_dim")) {
            headDim = positiveInt("head_dim");
        } else {
            if (hidden % heads != 0) {
                throw new UnsupportedModelException(source + ": hidden_size " + hidden
                        + " is not a multiple of num_attention_heads " + heads + " and head_dim is absent");
            }
            headDim = hidden / heads;
        }
        if (heads % kvHeads != 0) {
            throw new UnsupportedModelException(source + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new UnsupportedModelException(source + ": head_dim " + headDim + " is odd; rotary needs pairs");
        }

        return new ModelConfig(
                architecture,
                hidden,
                positiveInt("intermediate_size"),
                positiveInt("num_hidden_layers"),
                heads,
                kvHeads,
                headDim,
                positiveInt("vocab_size"),
                root.hasNonNull("max_position_embeddings") ? positiveInt("max_position_embeddings") : 2048,
                (float) optionalDouble("rms_norm_eps", 1e-6),
                optionalDouble("rope_theta", 10000.0),
                ropeScaling(),
                optionalBoolean("tie_word_embeddings", false),
                architecture == Architecture.QWEN2,
                architecture == Architecture.QWEN3,
                slidingWindow(architecture),
                root.hasNonNull("bos_token_id") ? nonNegativeInt("bos_token_id") : -1,
                eosTokenIds(),
                root.has("dfloat11_config"));
    }

    private RopeScaling ropeScaling() {
        JsonNode node = root.get("rope_scaling");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new UnsupportedModelException(source + ": rope_scaling must be an object or null");
        }
        String typeField = node.has("rope_type") ? "rope_type" : "type";
        String type = node.path(typeField).asText("");
        switch (type) {
            case "default" -> {
                return null;
            }
            case "llama3" -> {
                try {
                    return new RopeScaling(
                            scalingNumber(node, "factor"),
                            scalingNumber(node, "low_freq_factor"),
                            scalingNumber(node, "high_freq_factor"),
                            (int) scalingNumber(node, "original_max_position_embeddings"));
                } catch (IllegalArgumentException e) {
                    throw new UnsupportedModelException(source + ": " + e.getMessage(), e);
                }
            }
            default -> throw unsupported("rope_scaling." + typeField, "'" + type + "'", "llama3, default or null");
        }
    }

    private double scalingNumber(JsonNode scaling, String field) {
        JsonNode value = scaling.get(field);
        if (value == null || !value.isNumber()) {
            throw new UnsupportedModelException(source + ": rope_scaling." + field
                    + " must be a number for rope_type llama3");
        }
        return value.asDouble();
    }

    /** The window that would actually slide, or 0. */
    private int slidingWindow(Architecture architecture) {
        JsonNode window = root.get("sliding_window");
        if (window == null || window.isNull()) {
            return 0;
        }
        boolean inUse = switch (architecture) {
            // Qwen configs carry a window but switch it off with use_sliding_window.
            case QWEN2, QWEN3 -> optionalBoolean("use_sliding_window", false);
            default -> true;
        };
        if (!inUse) {
            return 0;
        }
        if (!window.canConvertToInt() || window.asInt() <= 0) {
            throw new UnsupportedModelException(source + ": sliding_window must be a positive integer or null");
        }
        return window.asInt();
    }

    private List<Integer> eosTokenIds() {
        JsonNode node = root.get("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isArray()) {
            for (JsonNode id : node) {
                if (!id.canConvertToInt() || id.asInt() < 0) {
                    throw new UnsupportedModelException(source + ": eos_token_id holds a non-id " + id);
                }
                ids.add(id.asInt());
            }
        } else {
            ids.add(nonNegativeInt("eos_token_id"));
        }
        return ids;
    }

    private UnsupportedModelException unsupported(String field, String value, String supported) {
        return new UnsupportedModelException(source + ": " + field + " = " + value
                + " is not supported (supported: " + supported + ")");
    }

    private void refuseIfPresent(String field, String why) {
        if (root.hasNonNull(field)) {
            throw new UnsupportedModelException(source + ": " + field + " present: " + why);
        }
    }

    private String requiredText(String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new UnsupportedModelException(source + ": missing text field " + field);
        }
        return node.asText();
    }

    private String optionalText(String field, String fallback) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? fallback : node.asText();
    }

    private double optionalDouble(String field, double fallback) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw new UnsupportedModelException(source + ": " + field + " must be a number, got " + node);
        }
        return node.asDouble();
    }

    private boolean optionalBoolean(String field, boolean fallback) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new UnsupportedModelException(source + ": " + field + " must be true or false, got " + node);
        }
        return node.asBoolean();
    }

    private int positiveInt(String field) {
        int value = nonNegativeInt(field);
        if (value == 0) {
            throw new UnsupportedModelException(source + ": " + field + " must be positive, got 0");
        }
        return value;
    }

    private int nonNegativeInt(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new UnsupportedModelException(source + ": missing integer field " + field);
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
            throw new UnsupportedModelException(source + ": " + field + " must be a non-negative int, got " + node);
        }
        return node.asInt();
    }
}
