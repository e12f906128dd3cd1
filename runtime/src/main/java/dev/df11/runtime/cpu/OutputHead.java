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
    /** Several sequences' normalised rows (serving), grown as needed. */
    private float[] lastRows = new float[0];
    private float[] bandRows = new float[0];

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

    /** Normalises rows {@code rows[0..]} of {@code hidden} (one per sequence of a served batch), as {@link #normalize}. */
    void normalizeRows(float[] hidden, int[] rows) {
        int dim = config.hiddenSize();
        if (lastRows.length < rows.length * dim) {
            lastRows = new float[rows.length * dim];
        }
        for (int j = 0; j < rows.length; j++) {
            norm.applyRow(hidden, rows[j] * dim, lastRows, j * dim, dim, normWeight);
        }
    }

    /**
     * As {@link #logits}, for the first {@code count} rows {@link #normalizeRows} prepared: the band's rows are
     * multiplied with all of them in one pass, and row j's logits land in {@code logits[j]}.
     */
    void logitsRows(UnitWeights weights, float[][] logits, int count) {
        MatrixSlot slot = weights.unit().slot(outputMatrix);
        Bf16Matrix rows = weights.matrix(outputMatrix);
        int n = rows.rows();
        if (bandRows.length < count * n) {
            bandRows = new float[count * n];
        }
        matMul.multiply(rows, lastRows, count, bandRows);
        for (int j = 0; j < count; j++) {
            if (slot.firstRow() + n > logits[j].length) {
                throw new IllegalArgumentException("output rows " + slot.firstRow() + ".." + (slot.firstRow() + n)
                        + " do not fit " + logits[j].length + " logits");
            }
            System.arraycopy(bandRows, j * n, logits[j], slot.firstRow(), n);
        }
    }
}
