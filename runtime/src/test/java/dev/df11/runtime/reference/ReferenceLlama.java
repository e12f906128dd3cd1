package dev.df11.runtime.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.format.safetensors.SafetensorsDirectory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * An independent Llama forward pass written straight from the equations, for checking the runtime: scalar loops,
 * double accumulators, weights widened from BF16 into plain float arrays, its own reading of config.json. It shares
 * no code with dev.df11.runtime (only the format module's safetensors reader). It covers the switches the runtime
 * claims: grouped KV heads, Qwen2 q/k/v biases, Qwen3 per-head q/k norms, Llama 3.1 rope scaling, Mistral's
 * sliding window (each query attends to the last {@code sliding_window} positions, itself included), tied or untied
 * output. Deliberately slow and obvious.
 */
public final class ReferenceLlama {

    /** How rotary pairs are formed: Hugging Face pairs (i, i + d/2); the (wrong here) alternative pairs (2i, 2i+1). */
    public enum Rotary { ROTATE_HALF, INTERLEAVED }

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int dim, hidden, layers, heads, kvHeads, headDim, vocab;
    private final double eps, theta;
    private final JsonNode ropeScaling;
    private final boolean qkvBias, qkNorm;
    /** Mistral's attention window in positions, or 0 for none. */
    private final int window;
    private final Rotary rotary;
    private final boolean useNormWeights;

    private final float[][] embed;
    private final float[][] output;
    private final float[] finalNorm;
    private final Layer[] weights;
    private final float[][][] keyCache;
    private final float[][][] valueCache;

    private record Layer(float[][] wq, float[][] wk, float[][] wv, float[][] wo, float[][] gate, float[][] up,
                         float[][] down, float[] inNorm, float[] postNorm, float[] bq, float[] bk, float[] bv,
                         float[] qNorm, float[] kNorm) {
    }

    /**
     * @param useNormWeights false replaces every norm weight by 1 (a deliberately wrong variant for negative checks)
     */
    public ReferenceLlama(Path modelDir, int maxPositions, Rotary rotary, boolean useNormWeights) throws IOException {
        JsonNode c = new ObjectMapper().readTree(modelDir.resolve("config.json").toFile());
        String type = c.get("model_type").asText();
        dim = c.get("hidden_size").asInt();
        hidden = c.get("intermediate_size").asInt();
        layers = c.get("num_hidden_layers").asInt();
        heads = c.get("num_attention_heads").asInt();
        kvHeads = c.has("num_key_value_heads") ? c.get("num_key_value_heads").asInt() : heads;
        headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : dim / heads;
        vocab = c.get("vocab_size").asInt();
        eps = c.get("rms_norm_eps").asDouble();
        theta = c.has("rope_theta") ? c.get("rope_theta").asDouble() : 10000;
        ropeScaling = c.get("rope_scaling");
        qkvBias = type.equals("qwen2");
        qkNorm = type.equals("qwen3");
        window = type.equals("mistral") && c.hasNonNull("sliding_window") ? c.get("sliding_window").asInt() : 0;
        this.rotary = rotary;
        this.useNormWeights = useNormWeights;
        boolean tied = c.path("tie_word_embeddings").asBoolean(false);
        try (SafetensorsDirectory files = SafetensorsDirectory.open(modelDir)) {
            embed = matrix(files, "model.embed_tokens.weight");
            output = tied ? embed : matrix(files, "lm_head.weight");
            finalNorm = vector(files, "model.norm.weight");
            weights = new Layer[layers];
            for (int l = 0; l < layers; l++) {
                String p = "model.layers." + l + ".";
                weights[l] = new Layer(
                        matrix(files, p + "self_attn.q_proj.weight"), matrix(files, p + "self_attn.k_proj.weight"),
                        matrix(files, p + "self_attn.v_proj.weight"), matrix(files, p + "self_attn.o_proj.weight"),
                        matrix(files, p + "mlp.gate_proj.weight"), matrix(files, p + "mlp.up_proj.weight"),
                        matrix(files, p + "mlp.down_proj.weight"),
                        vector(files, p + "input_layernorm.weight"), vector(files, p + "post_attention_layernorm.weight"),
                        qkvBias ? vector(files, p + "self_attn.q_proj.bias") : null,
                        qkvBias ? vector(files, p + "self_attn.k_proj.bias") : null,
                        qkvBias ? vector(files, p + "self_attn.v_proj.bias") : null,
                        qkNorm ? vector(files, p + "self_attn.q_norm.weight") : null,
                        qkNorm ? vector(files, p + "self_attn.k_norm.weight") : null);
            }
        }
        keyCache = new float[layers][maxPositions][kvHeads * headDim];
        valueCache = new float[layers][maxPositions][kvHeads * headDim];
    }

    public int vocabSize() {
        return vocab;
    }

    /** Logits after feeding {@code token} at {@code pos} (all earlier positions must have been fed in order). */
    public float[] forward(int token, int pos) {
        float[] x = embed[token].clone();
        for (int l = 0; l < layers; l++) {
            Layer w = weights[l];
            float[] h = rmsNorm(x, w.inNorm());
            float[] q = matVec(w.wq(), h);
            float[] k = matVec(w.wk(), h);
            float[] v = matVec(w.wv(), h);
            if (qkvBias) {
                addInPlace(q, w.bq());
                addInPlace(k, w.bk());
                addInPlace(v, w.bv());
            }
            if (qkNorm) {
                normHeads(q, heads, w.qNorm());
                normHeads(k, kvHeads, w.kNorm());
            }
            rope(q, heads, pos);
            rope(k, kvHeads, pos);
            keyCache[l][pos] = k;
            valueCache[l][pos] = v;
            float[] attended = new float[heads * headDim];
            int group = heads / kvHeads;
            for (int head = 0; head < heads; head++) {
                int kvBase = (head / group) * headDim;
                double[] scores = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
                for (int t = first; t <= pos; t++) {
                    double s = 0;
                    for (int i = 0; i < headDim; i++) {
                        s += (double) q[head * headDim + i] * keyCache[l][t][kvBase + i];
                    }
                    scores[t] = s / Math.sqrt(headDim);
                    max = Math.max(max, scores[t]);
                }
                double sum = 0;
                for (int t = first; t <= pos; t++) {
                    scores[t] = Math.exp(scores[t] - max);
                    sum += scores[t];
                }
                for (int i = 0; i < headDim; i++) {
                    double acc = 0;
                    for (int t = first; t <= pos; t++) {
                        acc += scores[t] / sum * valueCache[l][t][kvBase + i];
                    }
                    attended[head * headDim + i] = (float) acc;
                }
            }
            addInPlace(x, matVec(w.wo(), attended));
            float[] h2 = rmsNorm(x, w.postNorm());
            float[] g = matVec(w.gate(), h2);
            float[] u = matVec(w.up(), h2);
            float[] act = new float[hidden];
            for (int i = 0; i < hidden; i++) {
                act[i] = (float) (g[i] / (1 + Math.exp(-g[i])) * u[i]);
            }
            addInPlace(x, matVec(w.down(), act));
        }
        return matVec(output, rmsNorm(x, finalNorm));
    }

    private float[] rmsNorm(float[] x, float[] weight) {
        double ss = 0;
        for (float v : x) {
            ss += (double) v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + eps);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * inv * (useNormWeights ? weight[i] : 1));
        }
        return out;
    }

    private void normHeads(float[] v, int count, float[] weight) {
        for (int head = 0; head < count; head++) {
            float[] one = new float[headDim];
            System.arraycopy(v, head * headDim, one, 0, headDim);
            System.arraycopy(rmsNorm(one, weight), 0, v, head * headDim, headDim);
        }
    }

    private void rope(float[] v, int count, int pos) {
        int half = headDim / 2;
        for (int head = 0; head < count; head++) {
            int base = head * headDim;
            for (int i = 0; i < half; i++) {
                double angle = pos * frequency(i);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                int a = rotary == Rotary.ROTATE_HALF ? base + i : base + 2 * i;
                int b = rotary == Rotary.ROTATE_HALF ? base + i + half : base + 2 * i + 1;
                double x1 = v[a];
                double x2 = v[b];
                v[a] = (float) (x1 * cos - x2 * sin);
                v[b] = (float) (x2 * cos + x1 * sin);
            }
        }
    }

    /** theta^(-2i/d), with Llama 3.1's wavelength-dependent scaling when the config asks for it. */
    private double frequency(int i) {
        double f = Math.pow(theta, -2.0 * i / headDim);
        if (ropeScaling == null || ropeScaling.isNull()) {
            return f;
        }
        double factor = ropeScaling.get("factor").asDouble();
        double low = ropeScaling.get("low_freq_factor").asDouble();
        double high = ropeScaling.get("high_freq_factor").asDouble();
        double original = ropeScaling.get("original_max_position_embeddings").asDouble();
        double wavelength = 2 * Math.PI / f;
        if (wavelength < original / high) {
            return f;
        }
        if (wavelength > original / low) {
            return f / factor;
        }
        double smooth = (original / wavelength - low) / (high - low);
        return (1 - smooth) * f / factor + smooth * f;
    }

    private static float[] matVec(float[][] w, float[] x) {
        float[] out = new float[w.length];
        for (int r = 0; r < w.length; r++) {
            double acc = 0;
            for (int c = 0; c < x.length; c++) {
                acc += (double) w[r][c] * x[c];
            }
            out[r] = (float) acc;
        }
        return out;
    }

    private static void addInPlace(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    private static float[][] matrix(SafetensorsDirectory files, String name) {
        long[] shape = files.tensor(name).shape();
        MemorySegment data = files.data(name);
        float[][] m = new float[(int) shape[0]][(int) shape[1]];
        for (int r = 0; r < shape[0]; r++) {
            for (int c = 0; c < shape[1]; c++) {
                m[r][c] = widen(data.getAtIndex(BF16, r * shape[1] + c));
            }
        }
        return m;
    }

    private static float[] vector(SafetensorsDirectory files, String name) {
        MemorySegment data = files.data(name);
        float[] v = new float[(int) (data.byteSize() / 2)];
        for (int i = 0; i < v.length; i++) {
            v[i] = widen(data.getAtIndex(BF16, i));
        }
        return v;
    }

    private static float widen(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }
}
