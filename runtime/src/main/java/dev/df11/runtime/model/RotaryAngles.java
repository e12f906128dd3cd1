package dev.df11.runtime.model;

/**
 * The cosines and sines of the rotary-embedding angles for every position of a context, the one definition every
 * backend rotates with: inverse frequencies {@code theta^(-2i/d)} in double, reshaped by Llama 3.1 scaling when the
 * config has it, rounded to fp32 (as Hugging Face computes them); angle {@code p * f} in fp32; cosine and sine by
 * StrictMath, so the tables are the same bits on every JVM and machine, and CPU and GPU backends agree by
 * construction.
 *
 * @param half how many angles a position has ({@code headDim / 2})
 * @param cos  row {@code p} (at {@code p * half}) holds position p's cosines
 * @param sin  the sines, same layout
 */
public record RotaryAngles(int half, float[] cos, float[] sin) {

    /** Tables for positions {@code 0 .. contextLength-1} of a model. */
    public static RotaryAngles of(ModelConfig config, int contextLength) {
        int half = config.headDim() / 2;
        float[] inverse = inverseFrequencies(config);
        float[] cos = new float[Math.multiplyExact(contextLength, half)];
        float[] sin = new float[cos.length];
        for (int pos = 0; pos < contextLength; pos++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) pos * inverse[i];
                cos[pos * half + i] = (float) StrictMath.cos(angle);
                sin[pos * half + i] = (float) StrictMath.sin(angle);
            }
        }
        return new RotaryAngles(half, cos, sin);
    }

    /** {@code theta^(-2i/d)} for {@code i < d/2}, with the config's rope scaling applied. */
    static float[] inverseFrequencies(ModelConfig config) {
        int dim = config.headDim();
        float[] inverse = new float[dim / 2];
        RopeScaling scaling = config.ropeScaling();
        for (int i = 0; i < dim / 2; i++) {
            double frequency = 1.0 / StrictMath.pow(config.ropeTheta(), (2.0 * i) / dim);
            inverse[i] = (float) (scaling == null ? frequency : scaling.scale(frequency));
        }
        return inverse;
    }
}
