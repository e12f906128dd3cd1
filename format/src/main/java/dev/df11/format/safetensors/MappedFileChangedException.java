package dev.df11.format.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/** A memory-mapped input file changed size while df11 was reading it (another program truncated or rewrote it). */
public final class MappedFileChangedException extends IOException {

    private final Path file;

    public MappedFileChangedException(Path file, long mappedBytes, long nowBytes, Throwable cause) {
        super(file + ": the file changed while df11 was reading it (" + mappedBytes + " bytes when opened, "
                + nowBytes + " now): another program truncated or rewrote it; run again once nothing else writes to "
                + "it", cause);
        this.file = file;
    }

    /** The file that changed. */
    public Path file() {
        return file;
    }
}
