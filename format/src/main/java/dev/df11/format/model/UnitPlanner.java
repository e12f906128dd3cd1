package dev.df11.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which matrices of a BF16 folder form DF11 units.
 *
 * <p>Automatic (Llama, Mistral, Qwen2/3, Gemma 3 and other Llama-family names): every {@code model.layers.N} with
 * {@code self_attn.q_proj, k_proj, v_proj, o_proj, mlp.gate_proj, up_proj, down_proj} (in that order) is a unit
 * (Phi-3: {@code self_attn.qkv_proj, o_proj, mlp.gate_up_proj, down_proj}), and
 * {@code model.embed_tokens} and {@code lm_head} are single-matrix units when present (lm_head only when the
 * embeddings are not tied). Explicit: a pattern_dict; a unit is every module name that fully matches a pattern and
 * has all of the listed {@code <attr>.weight} tensors (or {@code .weight} itself for an empty list).
 */
public final class UnitPlanner {

    /** Matrices of a Phi-3 decoder layer (q/k/v and gate/up fused), in module order. */
    public static final List<String> FUSED_LAYER_ATTRS = List.of("self_attn.qkv_proj", "self_attn.o_proj",
            "mlp.gate_up_proj", "mlp.down_proj");

    /** Matrices of a Llama-family decoder layer, in the official stream order. */
    public static final List<String> LLAMA_LAYER_ATTRS = List.of("self_attn.q_proj", "self_attn.k_proj",
            "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    /**
     * Where the decoder's modules live: plain causal LMs ({@code model.*}, {@code lm_head}), and the language model
     * of a multimodal checkpoint such as Gemma 3's ({@code language_model.model.*} and
     * {@code language_model.lm_head} as the official checkpoints and transformers 5 write it, or
     * {@code model.language_model.*} and {@code lm_head} as transformers 4.52+ did). Tensors outside the prefix (a
     * vision tower) stay plain.
     */
    private record Prefix(String model, String lmHead) {
    }

    private static final List<Prefix> PREFIXES = List.of(new Prefix("model.", "lm_head"),
            new Prefix("language_model.model.", "language_model.lm_head"),
            new Prefix("model.language_model.", "lm_head"));

    private UnitPlanner() { }

