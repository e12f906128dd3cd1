package dev.df11.cli;

import dev.df11.runtime.chat.GenerationDefaults;
import dev.df11.runtime.inference.GenerationSettings;
import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The sampling options of {@code generate} and {@code chat}. Each one the user leaves out comes from the model's
 * {@code generation_config.json} when it names one (as transformers' {@code generate} would use it), else from
 * df11's default: greedy decoding, top-p 0.9, no top-k.
 */
final class SamplingOptions {

    @Option(names = "--max-tokens", converter = WholeNumberConverter.class,
            description = "Tokens to generate at most (default: generation_config.json's max_new_tokens, else "
                    + "256 for generate and 1024 per reply for chat).")
    Long maxTokens;

    @Option(names = "--temperature", description = "Sampling temperature; 0 = greedy (default: the model's "
            + "generation_config.json when it sets do_sample, else 0).")
    Float temperature;

    @Option(names = "--top-p", description = "Nucleus sampling mass, more than 0 and at most 1 (default: "
            + "generation_config.json's top_p, else 0.9); used only when sampling.")
    Float topP;

    @Option(names = "--top-k", description = "Sample only among the K most likely tokens; 0 = no limit (default: "
            + "generation_config.json's top_k, else 50 when it sets do_sample as transformers does, else 0); used "
            + "only when sampling.")
    Integer topK;

    @Option(names = "--seed", description = "Sampling seed (default: random, printed); used only when sampling.")
    Long seed;

    /** transformers' GenerationConfig default top_k, which applies when a generation_config.json samples. */
    static final int TRANSFORMERS_TOP_K = 50;

    /**
     * What the options and the model's defaults come to.
     *
     * @param fromModel names the settings taken from generation_config.json, for the report ("" if none)
     */
    record Resolved(long maxTokens, boolean maxTokensGiven, float temperature, float topP, int topK, long seed,
                    Set<Integer> stopTokenIds, String fromModel) {

        boolean sampling() {
            return temperature > 0;
        }

        /** The settings for a prompt of {@code promptLength} tokens (max_length caps prompt plus reply). */
        GenerationSettings settings(int promptLength, GenerationDefaults defaults) {
            long budget = maxTokens;
            if (!maxTokensGiven && defaults.maxLength().isPresent()) {
                budget = Math.min(budget, Math.max(0, defaults.maxLength().getAsInt() - promptLength));
            }
            return new GenerationSettings((int) Math.min(budget, Integer.MAX_VALUE), temperature, topP, seed, topK,
                    stopTokenIds);
        }
    }

    /** Checks the options and combines them with the model's defaults. */
    Resolved resolve(GenerationDefaults defaults, long defaultMaxTokens, int[] tokenizerEosIds) {
        StringBuilder fromModel = new StringBuilder();
        long max = maxTokens != null ? maxTokens : defaults.maxNewTokens().isPresent()
                ? note(fromModel, "max_new_tokens", defaults.maxNewTokens().getAsInt()) : defaultMaxTokens;
        float t;
        if (temperature != null) {
            t = temperature;
        } else if (defaults.samples()) {
            t = (float) defaults.temperature().orElse(1.0);
            note(fromModel, "temperature", t);
        } else {
            t = 0;
            if (defaults.doSample().isPresent()) {
                note(fromModel, "do_sample", false);
            }
        }
        float p = topP != null ? topP : defaults.topP().isPresent()
                ? note(fromModel, "top_p", (float) defaults.topP().getAsDouble()) : 0.9f;
        int k;
        if (topK != null) {
            k = topK;
        } else if (defaults.topK().isPresent()) {
            k = note(fromModel, "top_k", defaults.topK().getAsInt());
        } else {
            k = defaults.samples() ? TRANSFORMERS_TOP_K : 0;
        }
        GenerateOptionChecks.check(max, t, p, 1, 0);
        if (k < 0) {
            throw new IllegalArgumentException("--top-k " + k + " is negative: give 0 (no limit) or a number of "
                    + "tokens (e.g. 40)");
        }
        long s = t == 0 ? 0 : seed != null ? seed : System.nanoTime();
        Set<Integer> stops = new LinkedHashSet<>(defaults.eosTokenIds());
        if (!defaults.eosTokenIds().isEmpty()) {
            note(fromModel, "eos_token_id", defaults.eosTokenIds());
        }
        for (int id : tokenizerEosIds) {
            stops.add(id);
        }
        return new Resolved(max, maxTokens != null, t, p, k, s, stops, fromModel.toString());
    }

    private static <T> T note(StringBuilder fromModel, String field, T value) {
        if (!fromModel.isEmpty()) {
            fromModel.append(", ");
        }
        fromModel.append(field).append(' ').append(value);
        return value;
    }
}
