package dev.df11.runtime.weights;

import java.util.Map;

/**
 * The BF16 matrices of one {@link WeightUnit}, ready for arithmetic: mapped where a plain unit lies, or views into a
 * backend's decode buffer, valid only until that buffer is reused.
 */
public interface UnitWeights {

    WeightUnit unit();

    /** The matrix with this full weight name, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
    Bf16Matrix matrix(String weightName);

    /** Unit weights held as a map from weight name to matrix (mapped or decoded alike). */
    static UnitWeights of(WeightUnit unit, Map<String, Bf16Matrix> matrices) {
        return new ByName(unit, matrices);
    }

    /** The matrices of a unit by weight name; asking for one it lacks is an error naming both. */
    record ByName(WeightUnit unit, Map<String, Bf16Matrix> matrices) implements UnitWeights {
        @Override
        public Bf16Matrix matrix(String weightName) {
            Bf16Matrix matrix = matrices.get(weightName);
            if (matrix == null) {
                throw new IllegalArgumentException("unit " + unit.name() + " holds no matrix " + weightName);
            }
            return matrix;
        }
    }
}
