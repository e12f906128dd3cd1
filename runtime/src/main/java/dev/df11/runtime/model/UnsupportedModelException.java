package dev.df11.runtime.model;

/** A model folder the runtime cannot run: the message names the file and the config field at fault. */
public class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }

    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
