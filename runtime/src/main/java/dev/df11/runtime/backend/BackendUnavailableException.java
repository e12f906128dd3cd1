package dev.df11.runtime.backend;

/**
 * A backend that cannot run here: not installed, its SDK or driver missing, no such device. The message says what is
 * missing and what to do; the command line prints it without a stack trace.
 */
public class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
