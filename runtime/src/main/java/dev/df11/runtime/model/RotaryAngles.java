package dev.df11.runtime.model;

/**
 * The cosines and sines of the rotary-embedding angles for every position of a context, the one definition every
 * backend rotates with: inverse frequencies from {@link RopeParameters} (the rope type's formula in double, as
 * transformers' {@code ROPE_INIT_FUNCTIONS} define them), rounded to fp32; angle {@code p * f} in fp32; cosine and
 * sine by StrictMath, times the rope type's attention factor (yarn, longrope) in fp32, so the tables are the same
 * bits on every JVM and machine, and CPU and GPU backends agree by construction.
 *
 * @param half how many angles a position has ({@code headDim / 2})
 * @param cos  row {@code p} (at {@code p * half}) holds position p's cosines
 * @param sin  the sines, same layout
 */
public record RotaryAngles(int half, float[] cos, float[] sin) {

    /** Tables for positions {@code 0 .. contextLength-1} of a model whose layers all rotate alike. */
    public static RotaryAngles of(ModelConfig config, int contextLength) {
        if (!config.uniformRope()) {
            throw new UnsupportedModelException("the layers' rope_parameters differ by layer type; this backend "
                    + "rotates every layer with one table");
        }
        return of(config.rope(), config.headDim(), contextLength);
    }

    /** Tables for positions {@code 0 .. contextLength-1} of heads of {@code headDim} values. */
    public static RotaryAngles of(RopeParameters rope, int headDim, int contextLength) {
        int half = headDim / 2;
        float[] inverse = inverseFrequencies(rope, headDim, contextLength);
        float attention = (float) rope.attentionFactor();
        float[] cos = new float[Math.multiplyExact(contextLength, half)];
        float[] sin = new float[cos.length];
        for (int pos = 0; pos < contextLength; pos++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) pos * inverse[i];
                cos[pos * half + i] = (float) StrictMath.cos(angle) * attention;
                sin[pos * half + i] = (float) StrictMath.sin(angle) * attention;
            }
        }
        return new RotaryAngles(half, cos, sin);
    }

    /** The rope's inverse frequencies for this head size and context, rounded to fp32. */
    public static float[] inverseFrequencies(RopeParameters rope, int headDim, int contextLength) {
        double[] exact = rope.inverseFrequencies(headDim, contextLength);
        float[] inverse = new float[exact.length];
        for (int i = 0; i < exact.length; i++) {
            inverse[i] = (float) exact[i];
        }
        return inverse;
    }
}
