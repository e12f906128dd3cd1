package dev.df11.runtime.weights;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a multimodal checkpoint ({@code Gemma3ForConditionalGeneration}) keeps its language model: the runtime's
 * names ({@code model.layers.0.mlp.up_proj.weight}, {@code lm_head.weight}) under the language-model prefix, in one
 * of the two layouts transformers writes, beside the vision tower and the multimodal projector, which text generation
 * does not read.
 *
 * <ul>
 *   <li>{@code language_model.model.*} and {@code language_model.lm_head.weight}: the official Gemma 3 checkpoints
 *   (and DF11 folders) and what transformers 5 saves;</li>
 *   <li>{@code model.language_model.*} and {@code lm_head.weight}: what transformers 4.52 and later 4.x saved.</li>
 * </ul>
 */
public final class LanguageModelNames {

    private record Layout(String modelPrefix, String outputName, List<String> skippedPrefixes) {
    }

    private static final List<Layout> LAYOUTS = List.of(
            new Layout("language_model.model.", "language_model.lm_head.weight",
                    List.of("vision_tower.", "multi_modal_projector.")),
            new Layout("model.language_model.", "lm_head.weight",
                    List.of("model.vision_tower.", "model.multi_modal_projector.")));

    private final Layout layout;

    private LanguageModelNames(Layout layout) {
        this.layout = layout;
    }

    /** The layout whose embedding {@code storedNames} hold, or empty when they hold neither. */
    public static Optional<LanguageModelNames> detect(Set<String> storedNames) {
        for (Layout layout : LAYOUTS) {
            if (storedNames.contains(layout.modelPrefix() + "embed_tokens.weight")) {
                return Optional.of(new LanguageModelNames(layout));
            }
        }
        return Optional.empty();
    }

    /** Throws naming the folder when the stored names hold no language model in a known layout. */
    public static LanguageModelNames require(Set<String> storedNames, String location) {
        return detect(storedNames).orElseThrow(() -> new WeightFormatException(location + ": config.json describes "
                + "a multimodal gemma3 model, but the weights hold neither language_model.model.embed_tokens.weight "
                + "nor model.language_model.embed_tokens.weight; the language model's tensors were not found"));
    }

    /** The stored name of a runtime name ({@code model.*} or {@code lm_head.weight}). */
    public String stored(String runtimeName) {
        if (runtimeName.equals("lm_head.weight")) {
            return layout.outputName();
        }
        if (runtimeName.startsWith("model.")) {
            return layout.modelPrefix() + runtimeName.substring("model.".length());
        }
        return runtimeName;
    }

    /**
     * The runtime names of the language model's tensors among {@code storedNames}; vision-tower and projector
     * tensors are left out, and any other name is kept as it is, so that the config check refuses it.
     */
    public Set<String> runtimeNames(Set<String> storedNames) {
        Set<String> out = new TreeSet<>();
        for (String name : storedNames) {
            if (name.equals(layout.outputName())) {
                out.add("lm_head.weight");
            } else if (name.startsWith(layout.modelPrefix())) {
                out.add("model." + name.substring(layout.modelPrefix().length()));
            } else if (!skipped(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** How many of {@code storedNames} belong to the vision tower or the projector. */
    public long skippedCount(Set<String> storedNames) {
        return storedNames.stream().filter(this::skipped).count();
    }

    private boolean skipped(String name) {
        return layout.skippedPrefixes().stream().anyMatch(name::startsWith);
    }
}
