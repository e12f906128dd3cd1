package dev.df11.runtime.inference;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.DecodeStats;
import dev.df11.runtime.backend.HostDecoding;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.weights.WeightStore;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The model's forward pass, independent of where it runs: for each batch of tokens, look up the embedding rows in
 * the weight store, then run each layer and the output head through a {@link Backend} (which makes each unit's
 * weights available itself). Long prompts go through in batches of up to {@code maxBatch} tokens. Records how long
 * the embedding lookups took; a backend that decodes on the host reports its own decode time
 * ({@link #decodeStats}). It owns the backend and the weights it is given: closing it closes both.
 */
public final class ForwardPass implements AutoCloseable {

    private final Backend backend;
    private final WeightStore weights;
    private final int contextLength;
    private final int maxBatch;
    private final float[] logits;
    private long embeddingNanos;

    public ForwardPass(Backend backend, WeightStore weights, int contextLength, int maxBatch) {
        if (contextLength < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("context " + contextLength + " and batch " + maxBatch + " must be >= 1");
        }
        backend.unsupported(weights.config(), contextLength).ifPresent(reason -> {
            throw new UnsupportedModelException("backend '" + backend.name() + "' cannot run this model: " + reason);
        });
        this.backend = backend;
        this.weights = weights;
        this.contextLength = contextLength;
        this.maxBatch = maxBatch;
        this.logits = new float[weights.config().vocabSize()];
        backend.load(weights, contextLength, maxBatch);
    }

    public int contextLength() {
        return contextLength;
    }

    public WeightStore weights() {
        return weights;
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Runs {@code tokens} at positions {@code startPos...} and returns the logits after the last one. The returned
     * array is reused by the next call.
     */
    public float[] forward(int[] tokens, int startPos) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        if (startPos < 0 || startPos + tokens.length > contextLength) {
            throw new IllegalArgumentException("positions " + startPos + ".." + (startPos + tokens.length - 1)
                    + " exceed the context of " + contextLength + " tokens");
        }
        for (int start = 0; start < tokens.length; start += maxBatch) {
            int[] batch = Arrays.copyOfRange(tokens, start, Math.min(tokens.length, start + maxBatch));
            runBatch(batch, startPos + start);
        }
        return logits;
    }

    /**
     * Runs one token (id 0) at position 0 and drops its logits: the backend's first step, which on a device uploads
     * every graph's weights and may build kernels (seconds on an H100, minutes on PoCL), done before a user or a
     * client waits on it. What it leaves in the KV cache is overwritten by the first sequence at position 0.
     */
    public void warmUp() {
        forward(new int[] {0}, 0);
    }

    private void runBatch(int[] tokens, int startPos) {
        long start = System.nanoTime();
        MemorySegment rows = weights.embeddingRows(tokens);
        embeddingNanos += System.nanoTime() - start;
        backend.embed(rows, tokens.length);
        for (int layer = 0; layer < weights.config().layerCount(); layer++) {
            backend.block(layer, startPos);
        }
        backend.finalNorm();
        backend.logits(logits);
    }

    /** Time spent looking up embedding rows in the weight store so far (DF11: decoding them, on the host). */
    public long embeddingLookupNanos() {
        return embeddingNanos;
    }

    /**
     * What the backend spent decoding on the host so far, and how long its steps waited for weights;
     * {@link DecodeStats#NONE} for a backend that decodes on its device.
     */
    public DecodeStats decodeStats() {
        return backend instanceof HostDecoding host ? host.decodeStats() : DecodeStats.NONE;
    }

    /** Bytes of the backend's host decode buffers (0 for a backend that decodes on its device). */
    public long decodeBufferBytes() {
        return backend instanceof HostDecoding host ? host.decodeBufferBytes() : 0;
    }

    /** Host memory the weights take: what the store keeps plus the backend's host decode buffers. */
    public long residentWeightBytes() {
        return weights.residentWeightBytes() + decodeBufferBytes();
    }

    @Override
    public void close() {
        backend.close();
        weights.close();
    }
}
