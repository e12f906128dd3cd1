package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.Bf16Matrix;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.UnitWeights;

/**
 * Final RMSNorm of the last token's hidden state, then the projection to vocabulary logits, one band of output rows
 * at a time (each logit is one row's dot product, so the bands do not change the result).
 */
final class OutputHead {

    private final ModelConfig config;
    private final String outputMatrix;
    private final RmsNorm norm;
    private final float[] normWeight;
    private final MatMul matMul;
    private final float[] lastRow;
    private final float[] band;

    OutputHead(ModelConfig config, RmsNorm norm, float[] normWeight, MatMul matMul) {
        this.config = config;
        this.outputMatrix = new ModelLayout(config).outputMatrix();
        this.norm = norm;
        this.normWeight = normWeight;
        this.matMul = matMul;
        this.lastRow = new float[config.hiddenSize()];
        this.band = new float[config.vocabSize()];
    }

    /** Normalises row {@code row} of {@code hidden}, the token whose logits follow. */
    void normalize(float[] hidden, int row) {
        int dim = config.hiddenSize();
        norm.applyRow(hidden, row * dim, lastRow, 0, dim, normWeight);
    }

    /** Logits of the rows this unit holds, written at their vocabulary positions in {@code logits}. */
    void logits(UnitWeights weights, float[] logits) {
        MatrixSlot slot = weights.unit().slot(outputMatrix);
        Bf16Matrix rows = weights.matrix(outputMatrix);
        if (slot.firstRow() + rows.rows() > logits.length) {
            throw new IllegalArgumentException("output rows " + slot.firstRow() + ".." + (slot.firstRow() + rows.rows())
                    + " do not fit " + logits.length + " logits");
        }
        matMul.multiply(rows, lastRow, 1, band);
        System.arraycopy(band, 0, logits, slot.firstRow(), rows.rows());
    }
}
