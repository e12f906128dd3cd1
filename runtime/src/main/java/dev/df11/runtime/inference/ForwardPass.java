package dev.df11.runtime.inference;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightUnit;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The model's forward pass, independent of where it runs: for each batch of tokens, decode and apply the embedding,
 * then each layer, then the output head, through a {@link Backend}. Long prompts go through in batches of up to
 * {@code maxBatch} tokens. Records how long the caller waited for units to be decoded. It owns the backend and the
 * weights it is given: closing it closes both.
 */
public final class ForwardPass implements AutoCloseable {

    private final Backend backend;
    private final WeightStore weights;
    private final int contextLength;
    private final int maxBatch;
    private final float[] logits;
    private long layerDecodeNanos;
    private long layerDecodes;
    private long otherDecodeNanos;
    private long otherDecodes;
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

    private void runBatch(int[] tokens, int startPos) {
        long start = System.nanoTime();
        MemorySegment rows = weights.embeddingRows(tokens);
        embeddingNanos += System.nanoTime() - start;
        backend.embed(rows, tokens.length);
        for (int layer = 0; layer < weights.config().layerCount(); layer++) {
            decode(weights.layerUnit(layer), true);
            backend.block(layer, startPos);
        }
        backend.finalNorm();
        for (WeightUnit band : weights.outputUnits()) {
            decode(band, false);
            backend.logits(logits);
        }
    }

    private void decode(WeightUnit unit, boolean layer) {
        long start = System.nanoTime();
        backend.decode(unit);
        long elapsed = System.nanoTime() - start;
        if (layer) {
            layerDecodeNanos += elapsed;
            layerDecodes++;
        } else {
            otherDecodeNanos += elapsed;
            otherDecodes++;
        }
    }

    /** Time spent waiting in {@link Backend#decode} so far, split into layer units and output bands. */
    public DecodeWait decodeWait() {
        return new DecodeWait(layerDecodes, layerDecodeNanos, otherDecodes, otherDecodeNanos, embeddingNanos);
    }

    /**
     * Time the forward pass waited for weights: layer units, output bands ("other"), and embedding row lookups.
     */
    public record DecodeWait(long layerDecodes, long layerNanos, long otherDecodes, long otherNanos,
                             long embeddingNanos) {

        public DecodeWait minus(DecodeWait earlier) {
            return new DecodeWait(layerDecodes - earlier.layerDecodes, layerNanos - earlier.layerNanos,
                    otherDecodes - earlier.otherDecodes, otherNanos - earlier.otherNanos,
                    embeddingNanos - earlier.embeddingNanos);
        }

        public double meanLayerMillis() {
            return layerDecodes == 0 ? 0 : layerNanos / 1e6 / layerDecodes;
        }

        /** Mean wait per output band. */
        public double meanOtherMillis() {
            return otherDecodes == 0 ? 0 : otherNanos / 1e6 / otherDecodes;
        }
    }

    @Override
    public void close() {
        backend.close();
        weights.close();
    }
}
