package dev.df11.tornado.forward;

import dev.df11.runtime.model.ModelConfig;

/**
 * The sizes the device forward pass is built for: the model's dimensions plus the context and batch capacity of the
 * buffers. Activations use fused layouts: one token's q|k|v projections form one row of {@link #qkvWidth()} floats
 * (queries, then keys, then values), and its gate|up projections one row of {@code 2 * intermediate} floats, because
 * the unit stores those matrices consecutively and one launch over the stacked rows computes them all.
 *
 * <p>The KV cache of each layer holds {@code sequences} slots of {@code contextLength} positions each (slot s's
 * position p is cache row {@code s * contextLength + p}); a step's rows may belong to different slots (serving).
 *
 * @param config        the model
 * @param contextLength positions each KV-cache slot holds
 * @param maxBatch      rows (tokens) one step may carry, of one sequence or of several
 * @param sequences     KV-cache slots: sequences whose caches exist at once (1 outside serving)
 */
public record ForwardShape(ModelConfig config, int contextLength, int maxBatch, int sequences) {

    public ForwardShape {
        if (contextLength < 1 || maxBatch < 1 || sequences < 1) {
            throw new IllegalArgumentException("context " + contextLength + ", batch " + maxBatch + " and sequence"
                    + " slots " + sequences + " must all be >= 1");
        }
        if (config.layerCount() < 1) {
            throw new IllegalArgumentException("a model without decoder layers has nothing to run");
        }
        // Every device buffer is indexed by int: check the largest products once, here.
        Math.multiplyExact(maxBatch, Math.multiplyExact(config.headCount(), contextLength));
        Math.multiplyExact(Math.multiplyExact(sequences, contextLength), config.kvDim());
        Math.multiplyExact(Math.min(maxBatch, sequences), config.vocabSize());
        Math.multiplyExact(maxBatch, 2 * config.intermediateSize());
        Math.multiplyExact(config.vocabSize(), config.hiddenSize());
    }

    /** One KV-cache slot: a single sequence of up to {@code contextLength} tokens, batches of up to maxBatch. */
    public ForwardShape(ModelConfig config, int contextLength, int maxBatch) {
        this(config, contextLength, maxBatch, 1);
    }

    /**
     * Rows whose logits one step can return: one per sequence at most (a sequence samples after its last row), and
     * no more than a step's rows.
     */
    public int logitRows() {
        return Math.min(maxBatch, sequences);
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
