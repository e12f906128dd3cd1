package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the rotary settings of a config in either generation: legacy {@code rope_theta} + {@code rope_scaling}
 * (whose type is in {@code rope_type} or the older {@code type}), or transformers 5's {@code rope_parameters}, flat
 * or keyed by layer type. Every key of a rope block must belong to its type, every number must be in range, and
 * transformers' defaults for the optional ones (yarn's factor, betas and attention factor; longrope's factor and
 * attention factor) are resolved here, as {@code ROPE_INIT_FUNCTIONS} resolves them.
 */
final class RopeReader {

    static final List<String> TYPES = List.of("default", "linear", "dynamic", "llama3", "yarn", "longrope");

    private static final Set<String> COMMON = Set.of("rope_type", "type", "rope_theta", "partial_rotary_factor");
    private static final Map<String, Set<String>> KEYS = Map.of(
            "default", Set.of(),
            "linear", Set.of("factor"),
            "dynamic", Set.of("factor", "original_max_position_embeddings"),
            "llama3", Set.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"),
            "yarn", Set.of("factor", "original_max_position_embeddings", "attention_factor", "beta_fast",
                    "beta_slow", "mscale", "mscale_all_dim", "truncate"),
            "longrope", Set.of("factor", "original_max_position_embeddings", "attention_factor", "short_factor",
                    "long_factor"));

    private final String source;
    private final JsonNode node;
    private final String prefix;
    private final int headDim;
    private final int maxPositions;

    private final double partialFactor;

    /**
     * @param headDim       the values of a head that rotate (the rotary dimension)
     * @param partialFactor the config's {@code partial_rotary_factor}, which every rope block that names one must
     *                      repeat
     */
    RopeReader(String source, JsonNode node, String prefix, int headDim, int maxPositions, double partialFactor) {
        this.partialFactor = partialFactor;
        this.source = source;
        this.node = node;
        this.prefix = prefix;
        this.headDim = headDim;
        this.maxPositions = maxPositions;
    }

