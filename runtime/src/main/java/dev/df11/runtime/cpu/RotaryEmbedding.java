package dev.df11.runtime.cpu;

import dev.df11.runtime.model.RopeParameters;
import dev.df11.runtime.model.RotaryAngles;

/**
 * Rotary position embedding in the Hugging Face "rotate half" convention: in a head of size d, element i and
 * element i + d/2 form a pair rotated by {@code position * inverseFrequency[i]}, with
 * {@code inverseFrequency[i] = theta^(-2i/d)} (reshaped by the rope type's scaling, with its attention factor); the
 * angles' cosines and sines come from {@link RotaryAngles}, the tables every backend shares. Transcendental functions here and elsewhere
 * in the CPU backend are StrictMath's, so that a given model gives the same bits on any JVM and in any JIT state.
 */
final class RotaryEmbedding {

    private final int headDim;
    private final int half;
    private final float[] cos;
    private final float[] sin;

    /**
     * Rotates the first {@code rotaryDim} values of each {@code headDim}-value head (all of them but in Phi-3's
     * partial rotary), pairing value i with value i + rotaryDim/2, as transformers' rotate_half on the rotary part.
     */
    RotaryEmbedding(RopeParameters rope, int headDim, int rotaryDim, int contextLength) {
        this.headDim = headDim;
        RotaryAngles angles = RotaryAngles.of(rope, rotaryDim, contextLength);
        this.half = angles.half();
        this.cos = angles.cos();
        this.sin = angles.sin();
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
