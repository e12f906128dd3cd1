package dev.df11.format.model;

import java.io.IOException;
import java.nio.file.Path;

/** Guards against writing a model folder over its own input. */
final class ModelPaths {

    private ModelPaths() { }

    /** Fails when {@code out} is {@code in}, or one lies inside the other. */
    static void requireSeparate(Path in, Path out) throws IOException {
        Path a = in.toAbsolutePath().normalize();
        Path b = out.toAbsolutePath().normalize();
        if (a.startsWith(b) || b.startsWith(a)) {
            throw new IOException(out + ": the output folder must not be, contain or lie inside the input " + in);
        }
    }
}
