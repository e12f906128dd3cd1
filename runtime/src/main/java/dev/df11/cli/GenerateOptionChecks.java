package dev.df11.cli;

import dev.df11.runtime.model.ModelConfig;
import java.nio.file.Path;

/**
 * Checks of {@code df11 generate}'s options, run before anything is printed; each message names the option, the
 * value and what to give instead.
 */
final class GenerateOptionChecks {

    /** Largest Java array (a KV cache layer is one float array). */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private GenerateOptionChecks() { }

    /** The options that need no model. */
    static void check(long maxTokens, float temperature, float topP, long batch, long context) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens " + maxTokens + " is negative: give 0 or more tokens");
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature " + temperature + " is not allowed: give 0 for greedy "
                    + "decoding or a positive number (e.g. 0.8) to sample");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p " + topP + " is out of range: give a number above 0 and at "
                    + "most 1 (e.g. 0.9; 1 samples from all tokens)");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch " + batch + " is out of range: give at least 1 prompt token "
                    + "per forward pass (default 64)");
        }
        if (context < 0) {
            throw new IllegalArgumentException("--context " + context + " is negative: give a number of tokens, or "
                    + "leave --context out for max_position_embeddings (at most 2048)");
        }
    }

    /**
     * The context length to use: {@code requested} (0 for the default) checked against the model and against what
     * its KV cache would take.
     *
     * @param heapKvCache whether the backend keeps the KV cache in the Java heap (the CPU backend)
     */
    static int contextLength(long requested, ModelConfig config, Path configFile, int defaultCap,
            boolean heapKvCache) {
        if (requested > config.maxPositions()) {
            throw new IllegalArgumentException("--context " + requested + " is more than this model's "
                    + "max_position_embeddings (" + config.maxPositions() + " in " + configFile + "): give at most "
                    + config.maxPositions() + ", or leave --context out for min(" + config.maxPositions() + ", "
                    + defaultCap + ")");
        }
        int context;
        try {
            context = config.contextLength((int) requested, defaultCap);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--context " + requested + ": " + e.getMessage(), e);
        }
        long kvDim = config.kvDim();
        long perLayer = context * kvDim;
        if (perLayer > MAX_ARRAY) {
            throw new IllegalArgumentException("--context " + context + " needs " + perLayer + " KV-cache floats per "
                    + "layer (context x kv_dim " + kvDim + "), more than one Java array holds: give at most "
                    + MAX_ARRAY / kvDim);
        }
        long kvBytes = 2L * config.layerCount() * perLayer * Float.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (heapKvCache && heap != Long.MAX_VALUE && kvBytes > heap) {
            throw new IllegalArgumentException("--context " + context + " needs " + Sizes.bytes(kvBytes)
                    + " of KV cache (2 x " + config.layerCount() + " layers x " + context + " positions x " + kvDim
                    + " floats) but the Java heap holds at most " + Sizes.bytes(heap) + ": give a smaller --context, "
                    + "or more heap (DF11_HEAP=" + Math.max(1, (kvBytes >> 30) * 2) + "g scripts/df11 ...)");
        }
        return context;
    }

    /** The prompt fits the model's vocabulary and the context. */
    static void checkPrompt(int[] prompt, String source, ModelConfig config, int contextLength) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException(source + " gives no tokens: give at least one (e.g. BOS "
                    + config.bosTokenId() + ")");
        }
        if (prompt.length > contextLength) {
            throw new IllegalArgumentException(source + " has " + prompt.length + " tokens, more than the context of "
                    + contextLength + ": give a shorter prompt or a larger --context (at most "
                    + config.maxPositions() + ")");
        }
        for (int token : prompt) {
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException(source + ": token id " + token + " is outside this model's "
                        + "vocabulary 0.." + (config.vocabSize() - 1));
            }
        }
    }
}
