package dev.df11.runtime.model;

/**
 * Llama 3.1's frequency-dependent rotary scaling ({@code rope_scaling.rope_type = "llama3"}): wavelengths
 * longer than {@code originalMaxPositions / lowFreqFactor} are stretched by {@code factor}, shorter than
 * {@code originalMaxPositions / highFreqFactor} are kept, and the band between is interpolated smoothly.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions)
        implements RotaryScaling {

    public RopeScaling {
        if (!(factor > 0) || Double.isInfinite(factor) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions <= 0) {
            throw new IllegalArgumentException("rope_scaling (llama3) needs factor > 0, 0 < low_freq_factor < "
                    + "high_freq_factor and original_max_position_embeddings > 0, got " + this);
        }
    }

    @Override
    public String type() {
        return "llama3";
    }

    @Override
    public double[] inverseFrequencies(double theta, int dim, int contextLength) {
        double[] inverse = RotaryScaling.plainInverseFrequencies(theta, dim);
        for (int i = 0; i < inverse.length; i++) {
            inverse[i] = scale(inverse[i]);
        }
        return inverse;
    }

    /** Scales one inverse frequency (radians per position) the way Llama 3.1 does. */
    public double scale(double inverseFrequency) {
        double wavelength = 2 * Math.PI / inverseFrequency;
        double lowFreqWavelength = originalMaxPositions / lowFreqFactor;
        double highFreqWavelength = originalMaxPositions / highFreqFactor;
        if (wavelength < highFreqWavelength) {
            return inverseFrequency;
        }
        if (wavelength > lowFreqWavelength) {
            return inverseFrequency / factor;
        }
        double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * inverseFrequency / factor + smooth * inverseFrequency;
    }
}
