package dev.df11.format.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file or model folder that does not follow the format. The message names the file and, where one is
 * to blame, the tensor.
 */
public class SafetensorsFormatException extends IOException {

    private final transient Path file;
    private final String tensor;

    public SafetensorsFormatException(Path file, String tensor, String problem) {
        super(describe(file, tensor, problem));
        this.file = file;
        this.tensor = tensor;
    }

    public SafetensorsFormatException(Path file, String tensor, String problem, Throwable cause) {
        super(describe(file, tensor, problem), cause);
        this.file = file;
        this.tensor = tensor;
    }

    private static String describe(Path file, String tensor, String problem) {
        return tensor == null ? file + ": " + problem : file + ": tensor '" + tensor + "': " + problem;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The tensor at fault, or null when the problem is with the file as a whole. */
    public String tensor() {
        return tensor;
    }
}
