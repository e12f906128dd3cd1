package dev.df11.runtime.weights;

import java.util.List;

/**
 * A group of matrices the forward pass needs together (a decoder layer, the output projection; the CPU backend
 * also makes bands of output-projection rows). A compressed unit is a range of elements of one DF11 unit
 * ({@link #source}): its matrices exist only after that range is decoded into a buffer. A plain unit's matrices are
 * BF16 tensors used where they lie.
 *
 * @param source the DF11 unit and element range to decode, or null for a plain unit
 */
public record WeightUnit(String name, List<MatrixSlot> matrices, DecodeRange source) {

    /** Elements {@code [from, to)} of DF11 unit {@code unit}. */
    public record DecodeRange(String unit, long from, long to) {
        public DecodeRange {
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("bad range [" + from + ", " + to + ") of unit " + unit);
            }
        }

        public long elementCount() {
            return to - from;
        }
    }

    public WeightUnit {
        matrices = List.copyOf(matrices);
    }

    public boolean compressed() {
        return source != null;
    }

    /** Elements of all matrices (for a compressed unit: the decoded buffer length it needs). */
    public long elementCount() {
        if (source != null) {
            return source.elementCount();
        }
        long total = 0;
        for (MatrixSlot slot : matrices) {
            total += slot.elementCount();
        }
        return total;
    }

    public MatrixSlot slot(String weightName) {
        for (MatrixSlot slot : matrices) {
            if (slot.name().equals(weightName)) {
                return slot;
            }
        }
        throw new IllegalArgumentException("unit " + name + " holds no matrix " + weightName);
    }
}
