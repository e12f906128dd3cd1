package dev.df11.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.codec.Df11Layout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code dfloat11_config} object of a DF11 model's config.json:
 * <pre>{"version": "0.5.0", "threads_per_block": [512], "bytes_per_thread": 8,
 *  "pattern_dict": {"model\\.layers\\.\\d+": ["self_attn.q_proj", ...], "lm_head": []}}</pre>
 * Each pattern is a regular expression that must match a whole unit (module) name ({@link UnitPattern}: Python's
 * {@code re.fullmatch}, in linear time); its list names the matrices of
 * such a unit, in stream order. An empty list means the unit is itself one matrix ({@code <unit>.weight}).
 *
 * @param patternDict unit pattern to matrix attribute names, in file order
 */
public record Df11Config(String version, int threadsPerBlock, int bytesPerThread,
        Map<String, List<String>> patternDict) {

    /** Key of this object in config.json. */
    public static final String KEY = "dfloat11_config";

    /** Layout version written by this implementation: the official DFloat11 layout of that release. */
    public static final String VERSION = "0.5.0";

    /** The {@code version} values of the official DFloat11 releases, whose layouts are all the one read here. */
    public static final List<String> KNOWN_VERSIONS = List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.3.2",
            "0.5.0");

    public Df11Config {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        patternDict.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        patternDict = Collections.unmodifiableMap(copy);
    }

    /** A config in our (= the official) layout with the given patterns. */
    public static Df11Config of(Map<String, List<String>> patternDict) {
        return new Df11Config(VERSION, Df11Layout.THREADS_PER_BLOCK, Df11Layout.BYTES_PER_THREAD, patternDict);
    }

    /**
     * Reads {@code dfloat11_config} from a parsed config.json.
     *
     * @throws Df11ModelException when it is missing or malformed, or uses a layout other than 512 threads x 8 bytes
     */
    public static Df11Config parse(JsonNode config, Path source) throws Df11ModelException {
        JsonNode node = config == null ? null : config.get(KEY);
        if (node == null || !node.isObject()) {
            throw new Df11ModelException(source, "no '" + KEY + "' object: not a DF11 model");
        }
        JsonNode threads = node.get("threads_per_block");
        int threadsPerBlock = threads != null && threads.isArray() && threads.size() == 1 && threads.get(0).isInt()
                ? threads.get(0).intValue() : -1;
        JsonNode bytes = node.get("bytes_per_thread");
        int bytesPerThread = bytes != null && bytes.isInt() ? bytes.intValue() : -1;
        if (threadsPerBlock != Df11Layout.THREADS_PER_BLOCK || bytesPerThread != Df11Layout.BYTES_PER_THREAD) {
            throw new Df11ModelException(source, KEY + " asks for threads_per_block " + threads
                    + " and bytes_per_thread " + bytes + "; only [" + Df11Layout.THREADS_PER_BLOCK + "] and "
                    + Df11Layout.BYTES_PER_THREAD + " are supported");
        }
        JsonNode patterns = node.get("pattern_dict");
        if (patterns == null || !patterns.isObject()) {
            throw new Df11ModelException(source, KEY + " has no pattern_dict object");
        }
        Map<String, List<String>> dict = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : patterns.properties()) {
            dict.put(e.getKey(), attributeList(source, e.getKey(), e.getValue()));
        }
        checkPatterns(source, dict);
        return new Df11Config(version(node, source), threadsPerBlock, bytesPerThread, dict);
    }

    /**
     * The layout version the folder declares. Official DFloat11 releases 0.1.0 to 0.5.0 all write the layout this
     * implementation reads; folders written before the encoder recorded a version carry none. Anything else may be a
     * layout we do not know, and is refused rather than decoded into wrong weights.
     */
    private static String version(JsonNode node, Path source) throws Df11ModelException {
        JsonNode version = node.get("version");
        if (version == null || version.isNull()) {
            return "unknown";
        }
        if (!version.isTextual() || !KNOWN_VERSIONS.contains(version.textValue())) {
            throw new Df11ModelException(source, KEY + ".version " + version + " is not a DFloat11 layout this"
                    + " version of df11 knows (known: " + String.join(", ", KNOWN_VERSIONS) + "); the folder may"
                    + " come from a newer DFloat11 release: upgrade df11, or recompress the model with df11 compress");
        }
        return version.textValue();
    }

    /**
     * Parses a pattern dictionary given as JSON text ({@code {"regex": ["attr", ...]}}), e.g. from the command line.
     */
    public static Map<String, List<String>> parsePatternDict(String json, Path source) throws Df11ModelException {
        JsonNode node;
        try {
            node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Df11ModelException(source, "pattern is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new Df11ModelException(source, "pattern must be a non-empty JSON object {\"regex\": [attrs]}");
        }
        Map<String, List<String>> dict = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            dict.put(e.getKey(), attributeList(source, e.getKey(), e.getValue()));
        }
        checkPatterns(source, dict);
        return dict;
    }

    private static List<String> attributeList(Path source, String pattern, JsonNode list) throws Df11ModelException {
        if (!list.isArray()) {
            throw new Df11ModelException(source, "pattern '" + pattern + "' must map to a list of attribute names");
        }
        List<String> attrs = new ArrayList<>();
        for (JsonNode a : list) {
            if (!a.isTextual() || a.textValue().isEmpty()) {
                throw new Df11ModelException(source, "pattern '" + pattern + "' lists a non-name " + a);
            }
            attrs.add(a.textValue());
        }
        return attrs;
    }

    private static void checkPatterns(Path source, Map<String, List<String>> dict) throws Df11ModelException {
        for (String p : dict.keySet()) {
            UnitPattern.compile(p, source);
        }
    }

    /**
     * The attribute list of the first pattern that matches all of {@code unitName}, if any (see {@link UnitPattern}).
     *
     * @throws IllegalArgumentException when a pattern is not supported (only for configs not made by {@link #parse})
     */
    public Optional<List<String>> attributesFor(String unitName) {
        for (Map.Entry<String, List<String>> e : patternDict.entrySet()) {
            if (UnitPattern.compile(e.getKey()).matches(unitName)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The weight names of a unit's matrices: {@code <unit>.<attr>.weight}, or {@code <unit>.weight} for no attrs. */
    public static List<String> matrixNames(String unit, List<String> attrs) {
        if (attrs.isEmpty()) {
            return List.of(unit + ".weight");
        }
        return attrs.stream().map(a -> unit + "." + a + ".weight").toList();
    }

    /** This config as the JSON object stored in config.json. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("version", version);
        node.putArray("threads_per_block").add(threadsPerBlock);
        node.put("bytes_per_thread", bytesPerThread);
        ObjectNode dict = node.putObject("pattern_dict");
        patternDict.forEach((k, v) -> v.forEach(dict.putArray(k)::add));
        return node;
    }
}
