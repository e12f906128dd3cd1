package dev.df11.tornado.forward;

import dev.df11.runtime.model.ModelConfig;

/**
 * The sizes the device forward pass is built for: the model's dimensions plus the context and batch capacity of the
 * buffers. Activations use fused layouts: one token's q|k|v projections form one row of {@link #qkvWidth()} floats
 * (queries, then keys, then values), and its gate|up projections one row of {@code 2 * intermediate} floats, because
 * the unit stores those matrices consecutively and one launch over the stacked rows computes them all.
 *
 * @param config        the model
 * @param contextLength positions the KV cache holds
 * @param maxBatch      tokens one step may carry
 */
public record ForwardShape(ModelConfig config, int contextLength, int maxBatch) {

    public ForwardShape {
        if (contextLength < 1 || maxBatch < 1 || maxBatch > contextLength) {
            throw new IllegalArgumentException("context " + contextLength + " and batch " + maxBatch
                    + " must satisfy 1 <= batch <= context");
        }
        if (config.layerCount() < 1) {
            throw new IllegalArgumentException("a model without decoder layers has nothing to run");
        }
        // Every device buffer is indexed by int: check the largest products once, here.
        Math.multiplyExact(maxBatch, Math.multiplyExact(config.headCount(), contextLength));
        Math.multiplyExact(contextLength, config.kvDim());
        Math.multiplyExact(maxBatch, 2 * config.intermediateSize());
        Math.multiplyExact(config.vocabSize(), config.hiddenSize());
    }

    public int hidden() {
        return config.hiddenSize();
    }

    public int intermediate() {
        return config.intermediateSize();
    }

    public int heads() {
        return config.headCount();
    }

    public int kvHeads() {
        return config.kvHeadCount();
    }

    public int headDim() {
        return config.headDim();
    }

    public int queryDim() {
        return config.queryDim();
    }

    public int kvDim() {
        return config.kvDim();
    }

    /** Width of one token's fused q|k|v row. */
    public int qkvWidth() {
        return config.queryDim() + 2 * config.kvDim();
    }

    public int vocab() {
        return config.vocabSize();
    }

    public int layers() {
        return config.layerCount();
    }

    public float eps() {
        return config.rmsNormEps();
    }

    /**
     * The attention score scale, {@code 1 / sqrt(headDim)} or Gemma 3's {@code 1 / sqrt(query_pre_attn_scalar)}: the
     * config's, which the CPU backend uses too.
     */
    public float attentionScale() {
        return config.attentionScale();
    }

    /**
     * Positions a query of decoder layer {@code layer} attends to, its own included: the layer's sliding window where
     * it is shorter than the context, else the whole context (the kernel's "no window").
     */
    public int attentionWindow(int layer) {
        int window = config.attentionWindow(layer);
        return window > 0 && window < contextLength ? window : contextLength;
    }
}
