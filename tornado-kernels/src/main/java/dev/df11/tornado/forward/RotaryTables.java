package dev.df11.tornado.forward;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.RopeScaling;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Cosines and sines of the rotary angles for every position of the context, computed on the host exactly as the CPU
 * backend computes them (inverse frequencies {@code theta^(-2i/d)} in double, reshaped by Llama 3.1 scaling, rounded
 * to fp32; angle {@code p * f} in fp32; cosine and sine in double, rounded), so both backends rotate with the same
 * numbers (StrictMath, as the CPU backend uses, so the tables are the same on every machine).
 *
 * @param cos row p holds the {@code headDim/2} cosines of position p
 * @param sin the sines, same layout
 */
public record RotaryTables(FloatArray cos, FloatArray sin) {

    /** Tables for positions {@code 0 .. contextLength-1}. */
    public static RotaryTables of(ModelConfig config, int contextLength) {
        int half = config.headDim() / 2;
        float[] inverse = inverseFrequencies(config);
        FloatArray cos = new FloatArray(Math.multiplyExact(contextLength, half));
        FloatArray sin = new FloatArray(contextLength * half);
        for (int pos = 0; pos < contextLength; pos++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) pos * inverse[i];
                cos.set(pos * half + i, (float) StrictMath.cos(angle));
                sin.set(pos * half + i, (float) StrictMath.sin(angle));
            }
        }
        return new RotaryTables(cos, sin);
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
}
