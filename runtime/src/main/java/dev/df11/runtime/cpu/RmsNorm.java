package dev.df11.runtime.cpu;

/**
 * Root-mean-square layer norm: {@code y = (x / sqrt(mean(x^2) + eps)) * weight}, applied to each row of a packed
 * batch. The same operation normalises whole hidden states and, for Qwen3, each query and key head.
 */
final class RmsNorm {

    private final float eps;

    RmsNorm(float eps) {
        this.eps = eps;
    }

    /** Normalises {@code rows} consecutive rows of {@code dim} values from {@code in} into {@code out}. */
    void apply(float[] in, float[] out, int rows, int dim, float[] weight) {
        for (int row = 0; row < rows; row++) {
            applyRow(in, row * dim, out, row * dim, dim, weight);
        }
    }

    /** Normalises one row in place or into another array. */
    void applyRow(float[] in, int inOffset, float[] out, int outOffset, int dim, float[] weight) {
        float meanSquare = VectorMath.sumOfSquares(in, inOffset, dim) / dim;
        float scale = (float) (1.0 / Math.sqrt(meanSquare + eps));
        for (int i = 0; i < dim; i++) {
            out[outOffset + i] = in[inOffset + i] * scale * weight[i];
        }
    }
}
