package dev.df11.runtime.weights;

import java.util.List;

/**
 * A group of matrices the forward pass needs together (a decoder layer, the embedding, the output projection).
 * A compressed unit is one DF11 unit: its matrices exist only after decoding it into a buffer. A plain unit's
 * matrices are BF16 tensors used where they lie.
 */
public record WeightUnit(String name, List<MatrixSlot> matrices, boolean compressed) {

    public WeightUnit {
        matrices = List.copyOf(matrices);
    }

    /** Elements of all matrices (for a compressed unit: the decoded buffer length it needs). */
    public long elementCount() {
        long total = 0;
        for (MatrixSlot slot : matrices) {
            total = Math.max(total, slot.elementOffset() + slot.elementCount());
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
