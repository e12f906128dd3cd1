package dev.df11.runtime.inference;

/** Why generation ended. */
public enum StopReason {
    /** The model produced an end-of-sequence token (not included in the output). */
    END_OF_SEQUENCE("end of sequence"),
    /** The requested number of tokens was produced. */
    MAX_TOKENS("max tokens reached"),
    /** Every position of the context holds a token; nothing more can be attended to. */
    CONTEXT_FULL("context limit reached");

    private final String description;

    StopReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
