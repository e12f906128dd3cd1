package dev.df11.runtime.model;

/**
 * How a rope type reshapes the plain rotary frequencies {@code theta^(-2i/d)}: one implementation per
 * {@code rope_type} that transformers defines for the supported families (default is no scaling at all). Each
 * computes what transformers' {@code ROPE_INIT_FUNCTIONS} computes for its type, in double precision; the tests
 * compare them with vectors transformers produced.
 */
public sealed interface RotaryScaling
        permits LinearScaling, DynamicScaling, RopeScaling, YarnScaling, LongRopeScaling {

    /** The {@code rope_type} value. */
    String type();

    /**
     * The inverse frequencies (radians per position) for heads of {@code dim} values, when the model serves a
     * context of {@code contextLength} positions (only dynamic and longrope depend on it).
     */
    double[] inverseFrequencies(double theta, int dim, int contextLength);

    /** The factor transformers multiplies the cosines and sines with ({@code attention_scaling}); 1 for most types. */
    default double attentionFactor() {
        return 1.0;
    }

    /** {@code theta^(-2i/d)} for {@code i < d/2}. */
    static double[] plainInverseFrequencies(double theta, int dim) {
        double[] inverse = new double[dim / 2];
        for (int i = 0; i < inverse.length; i++) {
            inverse[i] = 1.0 / StrictMath.pow(theta, (2.0 * i) / dim);
        }
        return inverse;
    }
}
