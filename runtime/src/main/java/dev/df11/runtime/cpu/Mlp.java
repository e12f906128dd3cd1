package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.UnitWeights;

/**
 * The gated feed-forward block: {@code down(act(gate(x)) * up(x))} with SiLU (SwiGLU), or for Gemma 3 GELU with the
 * tanh approximation; from {@code normed} into {@code projected}.
 */
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
        if (config.fusedProjections()) {
            FusedProjections.gateUp(matMul, weights.matrix(ModelLayout.layerMatrix(layer, "mlp.gate_up_proj")), act,
                    batch, config.intermediateSize());
        } else {
            matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "mlp.gate_proj")), act.normed, batch,
                    act.gate);
            matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "mlp.up_proj")), act.normed, batch, act.up);
        }
        int n = batch * config.intermediateSize();
        float[] gate = act.gate;
        float[] up = act.up;
        if (config.gemma()) {
            for (int i = 0; i < n; i++) {
                gate[i] = geluTanh(gate[i]) * up[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                float g = gate[i];
                gate[i] = g / (1 + (float) StrictMath.exp(-g)) * up[i];
            }
        }
        matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "mlp.down_proj")), act.gate, batch,
                act.projected);
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    /** PyTorch's {@code gelu(x, approximate="tanh")}: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    static float geluTanh(float x) {
        float inner = SQRT_2_OVER_PI * (x + 0.044715f * x * x * x);
        return 0.5f * x * (1f + (float) StrictMath.tanh(inner));
    }
}
