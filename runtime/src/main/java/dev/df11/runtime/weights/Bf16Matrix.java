package dev.df11.runtime.weights;

import java.lang.foreign.MemorySegment;

/** A row-major BF16 matrix ({@code rows x cols} little-endian 16-bit values) that the forward pass multiplies by. */
public record Bf16Matrix(String name, int rows, int cols, MemorySegment data) {

    public Bf16Matrix {
        if (rows <= 0 || cols <= 0 || data.byteSize() != 2L * rows * cols) {
            throw new IllegalArgumentException("matrix " + name + " [" + rows + ", " + cols + "] needs "
                    + 2L * rows * cols + " bytes, has " + data.byteSize());
        }
    }

    public long elementCount() {
        return (long) rows * cols;
    }
}
