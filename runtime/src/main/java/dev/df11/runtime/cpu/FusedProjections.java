package dev.df11.runtime.cpu;

import dev.df11.runtime.weights.Bf16Matrix;

/**
 * Phi-3's fused projections: one product with {@code qkv_proj} (rows: the query heads, then the key heads, then the
 * value heads) or {@code gate_up_proj} (rows: gate, then up), split into the buffers the separate projections of
 * the other families fill. Each output value is the same row's dot product either way.
 */
final class FusedProjections {

    private FusedProjections() {
    }

    /** {@code normed} times {@code qkv} into {@code query}, {@code key} and {@code value}. */
    static void queryKeyValue(MatMul matMul, Bf16Matrix qkv, Activations act, int batch, int qDim, int kvDim) {
        matMul.multiply(qkv, act.normed, batch, act.fused);
        int width = qDim + 2 * kvDim;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(act.fused, b * width, act.query, b * qDim, qDim);
            System.arraycopy(act.fused, b * width + qDim, act.key, b * kvDim, kvDim);
            System.arraycopy(act.fused, b * width + qDim + kvDim, act.value, b * kvDim, kvDim);
        }
    }

    /** {@code normed} times {@code gateUp} into {@code gate} (first half of the rows) and {@code up}. */
    static void gateUp(MatMul matMul, Bf16Matrix gateUp, Activations act, int batch, int inter) {
        matMul.multiply(gateUp, act.normed, batch, act.fused);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(act.fused, b * 2 * inter, act.gate, b * inter, inter);
            System.arraycopy(act.fused, b * 2 * inter + inter, act.up, b * inter, inter);
        }
    }
}
