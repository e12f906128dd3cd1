package dev.df11.runtime.weights;

/**
 * One matrix of a {@link WeightUnit}: its weight name, shape, and where it starts (in elements) in the unit's
 * decoded BF16 buffer. For plain units the offset is informational (matrices are mapped separately).
 */
public record MatrixSlot(String name, int rows, int cols, long elementOffset) {

    public long elementCount() {
        return (long) rows * cols;
    }
}
