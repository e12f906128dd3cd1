package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.UnitWeights;

/** Final RMSNorm of the last token's hidden state, then the projection to vocabulary logits. */
final class OutputHead {

    private final ModelConfig config;
    private final ModelLayout layout;
    private final RmsNorm norm;
    private final float[] normWeight;
    private final MatMul matMul;
    private final float[] lastRow;

    OutputHead(ModelConfig config, RmsNorm norm, float[] normWeight, MatMul matMul) {
        this.config = config;
        this.layout = new ModelLayout(config);
        this.norm = norm;
        this.normWeight = normWeight;
        this.matMul = matMul;
        this.lastRow = new float[config.hiddenSize()];
    }

    /** Logits of row {@code row} of {@code hidden} into {@code logits}. */
    void logits(UnitWeights weights, float[] hidden, int row, float[] logits) {
        int dim = config.hiddenSize();
        norm.applyRow(hidden, row * dim, lastRow, 0, dim, normWeight);
        matMul.multiply(weights.matrix(layout.outputMatrix()), lastRow, 1, logits);
    }
}
