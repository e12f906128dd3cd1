package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.RopeScaling;

/**
 * Rotary position embedding in the Hugging Face "rotate half" convention: in a head of size d, element i and
 * element i + d/2 form a pair rotated by {@code position * inverseFrequency[i]}, with
 * {@code inverseFrequency[i] = theta^(-2i/d)} (optionally reshaped by Llama 3.1 scaling). Angles are computed in
 * fp32 as Hugging Face does and their cosines and sines tabulated for every position of the context.
 * Transcendental functions here and elsewhere in the CPU backend are StrictMath's, so that a given model gives
 * the same bits on any JVM and in any JIT state.
 */
final class RotaryEmbedding {

    private final int headDim;
    private final int half;
    private final float[] cos;
    private final float[] sin;

    RotaryEmbedding(ModelConfig config, int contextLength) {
        this.headDim = config.headDim();
        this.half = headDim / 2;
        float[] inverseFrequency = inverseFrequencies(config);
        this.cos = new float[contextLength * half];
        this.sin = new float[contextLength * half];
        for (int pos = 0; pos < contextLength; pos++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) pos * inverseFrequency[i];
                cos[pos * half + i] = (float) StrictMath.cos(angle);
                sin[pos * half + i] = (float) StrictMath.sin(angle);
            }
        }
    }

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

    /** Rotates {@code heads} consecutive heads of {@code vec}, starting at {@code offset}, for {@code position}. */
    void rotate(float[] vec, int offset, int heads, int position) {
        int table = position * half;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                float c = cos[table + i];
                float s = sin[table + i];
                float x1 = vec[base + i];
                float x2 = vec[base + half + i];
                vec[base + i] = x1 * c - x2 * s;
                vec[base + half + i] = x2 * c + x1 * s;
            }
        }
    }
}
