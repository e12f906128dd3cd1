package dev.df11.format.safetensors;

import java.util.Optional;

/**
 * Element types of the safetensors format, with their on-disk names and sizes.
 *
 * <p>The declaration order is the reference implementation's dtype order (BOOL &lt; U8 &lt; ... &lt; F64 &lt; I64 &lt; U64);
 * {@link SafetensorsWriter} lays tensors out by descending order of it, as the reference writer does, so files
 * written here are byte-identical to the reference's for the same tensors.
 */
public enum DType {
    BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype whose on-disk name is {@code name} (exact, upper case as written by the reference), if any. */
    public static Optional<DType> fromName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
