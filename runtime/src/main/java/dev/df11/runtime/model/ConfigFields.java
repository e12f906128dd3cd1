package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The config fields the parser accepts. A field is either read by the parser (and refused there unless its value
 * is one the runtime computes correctly), or known to leave the forward pass alone (bookkeeping, training and
 * generation defaults). Anything else is refused naming the field and its value: a field the runtime does not
 * understand may change the math (logit soft-capping, embedding multipliers, multimodal rotary, ...), and a
 * silently ignored one would give wrong tokens without a word.
 */
final class ConfigFields {

    /** Fields {@link ModelConfigParser} reads and checks. */
    static final Set<String> READ = Set.of(
            "model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
            "num_key_value_heads", "head_dim", "vocab_size", "max_position_embeddings", "rms_norm_eps",
            "rope_theta", "rope_scaling", "rope_parameters", "original_max_position_embeddings", "hidden_act",
            "attention_bias", "mlp_bias", "use_mrope", "partial_rotary_factor", "tie_word_embeddings", "dtype",
            "torch_dtype", "bos_token_id", "eos_token_id", "sliding_window", "use_sliding_window",
            "max_window_layers", "layer_types", "quantization_config", "dfloat11_config", "text_config",
            // Gemma 3
            "hidden_activation", "query_pre_attn_scalar", "attn_logit_softcapping", "final_logit_softcapping",
            "use_bidirectional_attention", "sliding_window_pattern", "rope_local_base_freq",
            // Phi-4-mini's remote-code fields, accepted at their neutral values only
            "lm_head_bias", "full_attn_mod", "interpolate_factor");

    /**
     * Fields that do not change inference: identification, training-only settings (dropout, initialisation,
     * tensor-parallel split of the same products), and generation defaults that the command line sets itself.
     */
    static final Set<String> NO_EFFECT = Set.of(
            "architectures", "transformers_version", "initializer_range", "use_cache", "attention_dropout",
            "pretraining_tp", "pad_token_id", "sep_token_id", "decoder_start_token_id", "df11_synthetic",
            "output_attentions", "output_hidden_states", "return_dict", "torchscript", "id2label", "label2id",
            "tokenizer_class", "prefix", "task_specific_params", "problem_type", "is_encoder_decoder", "is_decoder",
            "add_cross_attention", "tie_encoder_decoder", "chunk_size_feed_forward", "cross_attention_hidden_size",
            "finetuning_task", "pruned_heads", "auto_map", "max_length", "min_length", "do_sample", "early_stopping",
            "num_beams", "num_beam_groups", "diversity_penalty", "temperature", "top_k", "top_p", "typical_p",
            "repetition_penalty", "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size",
            "bad_words_ids", "num_return_sequences", "output_scores", "return_dict_in_generate",
            "forced_bos_token_id", "forced_eos_token_id", "remove_invalid_values", "exponential_decay_length_penalty",
            "suppress_tokens", "begin_suppress_tokens", "tf_legacy_loss", "use_bfloat16", "embd_pdrop",
            "resid_pdrop", "hidden_dropout", "hidden_dropout_prob", "attention_probs_dropout_prob");

    /**
     * Top-level fields of a multimodal Gemma 3 config ({@code model_type} "gemma3"), which only the vision tower and
     * image tokens use: the runtime reads the language model in {@code text_config} and skips the vision tower.
     */
    static final Set<String> GEMMA3_MULTIMODAL = Set.of("vision_config", "boi_token_index", "eoi_token_index",
            "image_token_index", "mm_tokens_per_image");

    private ConfigFields() {
    }

    /**
     * Throws for the first field of {@code object} that is neither read nor known to have no effect. Fields starting
     * with "_" ({@code _name_or_path}, {@code _attn_implementation}) are transformers' bookkeeping.
     */
    static void checkKnown(JsonNode object, String prefix, String source) {
        checkKnown(object, prefix, source, Set.of());
    }

    /** As {@link #checkKnown(JsonNode, String, String)}, also accepting {@code alsoKnown}. */
    static void checkKnown(JsonNode object, String prefix, String source, Set<String> alsoKnown) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (name.startsWith("_") || READ.contains(name) || NO_EFFECT.contains(name) || alsoKnown.contains(name)) {
                continue;
            }
            String value = field.getValue().toString();
            if (value.length() > 80) {
                value = value.substring(0, 77) + "...";
            }
            throw new UnsupportedModelException(source + ": " + prefix + name + " = " + value + " is not a field "
                    + "df11 understands, and it may change the model's computation; the runtime refuses rather "
                    + "than ignore it (understood: " + String.join(", ", new TreeSet<>(READ)) + ")");
        }
    }
}
