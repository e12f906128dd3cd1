package dev.df11.format.safetensors;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the file in write failures: {@code FileChannel.write} and output streams report a full disk as a bare
 * "No space left on device", which tells the user neither where nor what to do.
 */
public final class WriteFailures {

    private WriteFailures() { }

    /** {@code e} if it already names a file, else a {@link FileSystemException} naming {@code file}. */
    public static IOException named(Path file, IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return e;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String advice = message.contains("No space left") || message.contains("quota")
                ? " (free some space, or write the output to another disk)" : "";
        FileSystemException named = new FileSystemException(file.toString(), null, "cannot write: " + message + advice);
        named.initCause(e);
        return named;
    }

    /** {@link Files#writeString}, with failures naming {@code file}. */
    public static void writeString(Path file, String text) throws IOException {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw named(file, e);
        }
    }
}
