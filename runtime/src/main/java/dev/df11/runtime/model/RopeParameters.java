package dev.df11.runtime.model;

/**
 * Everything that decides a layer's rotary embedding: theta ({@code rope_theta}) and the rope type's scaling
 * ({@code null} for the plain "default" type). Read from a legacy config ({@code rope_theta} + {@code rope_scaling})
 * or a transformers-5 one ({@code rope_parameters}, flat or one entry per layer type).
 */
public record RopeParameters(double theta, RotaryScaling scaling) {

    public RopeParameters {
        if (!(theta > 0) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException("rope_theta must be a positive finite number, got " + theta);
        }
    }

    /** The plain rotary of theta, no scaling. */
    public static RopeParameters plain(double theta) {
        return new RopeParameters(theta, null);
    }

    /** The {@code rope_type}: "default" or the scaling's type. */
    public String type() {
        return scaling == null ? "default" : scaling.type();
    }

    /** Inverse frequencies for heads of {@code dim} values in a context of {@code contextLength} positions. */
    public double[] inverseFrequencies(int dim, int contextLength) {
        return scaling == null ? RotaryScaling.plainInverseFrequencies(theta, dim)
                : scaling.inverseFrequencies(theta, dim, contextLength);
    }

    /** What the cosines and sines are multiplied with (transformers' {@code attention_scaling}). */
    public double attentionFactor() {
        return scaling == null ? 1.0 : scaling.attentionFactor();
    }
}
