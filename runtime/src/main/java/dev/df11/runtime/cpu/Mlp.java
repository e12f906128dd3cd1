package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.UnitWeights;

/** The SwiGLU feed-forward block: {@code down(silu(gate(x)) * up(x))}, from {@code normed} into {@code projected}. */
final class Mlp {

    private final ModelConfig config;
    private final MatMul matMul;
    private final Activations act;

    Mlp(ModelConfig config, MatMul matMul, Activations act) {
        this.config = config;
        this.matMul = matMul;
        this.act = act;
    }

    void forward(int layer, UnitWeights weights, int batch) {
        matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "mlp.gate_proj")), act.normed, batch, act.gate);
        matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "mlp.up_proj")), act.normed, batch, act.up);
        int n = batch * config.intermediateSize();
        float[] gate = act.gate;
        float[] up = act.up;
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1 + (float) StrictMath.exp(-g)) * up[i];
        }
        matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "mlp.down_proj")), act.gate, batch,
                act.projected);
    }
}
