package dev.df11.runtime.inference;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.backend.DecodeStats;

import java.util.Arrays;

/**
 * Autoregressive generation: run the prompt in batches, then repeatedly choose a token and run it, until an
 * end-of-sequence token, the token budget, or the end of the context.
 */
public final class Generator {

    private final ForwardPass forward;
    private final ModelConfig config;

    public Generator(ForwardPass forward) {
        this.forward = forward;
        this.config = forward.weights().config();
    }

    public GenerationResult generate(int[] prompt, GenerationSettings settings, GenerationListener listener) {
        return generate(prompt, 0, settings, listener);
    }

    /**
     * Continues a sequence whose first {@code startPosition} tokens are already in the KV cache (a chat's earlier
     * turns): runs {@code prompt} at positions {@code startPosition..}, then generates. With {@code startPosition}
     * 0 this is {@link #generate(int[], GenerationSettings, GenerationListener)}. After it returns, the cache holds
     * positions {@code 0 .. startPosition + prompt.length + result.generationForwards()}: the prompt and every
     * generated token except the last one (which was sampled but never run).
     */
    public GenerationResult generate(int[] prompt, int startPosition, GenerationSettings settings,
                                     GenerationListener listener) {
        validatePrompt(prompt);
        if (startPosition < 0 || startPosition + (long) prompt.length > forward.contextLength()) {
            throw new IllegalArgumentException("the prompt of " + prompt.length + " tokens at position "
                    + startPosition + " does not fit the context of " + forward.contextLength());
        }
        Sampler sampler = settings.sampler();
        DecodeStats statsBefore = forward.decodeStats();
        long embeddingBefore = forward.embeddingLookupNanos();

        long start = System.nanoTime();
        float[] logits = forward.forward(prompt, startPosition);
        long promptNanos = System.nanoTime() - start;

        int position = startPosition + prompt.length;
        int[] generated = new int[Math.min(settings.maxTokens(), forward.contextLength())];
        int count = 0;
        int forwards = 0;
        StopReason stop = StopReason.MAX_TOKENS;
        long generationStart = System.nanoTime();
        while (count < settings.maxTokens()) {
            listener.onLogits(count, logits);
            int token = sampler.sample(logits);
            // A generated BOS opens a new document: llama2.c's TinyStories models end a story that way, never with
            // EOS, so it ends the sequence too.
            if (config.isEos(token) || token == config.bosTokenId() || settings.stopTokenIds().contains(token)) {
                stop = StopReason.END_OF_SEQUENCE;
                break;
            }
            generated[count++] = token;
            listener.onToken(token);
            if (count == settings.maxTokens()) {
                break;
            }
            if (position >= forward.contextLength()) {
                stop = StopReason.CONTEXT_FULL;
                break;
            }
            logits = forward.forward(new int[] {token}, position++);
            forwards++;
        }
        long generationNanos = System.nanoTime() - generationStart;
        return new GenerationResult(prompt.clone(), Arrays.copyOf(generated, count), stop, promptNanos,
                generationNanos, forwards,
                forward.embeddingLookupNanos() - embeddingBefore,
                forward.decodeStats().minus(statsBefore));
    }

    private void validatePrompt(int[] prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token (e.g. BOS "
                    + config.bosTokenId() + ")");
        }
        if (prompt.length > forward.contextLength()) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens, more than the context of "
                    + forward.contextLength());
        }
        for (int token : prompt) {
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("prompt token id " + token + " is outside the vocabulary 0.."
                        + (config.vocabSize() - 1));
            }
        }
    }
}
