package dev.df11.runtime.weights;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named BF16 tensor: little-endian 16-bit values, row-major, in a (usually memory-mapped) segment.
 *
 * @param location where it came from (file), for error messages
 */
public record Bf16Tensor(String name, long[] shape, MemorySegment data, String location) {

    public Bf16Tensor {
        shape = shape.clone();
        long elements = 1;
        for (long dim : shape) {
            elements = Math.multiplyExact(elements, dim);
        }
        if (data.byteSize() != elements * 2) {
            throw new IllegalArgumentException(location + ": tensor " + name + " of shape " + Arrays.toString(shape)
                    + " needs " + elements * 2 + " bytes, has " + data.byteSize());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return data.byteSize() / 2;
    }

    /** This tensor as a matrix of the given shape; throws naming the tensor and file if its shape differs. */
    public Bf16Matrix asMatrix(int rows, int cols) {
        if (shape.length != 2 || shape[0] != rows || shape[1] != cols) {
            throw new WeightFormatException(location + ": tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", the config implies [" + rows + ", " + cols + "]");
        }
        return new Bf16Matrix(name, rows, cols, data);
    }

    /** Checks that this is a vector of {@code length} values; throws naming the tensor and file otherwise. */
    public MemorySegment asVector(int length) {
        if (shape.length != 1 || shape[0] != length) {
            throw new WeightFormatException(location + ": tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", the config implies [" + length + "]");
        }
        return data;
    }
}
