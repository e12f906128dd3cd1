package dev.df11.runtime.model;

import java.util.List;

/**
 * {@code rope_type} "longrope" (Phi-3.5, Phi-4-mini): each frequency divided by its own factor, the short factors for
 * contexts within {@code original_max_position_embeddings} and the long factors beyond; cosines and sines multiplied
 * by {@code attentionFactor}. Transformers switches per forward call by the length of the sequence so far; here the
 * served context decides once, so the two agree whenever the context is within the original one, and for a longer
 * context every position uses the long factors (as transformers does for a sequence run in one call).
 */
public record LongRopeScaling(List<Double> shortFactor, List<Double> longFactor, int originalMaxPositions,
                              double attentionFactor) implements RotaryScaling {

    public LongRopeScaling {
        shortFactor = List.copyOf(shortFactor);
        longFactor = List.copyOf(longFactor);
        if (originalMaxPositions <= 0 || !(attentionFactor > 0) || Double.isInfinite(attentionFactor)) {
            throw new IllegalArgumentException("longrope needs a positive original_max_position_embeddings and "
                    + "attention factor, got " + originalMaxPositions + " and " + attentionFactor);
        }
    }

    @Override
    public String type() {
        return "longrope";
    }

    @Override
    public double[] inverseFrequencies(double theta, int dim, int contextLength) {
        List<Double> factors = contextLength > originalMaxPositions ? longFactor : shortFactor;
        if (factors.size() != dim / 2) {
            throw new UnsupportedModelException("longrope needs head_dim / 2 = " + dim / 2 + " factors, got "
                    + factors.size());
        }
        double[] inverse = RotaryScaling.plainInverseFrequencies(theta, dim);
        for (int i = 0; i < inverse.length; i++) {
            inverse[i] /= factors.get(i);
        }
        return inverse;
    }
}
