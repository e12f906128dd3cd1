package dev.df11.runtime.backend;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.weights.WeightStore;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Where the arithmetic of a forward step runs. The caller ({@code dev.df11.runtime.inference.ForwardPass}) drives
 * it through one step: {@code embed(rows)} with the embedding rows the weight store looked up, then
 * {@code block(layer)} for each layer, then {@code finalNorm}, then {@code logits}. The {@link WeightStore} describes
 * the weights (units, vectors, the compressed arrays of a unit); where each unit's BF16 matrices come from during a
 * step is the backend's own business: the CPU backend decodes compressed units into host buffers it creates in
 * {@link #load} (and reports that work through {@link HostDecoding}), a GPU backend uploads compressed units once and
 * decodes them on its device.
 *
 * <p>Contract every implementation must meet: the same greedy tokens as the CPU backend, and bit-identical logits
 * for DF11 and BF16 weights of the same model.
 */
public interface Backend extends AutoCloseable {

    /** Short name for messages and the {@code --backend} option, e.g. "cpu". */
    String name();

    /**
     * Allocates activations for batches of up to {@code maxBatch} tokens and a KV cache for
     * {@code contextLength} positions, and prepares the weights: whatever buffers or device copies this backend
     * needs to make each unit's matrices available during a step.
     */
    void load(WeightStore weights, int contextLength, int maxBatch);

    /**
     * Starts a batch of {@code count} tokens (at most maxBatch): their embedding rows, packed BF16
     * ({@code count x hidden}, from {@link WeightStore#embeddingRows}), become the hidden states.
     */
    void embed(MemorySegment bf16Rows, int count);

    /**
     * Runs decoder block {@code layer} over the current batch, whose tokens sit at positions
     * {@code startPos, startPos + 1, ...}; their keys and values join the cache. The backend makes the layer's
     * weights available itself (decoding a compressed unit where it has to).
     */
    void block(int layer, int startPos);

    /** Applies the final norm to the current batch's last token, ready for {@link #logits}. */
    void finalNorm();

    /** Projects the normalised last token onto the whole vocabulary, into {@code out} (vocab size floats). */
    void logits(float[] out);

    /**
     * Why this backend cannot run {@code config} with a context of {@code contextLength} positions, or empty when it
     * can. The default names what only the CPU backend implements: a sliding window shorter than the context (a
     * window as long as the context masks nothing) and rotary parameters that differ by layer type. A backend that
     * implements them overrides this. Gemma 3 (its own block) and Phi-3 (fused projections, partial rotary) are
     * refused too.
     */
    default Optional<String> unsupported(ModelConfig config, int contextLength) {
        if (config.fusedProjections() || config.rotaryDim() != config.headDim()) {
            return Optional.of("model_type " + config.architecture().modelType() + " needs fused qkv_proj and "
                    + "gate_up_proj" + (config.rotaryDim() != config.headDim() ? " and partial rotary ("
                    + config.rotaryDim() + " of " + config.headDim() + " values a head)" : "") + ", and backend '"
                    + name() + "' implements only the Llama block; use --backend cpu");
        }
        if (config.gemma()) {
            return Optional.of("model_type " + config.architecture().modelType() + " needs Gemma 3's block "
                    + "(embedding scale, (1 + w) norms, norms around each sublayer's output, GELU (tanh) MLP, "
                    + "query_pre_attn_scalar, soft-capping) and backend '" + name() + "' implements only the "
                    + "Llama block; use --backend cpu");
        }
        if (config.windowSlidesWithin(contextLength)) {
            return Optional.of("sliding_window = " + config.slidingWindow() + " is shorter than the context of "
                    + contextLength + " tokens and backend '" + name() + "' has no windowed attention; use "
                    + "--backend cpu, or --context " + config.slidingWindow() + " or less");
        }
        if (!config.uniformRope()) {
            return Optional.of("rope_parameters differ by layer type and backend '" + name() + "' rotates every "
                    + "layer alike; use --backend cpu");
        }
        return Optional.empty();
    }

    /** Bytes of activations and KV cache this backend allocated (weights excluded). */
    long workingBytes();

    @Override
    void close();
}
