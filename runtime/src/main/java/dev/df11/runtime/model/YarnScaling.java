package dev.df11.runtime.model;

/**
 * {@code rope_type} "yarn": frequencies that turn more than {@code betaFast} times over the original context are
 * kept, those turning fewer than {@code betaSlow} times are divided by {@code factor}, and a linear ramp over the
 * dimensions between blends the two; cosines and sines are multiplied by {@code attentionFactor} (the paper's
 * mscale). The parser resolves transformers' defaults (factor from the context ratio, attention factor from
 * {@code mscale} / {@code mscale_all_dim} or {@code 0.1 ln(factor) + 1}) before this record is made.
 *
 * @param truncate round the ramp's ends to whole dimensions (transformers' default; gpt-oss sets it false)
 */
public record YarnScaling(double factor, int originalMaxPositions, double attentionFactor, double betaFast,
                          double betaSlow, boolean truncate) implements RotaryScaling {

    public YarnScaling {
        if (!(factor > 0) || Double.isInfinite(factor) || originalMaxPositions <= 0 || !(attentionFactor > 0)
                || Double.isInfinite(attentionFactor) || !(betaFast > 0) || !(betaSlow > 0)) {
            throw new IllegalArgumentException("yarn needs a positive finite factor, attention factor, beta_fast "
                    + "and beta_slow, and a positive original_max_position_embeddings, got " + this);
        }
    }

    /** transformers' {@code get_mscale}: {@code 0.1 * mscale * ln(scale) + 1}, or 1 when the scale is at most 1. */
    public static double mscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }

    @Override
    public String type() {
        return "yarn";
    }

    @Override
    public double[] inverseFrequencies(double theta, int dim, int contextLength) {
        double[] extrapolation = RotaryScaling.plainInverseFrequencies(theta, dim);
        double low = correctionDimension(betaFast, dim, theta);
        double high = correctionDimension(betaSlow, dim, theta);
        if (truncate) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, dim - 1);
        if (low == high) {
            high += 0.001;    // as transformers does, against a division by zero
        }
        double[] inverse = new double[extrapolation.length];
        for (int i = 0; i < inverse.length; i++) {
            double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
            double keep = 1 - ramp;     // share of the unscaled (extrapolated) frequency
            double interpolation = extrapolation[i] / factor;
            inverse[i] = interpolation * (1 - keep) + extrapolation[i] * keep;
        }
        return inverse;
    }

    /** The dimension whose frequency turns {@code rotations} times over the original context. */
    private double correctionDimension(double rotations, int dim, double theta) {
        return dim * Math.log(originalMaxPositions / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }
}
