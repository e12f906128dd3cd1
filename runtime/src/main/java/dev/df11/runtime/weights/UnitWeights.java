package dev.df11.runtime.weights;

/**
 * The BF16 matrices of one {@link WeightUnit}, ready for arithmetic. Views into a decode buffer stay valid only
 * until the store's next {@link WeightStore#acquire}.
 */
public interface UnitWeights {

    WeightUnit unit();

    /** The matrix with this full weight name, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
    Bf16Matrix matrix(String weightName);
}
