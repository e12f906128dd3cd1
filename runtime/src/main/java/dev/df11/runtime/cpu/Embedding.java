package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.Bf16Matrix;
import dev.df11.runtime.weights.UnitWeights;

/** Token embedding: copies row {@code token} of the embedding matrix, widened to fp32, into the residual stream. */
final class Embedding {

    void lookup(UnitWeights weights, int[] tokens, float[] hidden) {
        Bf16Matrix table = weights.matrix(ModelLayout.EMBEDDING);
        int dim = table.cols();
        for (int b = 0; b < tokens.length; b++) {
            int token = tokens[b];
            if (token < 0 || token >= table.rows()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of "
                        + table.rows());
            }
            Bf16Lanes.toFloats(table.data(), (long) token * dim, hidden, b * dim, dim);
        }
    }
}
