package dev.df11.runtime.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** A tokenizer file that is malformed or uses a feature this implementation does not support; names the file. */
public final class InvalidTokenizerException extends IOException {

    private final Path file;

    public InvalidTokenizerException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public InvalidTokenizerException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
