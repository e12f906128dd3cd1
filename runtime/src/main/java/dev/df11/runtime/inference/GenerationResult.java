package dev.df11.runtime.inference;

import dev.df11.runtime.weights.DecodeStats;

/**
 * The outcome of one generation with its timings.
 *
 * @param promptNanos      time to run the prompt (its forward passes)
 * @param generationNanos  time from the first chosen token to the end, covering {@code generationForwards} passes
 * @param decodeWait       time the forward pass waited for weight units (prompt and generation)
 * @param decodeStats      decode work of the weight store during this generation (zero for BF16)
 */
public record GenerationResult(
        int[] promptTokens,
        int[] generatedTokens,
        StopReason stopReason,
        long promptNanos,
        long generationNanos,
        int generationForwards,
        ForwardPass.DecodeWait decodeWait,
        DecodeStats decodeStats) {

    public double promptTokensPerSecond() {
        return promptNanos == 0 ? 0 : promptTokens.length * 1e9 / promptNanos;
    }

    /** Single-token forward passes per second during generation. */
    public double generationTokensPerSecond() {
        return generationNanos == 0 || generationForwards == 0 ? 0 : generationForwards * 1e9 / generationNanos;
    }
}
