package dev.df11.runtime.weights;

/** Weights that do not fit the model's config (missing tensor, wrong shape or dtype); the message names file and tensor. */
public class WeightFormatException extends RuntimeException {
    public WeightFormatException(String message) {
        super(message);
    }

    public WeightFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
