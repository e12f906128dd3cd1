package dev.df11.runtime.model;

/** {@code rope_type} "linear" (position interpolation): every inverse frequency divided by {@code factor}. */
public record LinearScaling(double factor) implements RotaryScaling {

    public LinearScaling {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be a positive finite number, got " + factor);
        }
    }

    @Override
    public String type() {
        return "linear";
    }

    @Override
    public double[] inverseFrequencies(double theta, int dim, int contextLength) {
        double[] inverse = RotaryScaling.plainInverseFrequencies(theta, dim);
        for (int i = 0; i < inverse.length; i++) {
            inverse[i] /= factor;
        }
        return inverse;
    }
}