    /** Units of a Llama-family model (or of the language model of a multimodal one). */
    public static CompressionPlan auto(SafetensorsDirectory dir, JsonNode config) throws Df11ModelException {
        Prefix prefix = PREFIXES.get(0);
        for (Prefix candidate : PREFIXES) {
            if (dir.contains(candidate.model() + "embed_tokens.weight")) {
                prefix = candidate;
                break;
            }
        }
        String modelRegex = Pattern.quote(prefix.model());
        Pattern layerQ = Pattern.compile("(" + modelRegex + "layers\\.\\d+)\\.self_attn\\.(q|qkv)_proj\\.weight");
        List<UnitPlan> units = new ArrayList<>();
        Map<String, List<String>> dict = new LinkedHashMap<>();
        TreeSet<String> layers = new TreeSet<>(NaturalOrder.INSTANCE);
        for (String name : dir.tensorNames()) {
            Matcher m = layerQ.matcher(name);
            if (m.matches()) {
                layers.add(m.group(1));
            }
        }
        // Phi-3 fuses q/k/v and gate/up: its layers hold qkv_proj where the others hold q_proj.
        boolean fused = !layers.isEmpty() && dir.contains(layers.first() + ".self_attn.qkv_proj.weight");
        List<String> attrs = fused ? FUSED_LAYER_ATTRS : LLAMA_LAYER_ATTRS;
        for (String layer : layers) {
            units.add(unitWithAttrs(dir, layer, attrs, true));
        }
        if (!layers.isEmpty()) {
            dict.put(dotted(prefix.model()) + "layers\\.\\d+", attrs);
        }
        if (dir.contains(prefix.model() + "embed_tokens.weight")) {
            units.add(single(dir, prefix.model() + "embed_tokens"));
            dict.put(dotted(prefix.model()) + "embed_tokens", List.of());
        }
        JsonNode text = config.get("text_config");
        JsonNode tie = text != null && text.hasNonNull("tie_word_embeddings") ? text.get("tie_word_embeddings")
                : config.get("tie_word_embeddings");
        boolean tied = tie != null && tie.asBoolean(false);
        if (dir.contains(prefix.lmHead() + ".weight") && !tied) {
            units.add(single(dir, prefix.lmHead()));
            dict.put(dotted(prefix.lmHead()), List.of());
        }
        units.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.unit(), b.unit()));
        if (units.isEmpty()) {
            throw new Df11ModelException(dir.dir(), "found no Llama-family weights (model.layers.N.self_attn.q_proj,"
                    + " model.embed_tokens, lm_head); give the units explicitly with --pattern");
        }
        return new CompressionPlan(dict, units);
    }

    /** Units matching an explicit pattern_dict. */
    public static CompressionPlan fromPatterns(SafetensorsDirectory dir, Map<String, List<String>> patternDict)
            throws Df11ModelException {
        TreeSet<String> modules = new TreeSet<>(NaturalOrder.INSTANCE);
        for (String name : dir.tensorNames()) {
            int dot = name.indexOf('.');
            while (dot > 0) {
                modules.add(name.substring(0, dot));
                dot = name.indexOf('.', dot + 1);
            }
        }
        List<UnitPlan> units = new ArrayList<>();
        Map<String, String> claimedBy = new HashMap<>();
        for (Map.Entry<String, List<String>> e : patternDict.entrySet()) {
            UnitPattern p = UnitPattern.compile(e.getKey(), dir.dir());
            for (String module : modules) {
                if (!p.matches(module) || claimedBy.containsKey(module + "#unit")) {
                    continue;
                }
                UnitPlan unit = e.getValue().isEmpty()
                        ? (dir.contains(module + ".weight") ? single(dir, module) : null)
                        : unitWithAttrs(dir, module, e.getValue(), false);
                if (unit == null) {
                    continue;
                }
                claimedBy.put(module + "#unit", e.getKey());
                for (String w : unit.weightNames()) {
                    String previous = claimedBy.put(w, module);
                    if (previous != null) {
                        throw new Df11ModelException(dir.fileOf(w), "tensor '" + w + "' would belong to both unit '"
                                + previous + "' and unit '" + module + "'");
                    }
                }
                units.add(unit);
            }
        }
        if (units.isEmpty()) {
            throw new Df11ModelException(dir.dir(), "the pattern " + patternDict.keySet() + " matches no unit: each"
                    + " regex must match a whole module name (as Python's re.fullmatch does), such as"
                    + " model\\.layers\\.\\d+ for model.layers.0, model.layers.1, ...; fix the pattern, or leave it out"
                    + " to detect Llama-family units");
        }
        units.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.unit(), b.unit()));
        return new CompressionPlan(patternDict, units);
    }

    /** A module name as the official pattern_dict writes it: dots escaped. */
    private static String dotted(String name) {
        return name.replace(".", "\\.");
    }

    private static UnitPlan single(SafetensorsDirectory dir, String module) throws Df11ModelException {
        String weight = module + ".weight";
        requireBf16(dir, weight);
        return new UnitPlan(module, List.of(), List.of(weight));
    }

    /** The unit, or null when none of the attributes exist and {@code required} is false. */
    private static UnitPlan unitWithAttrs(SafetensorsDirectory dir, String module, List<String> attrs,
            boolean required) throws Df11ModelException {
        List<String> weights = Df11Config.matrixNames(module, attrs);
        List<String> missing = weights.stream().filter(w -> !dir.contains(w)).toList();
        if (missing.size() == weights.size() && !required) {
            return null;
        }
        if (!missing.isEmpty()) {
            throw new Df11ModelException(dir.dir(), "unit '" + module + "' lacks " + missing
                    + (required ? "; not a Llama-family layer? give the units explicitly with --pattern" : ""));
        }
        for (String w : weights) {
            requireBf16(dir, w);
        }
        return new UnitPlan(module, attrs, weights);
    }

    private static void requireBf16(SafetensorsDirectory dir, String weight) throws Df11ModelException {
        DType t = dir.tensor(weight).dtype();
        if (t != DType.BF16) {
            throw new Df11ModelException(dir.fileOf(weight), "tensor '" + weight + "' is " + t
                    + "; DF11 compresses BF16 weights only");
        }
    }
}
