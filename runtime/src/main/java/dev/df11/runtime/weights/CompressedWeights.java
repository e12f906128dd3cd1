package dev.df11.runtime.weights;

import dev.df11.format.codec.Df11Unit;

import java.util.Optional;

/**
 * DF11-compressed units plus the plain BF16 tensors beside them (norm weights, and any matrix kept uncompressed):
 * the view of a DF11 model folder that {@link Df11WeightStore} needs.
 */
public interface CompressedWeights extends AutoCloseable {

    /** Where a compressed matrix lives: unit name and its index among the unit's matrices. */
    record Location(String unit, int index) {
    }

    /** The folder, for messages. */
    String location();

    /** The compressed unit holding this weight matrix, or empty when the matrix is stored plain (or absent). */
    Optional<Location> locate(String weightName);

    /** Weight names of every tensor the folder stands for: compressed matrices and plain tensors. */
    java.util.Set<String> weightNames();

    /** A unit's arrays, structurally validated. */
    Df11Unit unit(String unitName);

    /** The plain BF16 tensors of the folder. */
    TensorSource plainTensors();

    @Override
    void close();
}
