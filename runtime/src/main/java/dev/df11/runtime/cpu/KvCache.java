package dev.df11.runtime.cpu;

/**
 * Keys and values of every layer for every position served so far, in fp32: per layer one
 * {@code contextLength x kvDim} array for keys and one for values.
 */
final class KvCache {

    private final int kvDim;
    private final int contextLength;
    private final float[][] keys;
    private final float[][] values;

    KvCache(int layers, int contextLength, int kvDim) {
        this.kvDim = kvDim;
        this.contextLength = contextLength;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        for (int layer = 0; layer < layers; layer++) {
            keys[layer] = new float[Math.multiplyExact(contextLength, kvDim)];
            values[layer] = new float[contextLength * kvDim];
        }
    }

    int contextLength() {
        return contextLength;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /** Stores one position's key and value rows (taken from {@code k[kOffset..]}, {@code v[vOffset..]}). */
    void store(int layer, int position, float[] k, int kOffset, float[] v, int vOffset) {
        if (position < 0 || position >= contextLength) {
            throw new IllegalArgumentException("position " + position + " outside the context of " + contextLength);
        }
        System.arraycopy(k, kOffset, keys[layer], position * kvDim, kvDim);
        System.arraycopy(v, vOffset, values[layer], position * kvDim, kvDim);
    }

    long bytes() {
        return 2L * keys.length * contextLength * kvDim * Float.BYTES;
    }
}
