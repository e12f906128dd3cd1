package dev.df11.runtime.model;

/**
 * {@code rope_type} "dynamic" (dynamic NTK). Transformers keeps the plain frequencies while the sequence is within
 * {@code max_position_embeddings} and raises theta with the sequence length beyond it, recomputing the frequencies
 * during generation while keys already in the cache keep their old rotation. Within {@code maxPositions} this is
 * exactly the plain rotary; a longer context is refused (the runtime never serves one: contexts are capped at
 * {@code max_position_embeddings}), rather than approximated.
 */
public record DynamicScaling(double factor, int maxPositions) implements RotaryScaling {

    public DynamicScaling {
        if (!(factor > 0) || Double.isInfinite(factor) || maxPositions <= 0) {
            throw new IllegalArgumentException("factor must be a positive finite number, got " + factor);
        }
    }

    @Override
    public String type() {
        return "dynamic";
    }

    @Override
    public double[] inverseFrequencies(double theta, int dim, int contextLength) {
        if (contextLength > maxPositions) {
            throw new UnsupportedModelException("rope_type dynamic rescales theta for sequences longer than "
                    + "max_position_embeddings (" + maxPositions + "), which this runtime does not implement; "
                    + "use a context of at most " + maxPositions + " (asked for " + contextLength + ")");
        }
        return RotaryScaling.plainInverseFrequencies(theta, dim);
    }
}
