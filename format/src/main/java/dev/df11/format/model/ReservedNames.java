package dev.df11.format.model;

import dev.df11.format.safetensors.SafetensorsDirectory;
import java.io.IOException;

/**
 * Input tensor names a DF11 folder cannot hold: a name ending in one of the unit array suffixes
 * ({@code .encoded_exponent}, {@code .luts}, ... see {@link UnitTensors}) would be read back as part of a compressed
 * unit, so a folder holding it would fail {@code verify} and {@code inspect}. Checked before anything is written.
 */
final class ReservedNames {

    private ReservedNames() { }

    /**
     * Returns {@code source} when none of its tensors has a reserved name; otherwise closes it and throws, naming the
     * file and tensor.
     */
    static SafetensorsDirectory requireNone(SafetensorsDirectory source) throws IOException {
        try {
            for (String name : source.tensorNames()) {
                for (String suffix : UnitTensors.SUFFIXES) {
                    if (name.endsWith("." + suffix)) {
                        throw new Df11ModelException(source.fileOf(name), "tensor '" + name + "': its name ends in '."
                                + suffix + "', which a DF11 folder reserves for the arrays of compressed units, so "
                                + "the output could not be read back; rename the tensor in the input before "
                                + "compressing");
                    }
                }
            }
            return source;
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }
}
