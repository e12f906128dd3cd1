package dev.df11.runtime.serving;

/**
 * Receives a served sequence's tokens on the scheduler's thread: implementations must return quickly (hand the
 * token to the request's own thread) and never block, since every sequence of the batch waits for them.
 */
public interface SequenceListener {

    /** The first token is about to be delivered: the prompt has been run (for time to first token). */
    default void onPromptDone() {
    }

    /** A generated token (never an end-of-sequence token). */
    void onToken(int token);

    /**
     * The sequence ended; called exactly once, after the last {@link #onToken}. Its KV cache is already freed.
     *
     * @param error the failure for {@link FinishReason#ERROR}, else null
     */
    void onEnd(FinishReason reason, Throwable error);
}
