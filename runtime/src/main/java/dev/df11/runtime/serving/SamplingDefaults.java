package dev.df11.runtime.serving;

import dev.df11.runtime.chat.GenerationDefaults;

/**
 * Sampling for requests that do not say: the model's generation_config.json where it has one (as vLLM does), else
 * OpenAI's defaults (temperature 1, top_p 1).
 */
public record SamplingDefaults(float temperature, float topP, int topK) {

    /** OpenAI's defaults. */
    public static final SamplingDefaults OPENAI = new SamplingDefaults(1, 1, 0);

    /** transformers' top_k when generation_config.json samples without naming one. */
    static final int TRANSFORMERS_TOP_K = 50;

    /** From a model's generation_config.json ({@code do_sample} false: greedy). */
    public static SamplingDefaults of(GenerationDefaults g) {
        if (g.equals(GenerationDefaults.NONE) || g.doSample().isEmpty() && g.temperature().isEmpty()) {
            return OPENAI;
        }
        if (!g.samples()) {
            return new SamplingDefaults(0, 1, 0);
        }
        return new SamplingDefaults((float) g.temperature().orElse(1.0), (float) g.topP().orElse(1.0),
                g.topK().orElse(TRANSFORMERS_TOP_K));
    }
}
