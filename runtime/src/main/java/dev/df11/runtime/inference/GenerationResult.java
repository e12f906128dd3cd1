package dev.df11.runtime.inference;

import dev.df11.runtime.backend.DecodeStats;

/**
 * The outcome of one generation with its timings.
 *
 * @param promptNanos      time to run the prompt (its forward passes)
 * @param generationNanos  time from the first chosen token to the end, covering {@code generationForwards} passes
 * @param embeddingLookupNanos time the forward pass spent looking up embedding rows (prompt and generation)
 * @param decodeStats      the backend's host decode work and waits for weights during this generation (prompt and
 *                         generation; zero for BF16 weights or a backend that decodes on its device)
 */
public record GenerationResult(
        int[] promptTokens,
        int[] generatedTokens,
        StopReason stopReason,
        long promptNanos,
        long generationNanos,
        int generationForwards,
        long embeddingLookupNanos,
        DecodeStats decodeStats) {

    public double promptTokensPerSecond() {
        return promptNanos == 0 ? 0 : promptTokens.length * 1e9 / promptNanos;
    }

    /** Single-token forward passes per second during generation. */
    public double generationTokensPerSecond() {
        return generationNanos == 0 || generationForwards == 0 ? 0 : generationForwards * 1e9 / generationNanos;
    }
}
