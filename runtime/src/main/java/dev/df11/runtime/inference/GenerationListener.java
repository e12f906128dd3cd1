package dev.df11.runtime.inference;

/** Receives generation as it happens, e.g. to stream text. */
public interface GenerationListener {

    /** A token was chosen (end-of-sequence tokens are not reported). */
    void onToken(int token);

    /**
     * Logits from which token number {@code step} (0-based) is about to be chosen; the array is reused, copy it to
     * keep it.
     */
    default void onLogits(int step, float[] logits) {
    }
}
