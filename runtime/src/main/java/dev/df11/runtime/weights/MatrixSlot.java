package dev.df11.runtime.weights;

/**
 * One matrix (or a band of its rows) in a {@link WeightUnit}: its weight name, the shape of the band, the first row
 * of the full matrix it holds, and where it starts (in elements) in the unit's decoded buffer. For plain units the
 * offset is informational (matrices are mapped separately).
 */
public record MatrixSlot(String name, int rows, int cols, long elementOffset, int firstRow) {

    /** A whole matrix. */
    public MatrixSlot(String name, int rows, int cols, long elementOffset) {
        this(name, rows, cols, elementOffset, 0);
    }

    public long elementCount() {
        return (long) rows * cols;
    }
}