    /**
     * The rotary parameters of the full-attention layers; per-layer-type entries of a keyed {@code rope_parameters}
     * go into {@code byLayerType}.
     */
    RopeParameters read(Map<LayerType, RopeParameters> byLayerType) {
        JsonNode legacyTheta = present(node.get("rope_theta"));
        double topTheta = legacyTheta == null ? 10000.0 : theta(legacyTheta, prefix + "rope_theta");
        JsonNode legacyScaling = present(node.get("rope_scaling"));
        RopeParameters legacy = legacyScaling == null ? RopeParameters.plain(topTheta)
                : block(legacyScaling, prefix + "rope_scaling", topTheta);
        JsonNode params = present(node.get("rope_parameters"));
        if (params == null) {
            return legacy;
        }
        String path = prefix + "rope_parameters";
        if (!params.isObject()) {
            throw new UnsupportedModelException(source + ": " + path + " must be an object, got " + params);
        }
        RopeParameters main;
        List<RopeParameters> all = new ArrayList<>();
        if (isFlat(params)) {
            main = block(params, path, topTheta);
            all.add(main);
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                LayerType type = LayerType.fromKey(entry.getKey()).orElseThrow(() -> new UnsupportedModelException(
                        source + ": " + path + "." + entry.getKey() + " is neither a rope parameter nor a layer "
                                + "type (full_attention, sliding_attention)"));
                RopeParameters parsed = block(entry.getValue(), path + "." + entry.getKey(), topTheta);
                byLayerType.put(type, parsed);
                all.add(parsed);
            }
            if (byLayerType.isEmpty()) {
                throw new UnsupportedModelException(source + ": " + path + " is empty");
            }
            main = byLayerType.getOrDefault(LayerType.FULL_ATTENTION, all.get(0));
        }
        // A config carrying both generations must say the same thing in both.
        for (RopeParameters parsed : all) {
            if (legacyTheta != null && parsed.theta() != topTheta) {
                throw new UnsupportedModelException(source + ": " + prefix + "rope_theta = " + topTheta
                        + " disagrees with " + path + " (rope_theta " + parsed.theta() + ")");
            }
            if (legacyScaling != null && !parsed.equals(legacy)) {
                throw new UnsupportedModelException(source + ": " + prefix + "rope_scaling = " + legacyScaling
                        + " disagrees with " + path + " = " + params);
            }
        }
        return main;
    }

    private static JsonNode present(JsonNode value) {
        return value == null || value.isNull() ? null : value;
    }

    /** A flat block holds rope keys; a per-layer-type one holds only objects. */
    private static boolean isFlat(JsonNode params) {
        for (Iterator<JsonNode> it = params.elements(); it.hasNext(); ) {
            if (!it.next().isObject()) {
                return true;
            }
        }
        return params.has("rope_type") || params.has("type") || params.has("rope_theta");
    }

    private RopeParameters block(JsonNode block, String path, double fallbackTheta) {
        if (!block.isObject()) {
            throw new UnsupportedModelException(source + ": " + path + " must be an object or null, got " + block);
        }
        String typeField = block.has("rope_type") ? "rope_type" : "type";
        JsonNode typeNode = present(block.get(typeField));
        if (typeNode != null && !typeNode.isTextual()) {
            throw new UnsupportedModelException(source + ": " + path + "." + typeField + " must be text, got "
                    + typeNode);
        }
        String type = typeNode == null ? "default" : typeNode.asText();
        JsonNode other = present(block.get("type"));
        if (typeField.equals("rope_type") && other != null && !other.asText().equals(type)) {
            throw new UnsupportedModelException(source + ": " + path + ".rope_type = '" + type + "' and "
                    + path + ".type = '" + other.asText() + "' disagree");
        }
        if (!KEYS.containsKey(type)) {
            throw new UnsupportedModelException(source + ": " + path + "." + typeField + " = '" + type
                    + "' is not supported (supported: " + String.join(", ", TYPES) + ")");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = block.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!COMMON.contains(field.getKey()) && !KEYS.get(type).contains(field.getKey())) {
                throw new UnsupportedModelException(source + ": " + path + "." + field.getKey() + " = "
                        + field.getValue() + " is not a parameter of rope_type " + type + " that df11 understands "
                        + "(understood: " + String.join(", ", new java.util.TreeSet<>(KEYS.get(type))) + ")");
            }
        }
        JsonNode partial = present(block.get("partial_rotary_factor"));
        if (partial != null && (!partial.isNumber() || partial.asDouble() != partialFactor)) {
            throw new UnsupportedModelException(source + ": " + path + ".partial_rotary_factor = " + partial
                    + " is not supported (supported: " + partialFactor + (partialFactor == 1.0 ? ""
                    : ", the top-level partial_rotary_factor") + ")");
        }
        JsonNode thetaNode = present(block.get("rope_theta"));
        double theta = thetaNode == null ? fallbackTheta : theta(thetaNode, path + ".rope_theta");
        RotaryScaling scaling = switch (type) {
            case "default" -> null;
            case "linear" -> new LinearScaling(positive(block, path, "factor"));
            case "dynamic" -> new DynamicScaling(positive(block, path, "factor"),
                    block.hasNonNull("original_max_position_embeddings")
                            ? positiveInt(block, path, "original_max_position_embeddings") : maxPositions);
            case "llama3" -> llama3(block, path);
            case "yarn" -> yarn(block, path);
            case "longrope" -> longRope(block, path);
            default -> throw new IllegalStateException(type);
        };
        return new RopeParameters(theta, scaling);
    }

    private RopeScaling llama3(JsonNode block, String path) {
        double low = positive(block, path, "low_freq_factor");
        double high = positive(block, path, "high_freq_factor");
        if (!(high > low)) {
            throw new UnsupportedModelException(source + ": " + path + ".high_freq_factor = " + high
                    + " must be larger than low_freq_factor = " + low);
        }
        return new RopeScaling(positive(block, path, "factor"), low, high,
                positiveInt(block, path, "original_max_position_embeddings"));
    }

    private YarnScaling yarn(JsonNode block, String path) {
        int original = originalMaxPositions(block, path, false);
        double factor = block.hasNonNull("factor") ? positive(block, path, "factor")
                : (double) maxPositions / original;
        double attention;
        if (block.hasNonNull("attention_factor")) {
            attention = positive(block, path, "attention_factor");
        } else {
            double mscale = block.hasNonNull("mscale") ? number(block, path, "mscale") : 0;
            double mscaleAllDim = block.hasNonNull("mscale_all_dim") ? number(block, path, "mscale_all_dim") : 0;
            // Python's `if mscale and mscale_all_dim`: both present and non-zero.
            attention = mscale != 0 && mscaleAllDim != 0
                    ? YarnScaling.mscale(factor, mscale) / YarnScaling.mscale(factor, mscaleAllDim)
                    : YarnScaling.mscale(factor, 1);
        }
        double betaFast = block.hasNonNull("beta_fast") ? positive(block, path, "beta_fast") : 32;
        double betaSlow = block.hasNonNull("beta_slow") ? positive(block, path, "beta_slow") : 1;
        boolean truncate = true;
        JsonNode truncateNode = present(block.get("truncate"));
        if (truncateNode != null) {
            if (!truncateNode.isBoolean()) {
                throw new UnsupportedModelException(source + ": " + path + ".truncate must be true or false, got "
                        + truncateNode);
            }
            truncate = truncateNode.asBoolean();
        }
        return new YarnScaling(factor, original, attention, betaFast, betaSlow, truncate);
    }

    private LongRopeScaling longRope(JsonNode block, String path) {
        int original = originalMaxPositions(block, path, true);
        double factor = block.hasNonNull("factor") ? positive(block, path, "factor")
                : (double) maxPositions / original;
        double attention = block.hasNonNull("attention_factor") ? positive(block, path, "attention_factor")
                : factor <= 1 ? 1.0 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
        return new LongRopeScaling(factors(block, path, "short_factor"), factors(block, path, "long_factor"),
                original, attention);
    }

    /** In the rope block, else at the top level (Phi-3 keeps it there), else (yarn only) max_position_embeddings. */
    private int originalMaxPositions(JsonNode block, String path, boolean required) {
        if (block.hasNonNull("original_max_position_embeddings")) {
            return positiveInt(block, path, "original_max_position_embeddings");
        }
        if (node.hasNonNull("original_max_position_embeddings")) {
            return positiveInt(node, prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1),
                    "original_max_position_embeddings");
        }
        if (required) {
            throw new UnsupportedModelException(source + ": " + path + ".original_max_position_embeddings is "
                    + "missing (rope_type longrope needs it)");
        }
        return maxPositions;
    }

    private List<Double> factors(JsonNode block, String path, String field) {
        JsonNode list = present(block.get(field));
        if (list == null || !list.isArray() || list.size() != headDim / 2) {
            String rotary = partialFactor == 1.0 ? "head_dim"
                    : "the rotary part of head_dim (partial_rotary_factor " + partialFactor + ")";
            throw new UnsupportedModelException(source + ": " + path + "." + field + " must list " + rotary
                    + " / 2 = " + headDim / 2 + " factors, got " + (list == null ? "none" : list.size() + ": " + abbreviate(list)));
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode value = list.get(i);
            if (!value.isNumber() || !(value.asDouble() > 0) || Double.isInfinite(value.asDouble())) {
                throw new UnsupportedModelException(source + ": " + path + "." + field + "[" + i + "] = " + value
                        + " is not a positive number");
            }
            values.add(value.asDouble());
        }
        return values;
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private double theta(JsonNode value, String path) {
        if (!value.isNumber() || !(value.asDouble() > 0) || Double.isInfinite(value.asDouble())) {
            throw new UnsupportedModelException(source + ": " + path + " = " + value + " is out of range: "
                    + "rope_theta must be a positive number (e.g. 10000 or 500000)");
        }
        return value.asDouble();
    }

    private double number(JsonNode block, String path, String field) {
        JsonNode value = block.get(field);
        if (value == null || value.isNull() || !value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw new UnsupportedModelException(source + ": " + path + "." + field + " must be a number, got "
                    + (value == null ? "nothing" : value));
        }
        return value.asDouble();
    }

    private double positive(JsonNode block, String path, String field) {
        double value = number(block, path, field);
        if (!(value > 0)) {
            throw new UnsupportedModelException(source + ": " + path + "." + field + " = " + block.get(field)
                    + " is out of range: it must be positive");
        }
        return value;
    }

    private int positiveInt(JsonNode holder, String path, String field) {
        JsonNode value = holder.get(field);
        String name = path.isEmpty() ? field : path + "." + field;
        if (value == null || value.isNull() || !value.isNumber() || value.asDouble() != Math.rint(value.asDouble())
                || !(value.asDouble() > 0) || value.asDouble() > Integer.MAX_VALUE) {
            throw new UnsupportedModelException(source + ": " + name + " must be a positive integer, got "
                    + (value == null ? "nothing" : value));
        }
        return (int) value.asDouble();
    }
}
