package dev.df11.format.safetensors;

import java.util.Arrays;

/**
 * One tensor of a safetensors file, as described by its header.
 *
 * @param name       the tensor's name
 * @param dtype      its element type
 * @param shape      its dimensions (empty for a scalar); a defensive copy is kept and returned
 * @param dataOffset absolute byte offset of its first byte in the file
 * @param byteSize   its size in bytes (= element count * dtype size)
 */
public record TensorInfo(String name, DType dtype, long[] shape, long dataOffset, long byteSize) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Product of the dimensions (1 for a scalar). Callers get validated infos, so this cannot overflow. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && dataOffset == t.dataOffset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + dataOffset + "+" + byteSize;
    }
}
