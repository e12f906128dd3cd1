package dev.df11.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsFile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Shapes of compressed matrices, which the six stored arrays of a unit do not record.
 *
 * <p>Our writer stores them in each safetensors file's {@code __metadata__} under {@link #METADATA_KEY}, as a JSON
 * object from weight name to dimensions ({@code {"model.layers.0.self_attn.q_proj.weight": [288, 288]}}) for the
 * units of that file. Official DFloat11 folders do not; for them the shapes of Llama-family matrices are derived
 * from config.json (hidden_size, intermediate_size, num_attention_heads, num_key_value_heads, head_dim, vocab_size).
 */
public final class MatrixShapes {

    /** {@code __metadata__} key holding the shapes. */
    public static final String METADATA_KEY = "df11.matrix_shapes";

    private static final ObjectMapper JSON = new ObjectMapper();

    private MatrixShapes() { }

    /** Encodes shapes for {@link #METADATA_KEY}. */
    public static String toMetadata(Map<String, long[]> shapes) {
        ObjectNode node = JSON.createObjectNode();
        shapes.forEach((name, shape) -> {
            var array = node.putArray(name);
            for (long d : shape) {
                array.add(d);
            }
        });
        return node.toString();
    }

    /** All shapes recorded in the folder's files. */
    public static Map<String, long[]> fromMetadata(SafetensorsDirectory dir) throws Df11ModelException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (SafetensorsFile f : dir.files()) {
            String value = f.metadata().get(METADATA_KEY);
            if (value == null) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new Df11ModelException(f.path(), METADATA_KEY + " is not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new Df11ModelException(f.path(), METADATA_KEY + " is not a JSON object");
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                shapes.put(e.getKey(), dims(f, e.getKey(), e.getValue()));
            }
        }
        return shapes;
    }

    private static long[] dims(SafetensorsFile f, String name, JsonNode array) throws Df11ModelException {
        if (!array.isArray() || array.isEmpty()) {
            throw new Df11ModelException(f.path(), METADATA_KEY + ": shape of '" + name + "' is not a list of sizes");
        }
        long[] shape = new long[array.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = array.get(i);
            if (!d.canConvertToExactIntegral() || !d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new Df11ModelException(f.path(), METADATA_KEY + ": shape of '" + name + "' has a bad size " + d);
            }
            shape[i] = d.longValue();
        }
        return shape;
    }

    /**
     * The shape of a Llama-family matrix from config.json.
     *
     * @param unit unit name, e.g. {@code model.layers.3} or {@code lm_head}
     * @param attr attribute within the unit ({@code self_attn.q_proj}), or null for a single-matrix unit
     * @return the shape, or empty when the name is not a known Llama-family matrix or the config lacks a size
     */
    public static Optional<long[]> derive(JsonNode config, String unit, String attr) {
        JsonNode c = config.has("hidden_size") || !config.has("text_config") ? config : config.get("text_config");
        long hidden = size(c, "hidden_size");
        long heads = size(c, "num_attention_heads");
        long kvHeads = c.has("num_key_value_heads") ? size(c, "num_key_value_heads") : heads;
        long headDim = c.has("head_dim") && !c.get("head_dim").isNull() ? size(c, "head_dim")
                : hidden > 0 && heads > 0 ? hidden / heads : -1;
        long inter = size(c, "intermediate_size");
        long vocab = size(c, "vocab_size");
        String leaf = attr == null ? unit : attr;
        long[] shape;
        if (leaf.endsWith("q_proj")) {
            shape = new long[] {heads * headDim, hidden};
        } else if (leaf.endsWith("k_proj") || leaf.endsWith("v_proj")) {
            shape = new long[] {kvHeads * headDim, hidden};
        } else if (leaf.endsWith("o_proj")) {
            shape = new long[] {hidden, heads * headDim};
        } else if (leaf.endsWith("gate_proj") || leaf.endsWith("up_proj")) {
            shape = new long[] {inter, hidden};
        } else if (leaf.endsWith("down_proj")) {
            shape = new long[] {hidden, inter};
        } else if (leaf.endsWith("embed_tokens") || leaf.endsWith("lm_head")) {
            shape = new long[] {vocab, hidden};
        } else {
            return Optional.empty();
        }
        for (long d : shape) {
            if (d <= 0) {
                return Optional.empty();
            }
        }
        return Optional.of(shape);
    }

    private static long size(JsonNode c, String key) {
        JsonNode v = c == null ? null : c.get(key);
        return v != null && v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : -1;
    }
}
