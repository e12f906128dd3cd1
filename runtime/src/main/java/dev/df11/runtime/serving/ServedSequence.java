package dev.df11.runtime.serving;

import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Sampler;

/**
 * One request's sequence inside the scheduler: its prompt, sampler, KV cache (while running) and progress. Only
 * {@link #cancel} may be called from other threads.
 */
public final class ServedSequence {

    final int[] prompt;
    final GenerationSettings settings;
    final Sampler sampler;
    final SequenceListener listener;
    /** Positions its cache needs: prompt plus every generated token but the last, at most the context. */
    final int positions;
    final long submittedNanos;
    SequenceCache cache;
    long reservedBytes;
    /** Tokens already in the cache. */
    int position;
    /** Prompt tokens already run. */
    int promptDone;
    /** The last sampled token, to run next; -1 while the prompt is still running. */
    int nextToken = -1;
    int generated;
    private volatile boolean cancelled;

    ServedSequence(int[] prompt, GenerationSettings settings, SequenceListener listener, int contextLength) {
        this.prompt = prompt.clone();
        this.settings = settings;
        this.sampler = new Sampler(settings.temperature(), settings.topP(), settings.topK(), settings.seed());
        this.listener = listener;
        this.positions = (int) Math.min(contextLength,
                Math.max(prompt.length, (long) prompt.length + settings.maxTokens() - 1));
        this.submittedNanos = System.nanoTime();
    }

    /**
     * Cancels the sequence (the client went away, or a stop string matched): the scheduler drops it before its next
     * step, frees its cache and reports {@link FinishReason#CANCELLED}.
     */
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    public int promptTokens() {
        return prompt.length;
    }

    /** Tokens generated so far (read by the scheduler's thread; approximate from others). */
    public int generatedTokens() {
        return generated;
    }
}
