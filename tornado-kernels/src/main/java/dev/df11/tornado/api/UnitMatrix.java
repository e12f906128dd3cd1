package dev.df11.tornado.api;

import java.util.Arrays;

/**
 * One weight matrix of a {@link CompressedUnit}: where its BF16 values lie in the unit's decoded buffer.
 *
 * <p>A unit decodes into one {@code ShortArray} of {@link CompressedUnit#elements()} values; matrix {@code i}
 * occupies elements {@code [offset, offset + elements)} of it, row-major in the order of {@code shape}. A kernel of
 * yours reads element {@code (r, c)} of a {@code [rows, cols]} matrix at {@code offset + r * cols + c}.
 *
 * @param name     the weight's name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param offset   index of its first element in the unit's decoded buffer
 * @param elements number of elements
 * @param shape    its dimensions (e.g. {@code [out_features, in_features]}), or {@code [elements]} when the source
 *                 does not say; a copy is kept and returned
 */
public record UnitMatrix(String name, int offset, int elements, long[] shape) {

    /**
     * @throws IllegalArgumentException when the offset or size is negative, or the shape is empty or its product
     *                                  is not {@code elements}
     */
    public UnitMatrix {
        shape = shape.clone();
        long product = shape.length == 0 ? -1 : 1;
        for (long d : shape) {
            product = d < 0 || product < 0 || (d > 0 && product > Long.MAX_VALUE / d) ? -1 : product * d;
        }
        if (offset < 0 || elements < 0 || product != elements) {
            throw new IllegalArgumentException("matrix '" + name + "': shape " + Arrays.toString(shape) + " does not"
                    + " hold its " + elements + " elements (offset " + offset + ")");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The first dimension (rows of a 2-D matrix). */
    public long rows() {
        return shape[0];
    }

    /** The product of the other dimensions (columns of a 2-D matrix); 1 for a 1-D shape. */
    public long columns() {
        return shape[0] == 0 ? 0 : elements / shape[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitMatrix m && name.equals(m.name) && offset == m.offset && elements == m.elements
                && Arrays.equals(shape, m.shape);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + offset) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape) + " at " + offset;
    }
}
