package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelConfig;

/**
 * The working buffers of one forward step over up to {@code maxBatch} tokens, each a packed
 * {@code batch x width} fp32 array, allocated once.
 */
final class Activations {

    final int maxBatch;
    /** The residual stream. */
    final float[] hidden;
    /** Normalised hidden states fed to attention or the MLP. */
    final float[] normed;
    final float[] query;
    final float[] key;
    final float[] value;
    /** Concatenated attention heads before the output projection. */
    final float[] attention;
    /** Output of the attention or MLP projection, added to the residual stream. */
    final float[] projected;
    final float[] gate;
    final float[] up;
    /** Output of a fused projection (Phi-3's qkv_proj or gate_up_proj) before it is split; empty otherwise. */
    final float[] fused;

    Activations(ModelConfig config, int maxBatch) {
        this.maxBatch = maxBatch;
        hidden = new float[maxBatch * config.hiddenSize()];
        normed = new float[maxBatch * config.hiddenSize()];
        query = new float[maxBatch * config.queryDim()];
        key = new float[maxBatch * config.kvDim()];
        value = new float[maxBatch * config.kvDim()];
        attention = new float[maxBatch * config.queryDim()];
        projected = new float[maxBatch * config.hiddenSize()];
        gate = new float[maxBatch * config.intermediateSize()];
        up = new float[maxBatch * config.intermediateSize()];
        fused = new float[config.fusedProjections()
                ? maxBatch * Math.max(config.queryDim() + 2 * config.kvDim(), 2 * config.intermediateSize()) : 0];
    }
}
