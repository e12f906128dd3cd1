package dev.df11.runtime.inference;

/**
 * How to generate: at most {@code maxTokens} new tokens, drawn by a {@link Sampler} with these parameters
 * ({@code temperature} 0 means greedy).
 */
public record GenerationSettings(int maxTokens, float temperature, float topP, long seed) {

    public GenerationSettings {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        }
    }

    public static GenerationSettings greedy(int maxTokens) {
        return new GenerationSettings(maxTokens, 0, 1, 0);
    }

    Sampler sampler() {
        return new Sampler(temperature, topP, seed);
    }
}
