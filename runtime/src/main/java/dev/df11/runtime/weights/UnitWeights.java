package dev.df11.runtime.weights;

/**
 * The BF16 matrices of one {@link WeightUnit}, ready for arithmetic: mapped where a plain unit lies, or views into a
 * backend's decode buffer, valid only until that buffer is reused.
 */
public interface UnitWeights {

    WeightUnit unit();

    /** The matrix with this full weight name, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
    Bf16Matrix matrix(String weightName);
}
