package dev.df11.runtime.cpu;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.UnitWeights;

/**
 * Causal self-attention with grouped key/value heads: project the normalised input to queries, keys and values
 * (plus Qwen2 biases, plus Qwen3 per-head norms), rotate queries and keys with the layer's rotary tables, append keys
 * and values to the cache, attend each query head over the earlier positions (all of them, or in a sliding-attention
 * layer the last {@code sliding_window} ones, its own included, as transformers masks them), and project the
 * concatenated heads back to the hidden size. Scores are scaled by {@link ModelConfig#attentionScale}. Reads {@code normed}, writes {@code projected}.
 */
final class Attention {

    /** Per-layer vectors the attention reads besides its matrices; null entries where the model has none. */
    record LayerVectors(float[] queryBias, float[] keyBias, float[] valueBias, float[] queryNorm, float[] keyNorm) {
    }

    private final ModelConfig config;
    private final MatMul matMul;
    private final ParallelLoop loop;
    private final Activations act;
    private final RotaryEmbedding[] rotaryByLayer;
    private final KvCache cache;
    private final RmsNorm headNorm;
    private final float scale;
    private final ThreadLocal<float[]> scores;

    /** {@code rotaryByLayer[layer]} rotates that layer's queries and keys. */
    Attention(ModelConfig config, MatMul matMul, ParallelLoop loop, Activations act, RotaryEmbedding[] rotaryByLayer,
              KvCache cache) {
        this.config = config;
        this.matMul = matMul;
        this.loop = loop;
        this.act = act;
        this.rotaryByLayer = rotaryByLayer.clone();
        this.cache = cache;
        this.headNorm = new RmsNorm(config.rmsNormEps());
        this.scale = config.attentionScale();
        this.scores = ThreadLocal.withInitial(() -> new float[cache.contextLength()]);
    }

    /** Attention for {@code batch} tokens of one sequence at positions {@code startPos, startPos+1, ...}. */
    void forward(int layer, UnitWeights weights, LayerVectors vectors, int startPos, int batch) {
        KvCache[] caches = new KvCache[batch];
        int[] positions = new int[batch];
        for (int b = 0; b < batch; b++) {
            caches[b] = cache;
            positions[b] = startPos + b;
        }
        forwardRows(layer, weights, vectors, caches, positions, batch);
    }

    /**
     * Attention for {@code batch} rows that may belong to different sequences (serving): row b is the token at
     * {@code positions[b]} of the sequence whose cache is {@code caches[b]}. Rows of one sequence come in position
     * order, so a row attends to the keys of the rows before it. Each row's arithmetic is the same as alone.
     */
    void forwardRows(int layer, UnitWeights weights, LayerVectors vectors, KvCache[] caches, int[] positions,
                     int batch) {
        int qDim = config.queryDim();
        int kvDim = config.kvDim();
        if (config.fusedProjections()) {
            FusedProjections.queryKeyValue(matMul, weights.matrix(ModelLayout.layerMatrix(layer, "self_attn.qkv_proj")),
                    act, batch, qDim, kvDim);
        } else {
            matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "self_attn.q_proj")), act.normed, batch,
                    act.query);
            matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "self_attn.k_proj")), act.normed, batch,
                    act.key);
            matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "self_attn.v_proj")), act.normed, batch,
                    act.value);
        }
        for (int b = 0; b < batch; b++) {
            if (vectors.queryBias() != null) {
                VectorMath.add(vectors.queryBias(), 0, act.query, b * qDim, qDim);
                VectorMath.add(vectors.keyBias(), 0, act.key, b * kvDim, kvDim);
                VectorMath.add(vectors.valueBias(), 0, act.value, b * kvDim, kvDim);
            }
            if (vectors.queryNorm() != null) {
                normalizeHeads(act.query, b * qDim, config.headCount(), vectors.queryNorm());
                normalizeHeads(act.key, b * kvDim, config.kvHeadCount(), vectors.keyNorm());
            }
            int position = positions[b];
            RotaryEmbedding rotary = rotaryByLayer[layer];
            rotary.rotate(act.query, b * qDim, config.headCount(), position);
            rotary.rotate(act.key, b * kvDim, config.kvHeadCount(), position);
            caches[b].store(layer, position, act.key, b * kvDim, act.value, b * kvDim);
        }
        int heads = config.headCount();
        loop.forEach(batch * heads, task -> attendHead(layer, task / heads, task % heads, caches[task / heads],
                positions[task / heads]));
        matMul.multiply(weights.matrix(ModelLayout.layerMatrix(layer, "self_attn.o_proj")), act.attention, batch,
                act.projected);
    }

    private void normalizeHeads(float[] vec, int offset, int heads, float[] weight) {
        int dim = config.headDim();
        for (int h = 0; h < heads; h++) {
            headNorm.applyRow(vec, offset + h * dim, vec, offset + h * dim, dim, weight);
        }
    }

    /**
     * One query head of row b (at {@code position} of the sequence {@code cache} holds) over the positions its
     * layer's window allows, up to its own.
     */
    private void attendHead(int layer, int b, int head, KvCache cache, int position) {
        int dim = config.headDim();
        int kvDim = config.kvDim();
        int window = config.attentionWindow(layer);
        int first = window > 0 ? Math.max(0, position - window + 1) : 0;
        int query = b * config.queryDim() + head * dim;
        int kvOffset = (head / config.groupSize()) * dim;
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        float[] weights = scores.get();
        for (int t = first; t <= position; t++) {
            weights[t] = VectorMath.dot(act.query, query, keys, t * kvDim + kvOffset, dim) * scale;
        }
        VectorMath.softmax(weights, first, position + 1 - first);
        int out = b * config.queryDim() + head * dim;
        java.util.Arrays.fill(act.attention, out, out + dim, 0f);
        for (int t = first; t <= position; t++) {
            VectorMath.addScaled(weights[t], values, t * kvDim + kvOffset, act.attention, out, dim);
        }
    }
}
