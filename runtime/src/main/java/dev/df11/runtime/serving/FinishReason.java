package dev.df11.runtime.serving;

/** Why a served sequence ended, with its OpenAI {@code finish_reason} spelling. */
public enum FinishReason {
    /** An end-of-sequence token, or the listener asked to stop (a stop string matched). */
    STOP("stop"),
    /** {@code max_tokens} generated, or the sequence's context is full. */
    LENGTH("length"),
    /** The client went away or cancelled: its cache was freed. */
    CANCELLED("cancelled"),
    /** The server shut down before the sequence finished (after the grace period for running ones). */
    SHUTDOWN("abort"),
    /** The forward pass failed; the error was logged. */
    ERROR("error");

    private final String wire;

    FinishReason(String wire) {
        this.wire = wire;
    }

    /** The value of OpenAI's {@code finish_reason}. */
    public String wire() {
        return wire;
    }
}
