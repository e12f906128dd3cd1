package dev.df11.format.model;

import java.util.Arrays;

/**
 * Where a weight matrix lives in a DF11 model: matrix {@code index} of unit {@code unit}, with its shape.
 *
 * @param shape the matrix's dimensions, e.g. {@code [out_features, in_features]}; a copy is kept and returned
 */
public record MatrixRef(String unit, int index, long[] shape) {

    public MatrixRef {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatrixRef m && unit.equals(m.unit) && index == m.index && Arrays.equals(shape, m.shape);
    }

    @Override
    public int hashCode() {
        return (unit.hashCode() * 31 + index) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return unit + "[" + index + "] " + Arrays.toString(shape);
    }
}
