package dev.df11.runtime.inference;

import java.util.Set;

/**
 * How to generate: at most {@code maxTokens} new tokens, drawn by a {@link Sampler} with these parameters
 * ({@code temperature} 0 means greedy, {@code topK} 0 means no top-k limit). Generation also ends at any of
 * {@code stopTokenIds} (e.g. every end token a model's generation_config.json names), besides the model config's own
 * end-of-sequence ids.
 */
public record GenerationSettings(int maxTokens, float temperature, float topP, long seed, int topK,
                                 Set<Integer> stopTokenIds) {

    public GenerationSettings {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0: no limit), got " + topK);
        }
        stopTokenIds = Set.copyOf(stopTokenIds);
    }

    public GenerationSettings(int maxTokens, float temperature, float topP, long seed) {
        this(maxTokens, temperature, topP, seed, 0, Set.of());
    }

    public static GenerationSettings greedy(int maxTokens) {
        return new GenerationSettings(maxTokens, 0, 1, 0);
    }

    /** These settings with generation also ending at {@code ids}. */
    public GenerationSettings withStopTokens(Set<Integer> ids) {
        return new GenerationSettings(maxTokens, temperature, topP, seed, topK, ids);
    }

    Sampler sampler() {
        return new Sampler(temperature, topP, topK, seed);
    }
}
