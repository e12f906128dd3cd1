package dev.df11.runtime.cpu;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.DecodeStats;
import dev.df11.runtime.backend.HostDecoding;
import dev.df11.runtime.backend.SequenceBatching;
import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.model.RopeParameters;
import dev.df11.runtime.weights.UnitWeights;
import dev.df11.runtime.weights.WeightStore;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The pure-Java backend: fp32 arithmetic on BF16 weights with the Vector API over all cores. It owns where the
 * weights of a step live ({@link HostWeights}, created in {@link #load}): compressed units are decoded on the host
 * into buffers sized for the largest layer, the output projection in bands of rows, and the time that takes is
 * reported through {@link HostDecoding}. It is the reference every other backend is compared with. It also runs
 * steps over rows of several sequences, each with its own KV cache ({@link SequenceBatching}, for serving): every
 * layer's weights are decoded once per step and multiplied with all rows in one pass.
 */
public final class CpuBackend implements Backend, HostDecoding, SequenceBatching {

    private final ParallelLoop loop;
    private final int threads;
    private final boolean prefetch;
    private WeightStore weights;
    private HostWeights host;
    private ModelConfig config;
    private Activations act;
    private KvCache cache;
    private RmsNorm norm;
    private Embedding embedding;
    private Attention attention;
    private Mlp mlp;
    private OutputHead head;
    private Attention.LayerVectors[] layerVectors;
    private float[][] inputNorms;
    private float[][] postAttentionNorms;
    /** Gemma 3's norms around the feed-forward; null for the other families. */
    private float[][] preFeedForwardNorms;
    private float[][] postFeedForwardNorms;
    private int batch;
    private int contextLength;

    /** A backend using {@code threads} threads (the caller's plus a fixed pool), decoding each unit when needed. */
    public CpuBackend(int threads) {
        this(threads, false);
    }

    /**
     * A backend using {@code threads} threads for arithmetic and for decoding; with {@code prefetch}, the next DF11
     * unit is decoded on a background thread while the current one computes (a second decode buffer).
     */
    public CpuBackend(int threads, boolean prefetch) {
        this.loop = new ParallelLoop(threads);
        this.threads = threads;
        this.prefetch = prefetch;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void load(WeightStore weights, int contextLength, int maxBatch) {
        if (host != null) {
            throw new IllegalStateException("CpuBackend.load was already called");
        }
        this.weights = weights;
        this.config = weights.config();
        this.act = new Activations(config, maxBatch);
        this.contextLength = contextLength;
        this.cache = new KvCache(config.layerCount(), contextLength, config.kvDim());
        this.norm = new RmsNorm(config.rmsNormEps());
        MatMul matMul = new MatMul(loop);
        this.embedding = new Embedding(config.hiddenSize(), config.gemma() ? (float) Math.sqrt(config.hiddenSize()) : 1f);
        this.attention = new Attention(config, matMul, loop, act, rotaryByLayer(config, contextLength), cache);
        this.mlp = new Mlp(config, matMul, act);
        this.head = new OutputHead(config, norm, normWeight(ModelLayout.FINAL_NORM), matMul);
        int layers = config.layerCount();
        this.inputNorms = new float[layers][];
        this.postAttentionNorms = new float[layers][];
        this.layerVectors = new Attention.LayerVectors[layers];
        if (config.gemma()) {
            this.preFeedForwardNorms = new float[layers][];
            this.postFeedForwardNorms = new float[layers][];
        }
        for (int layer = 0; layer < layers; layer++) {
            inputNorms[layer] = normWeight(ModelLayout.inputNorm(layer));
            postAttentionNorms[layer] = normWeight(ModelLayout.postAttentionNorm(layer));
            if (config.gemma()) {
                preFeedForwardNorms[layer] = normWeight(ModelLayout.preFeedForwardNorm(layer));
                postFeedForwardNorms[layer] = normWeight(ModelLayout.postFeedForwardNorm(layer));
            }
            layerVectors[layer] = new Attention.LayerVectors(
                    config.qkvBias() ? floats(ModelLayout.bias(layer, "q_proj")) : null,
                    config.qkvBias() ? floats(ModelLayout.bias(layer, "k_proj")) : null,
                    config.qkvBias() ? floats(ModelLayout.bias(layer, "v_proj")) : null,
                    config.qkNorm() ? normWeight(ModelLayout.queryNorm(layer)) : null,
                    config.qkNorm() ? normWeight(ModelLayout.keyNorm(layer)) : null);
        }
        this.host = new HostWeights(weights, threads, prefetch);
    }

    /** One rotary table per distinct set of rope parameters (one for every supported family), shared by layers. */
    private static RotaryEmbedding[] rotaryByLayer(ModelConfig config, int contextLength) {
        Map<RopeParameters, RotaryEmbedding> tables = new HashMap<>();
        RotaryEmbedding[] byLayer = new RotaryEmbedding[config.layerCount()];
        for (int layer = 0; layer < byLayer.length; layer++) {
            byLayer[layer] = tables.computeIfAbsent(config.ropeFor(layer),
                    rope -> new RotaryEmbedding(rope, config.headDim(), config.rotaryDim(), contextLength));
        }
        return byLayer;
    }

    /** Norm weights and biases are tiny: widen them to fp32 once. */
    private float[] floats(String vectorName) {
        MemorySegment bf16 = weights.vector(vectorName);
        float[] out = new float[(int) (bf16.byteSize() / 2)];
        Bf16Lanes.toFloats(bf16, 0, out, 0, out.length);
        return out;
    }

    /**
     * The multiplier of an RMSNorm: the stored weight, or for Gemma 3, which stores it as an offset from one,
     * {@code 1 + w} (added in float32, as transformers does before multiplying).
     */
    private float[] normWeight(String vectorName) {
        float[] weight = floats(vectorName);
        if (config.gemma()) {
            for (int i = 0; i < weight.length; i++) {
                weight[i] = 1f + weight[i];
            }
        }
        return weight;
    }

    /** Windowed attention, per-layer rotary tables and every family's block are implemented here. */
    @Override
    public Optional<String> unsupported(ModelConfig config, int contextLength) {
        return Optional.empty();
    }

    @Override
    public void embed(MemorySegment bf16Rows, int count) {
        requireLoaded();
        if (count <= 0 || count > act.maxBatch) {
            throw new IllegalArgumentException("batch of " + count + " tokens, expected 1.." + act.maxBatch);
        }
        embedding.load(bf16Rows, count, act.hidden);
        batch = count;
    }

    @Override
    public void block(int layer, int startPos) {
        requireLoaded();
        runBlock(layer, unitWeights -> attention.forward(layer, unitWeights, layerVectors[layer], startPos, batch));
    }

    /** One decoder block over the current batch; {@code attend} runs the attention, reading normed, writing projected. */
    private void runBlock(int layer, Consumer<UnitWeights> attend) {
        UnitWeights unitWeights = host.layer(layer);
        int dim = config.hiddenSize();
        norm.apply(act.hidden, act.normed, batch, dim, inputNorms[layer]);
        attend.accept(unitWeights);
        if (preFeedForwardNorms == null) {
            VectorMath.add(act.projected, 0, act.hidden, 0, batch * dim);
            norm.apply(act.hidden, act.normed, batch, dim, postAttentionNorms[layer]);
            mlp.forward(layer, unitWeights, batch);
        } else {
            // Gemma 3 normalises each sublayer's output before it joins the residual stream, and the MLP's input
            // with a norm of its own.
            norm.apply(act.projected, act.projected, batch, dim, postAttentionNorms[layer]);
            VectorMath.add(act.projected, 0, act.hidden, 0, batch * dim);
            norm.apply(act.hidden, act.normed, batch, dim, preFeedForwardNorms[layer]);
            mlp.forward(layer, unitWeights, batch);
            norm.apply(act.projected, act.projected, batch, dim, postFeedForwardNorms[layer]);
        }
        VectorMath.add(act.projected, 0, act.hidden, 0, batch * dim);
    }

    @Override
    public int maxRows() {
        requireLoaded();
        return act.maxBatch;
    }

    @Override
    public long sequenceCacheBytes(int positions) {
        return 2L * config.layerCount() * positions * config.kvDim() * Float.BYTES;
    }

    @Override
    public SequenceCache newSequenceCache(int positions) {
        requireLoaded();
        if (positions < 1 || positions > contextLength) {
            throw new IllegalArgumentException("a sequence cache of " + positions + " positions, expected 1.."
                    + contextLength + " (the loaded context)");
        }
        return new CpuSequenceCache(new KvCache(config.layerCount(), positions, config.kvDim()));
    }

    @Override
    public void forwardRows(MemorySegment bf16Rows, int count, SequenceCache[] caches, int[] positions,
                            int[] logitRows, float[][] logits) {
        requireLoaded();
        if (count <= 0 || count > act.maxBatch || caches.length < count || positions.length < count
                || logits.length < logitRows.length) {
            throw new IllegalArgumentException("a step of " + count + " rows (" + caches.length + " caches, "
                    + positions.length + " positions, " + logits.length + " logit arrays), expected 1.."
                    + act.maxBatch + " rows");
        }
        KvCache[] kv = new KvCache[count];
        for (int i = 0; i < count; i++) {
            if (!(caches[i] instanceof CpuSequenceCache(KvCache own))) {
                throw new IllegalArgumentException("row " + i + ": a cache this backend did not make");
            }
            kv[i] = own;
        }
        for (int row : logitRows) {
            if (row < 0 || row >= count) {
                throw new IllegalArgumentException("logits asked for row " + row + " of a step of " + count);
            }
        }
        embedding.load(bf16Rows, count, act.hidden);
        batch = count;
        for (int layer = 0; layer < config.layerCount(); layer++) {
            int l = layer;
            runBlock(layer, unitWeights -> attention.forwardRows(l, unitWeights, layerVectors[l], kv, positions, count));
        }
        if (logitRows.length > 0) {
            head.normalizeRows(act.hidden, logitRows);
            for (int band = 0; band < host.outputBands().size(); band++) {
                head.logitsRows(host.outputBand(band), logits, logitRows.length);
            }
            for (int i = 0; i < logitRows.length; i++) {
                SoftCap.apply(logits[i], 0, config.vocabSize(), (float) config.finalLogitSoftcap());
            }
        }
    }

    /** One sequence's KV cache (serving). */
    private record CpuSequenceCache(KvCache cache) implements SequenceCache {
        @Override
        public int positions() {
            return cache.contextLength();
        }

        @Override
        public long bytes() {
            return cache.bytes();
        }
    }

    @Override
    public void finalNorm() {
        requireLoaded();
        head.normalize(act.hidden, batch - 1);
    }

    @Override
    public void logits(float[] out) {
        requireLoaded();
        for (int band = 0; band < host.outputBands().size(); band++) {
            head.logits(host.outputBand(band), out);
        }
        SoftCap.apply(out, 0, config.vocabSize(), (float) config.finalLogitSoftcap());
    }

    @Override
    public long workingBytes() {
        long floats = act.hidden.length + act.normed.length + act.query.length + act.key.length + act.value.length
                + act.attention.length + act.projected.length + act.gate.length + act.up.length + act.fused.length;
        return floats * Float.BYTES + cache.bytes();
    }

    @Override
    public long decodeBufferBytes() {
        requireLoaded();
        return host.decodeBufferBytes();
    }

    @Override
    public DecodeStats decodeStats() {
        requireLoaded();
        return host.stats();
    }

    private void requireLoaded() {
        if (host == null) {
            throw new IllegalStateException("CpuBackend.load was not called");
        }
    }

    @Override
    public void close() {
        loop.close();
        if (host != null) {
            host.close();
        }
    }
}
