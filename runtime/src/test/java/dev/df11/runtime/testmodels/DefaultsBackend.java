package dev.df11.runtime.testmodels;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.weights.WeightStore;

import java.lang.foreign.MemorySegment;

/**
 * A backend with the interface's defaults (so its default refusals: no windowed attention, Llama-shaped blocks only)
 * that only records whether it was loaded; every step operation throws. For tests of what a device backend refuses
 * before loading.
 */
public final class DefaultsBackend implements Backend {

    private boolean loaded;

    /** Whether {@link #load} was reached. */
    public boolean loaded() {
        return loaded;
    }

    @Override
    public String name() {
        return "device";
    }

    @Override
    public void load(WeightStore weights, int contextLength, int maxBatch) {
        loaded = true;
    }

    @Override
    public void embed(MemorySegment bf16Rows, int count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void block(int layer, int startPos) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void finalNorm() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void logits(float[] out) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long workingBytes() {
        return 0;
    }

    @Override
    public void close() {
    }
}
