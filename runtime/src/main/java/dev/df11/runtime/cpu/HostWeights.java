package dev.df11.runtime.cpu;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.backend.DecodeStats;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.Bf16Matrix;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.UnitWeights;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightUnit;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A weight store's units as BF16 matrices on the host, for the CPU backend. Plain units are used where they lie;
 * compressed units are decoded into reused buffers ({@link UnitDecodeBuffers}) sized for the largest layer, and
 * with prefetch the next unit in forward order is decoded in the background while the current one computes. A
 * compressed output projection is cut into bands of whole rows no larger than that buffer, so the vocabulary matrix
 * never has to be decoded at once. Records how long the caller waited for each layer unit and output band.
 *
 * <p>The matrices returned by {@link #layer} and {@link #outputBand} stay valid until the next call of either.
 */
public final class HostWeights implements AutoCloseable {

    private final WeightStore store;
    private final List<WeightUnit> outputBands;
    private final Map<String, Df11Unit> compressed = new HashMap<>();
    private final UnitDecodeBuffers buffers;      // null when no unit the forward pass reads is compressed
    private long layerWaits;
    private long layerWaitNanos;
    private long outputWaits;
    private long outputWaitNanos;

    /**
     * @param decodeThreads threads that decode one unit
     * @param prefetch      two buffers and a background decoder thread instead of one buffer
     */
    public HostWeights(WeightStore store, int decodeThreads, boolean prefetch) {
        this.store = store;
        List<WeightUnit> forwardOrder = new ArrayList<>();
        for (int layer = 0; layer < store.config().layerCount(); layer++) {
            WeightUnit unit = store.layerUnit(layer);
            if (unit.compressed()) {
                forwardOrder.add(unit);
                compressed.put(unit.source().unit(), arrays(store, unit));
            }
        }
        long largestLayer = forwardOrder.stream().mapToLong(WeightUnit::elementCount).max().orElse(0);
        WeightUnit output = store.outputUnit();
        this.outputBands = rowBands(output, new ModelLayout(store.config()).outputMatrix(), largestLayer);
        if (output.compressed()) {
            compressed.put(output.source().unit(), arrays(store, output));
            forwardOrder.addAll(outputBands);
        }
        this.buffers = forwardOrder.isEmpty() ? null
                : new UnitDecodeBuffers(new Df11Decoder(decodeThreads), compressed::get, forwardOrder, prefetch);
    }

    private static Df11Unit arrays(WeightStore store, WeightUnit unit) {
        return store.compressed(unit).orElseThrow(() -> new IllegalArgumentException("unit " + unit.name()
                + " is compressed, but the " + store.kind() + " store has no DF11 arrays for it"));
    }

    /**
     * A compressed output matrix cut into bands of whole rows holding at most {@code maxElements} (the largest layer
     * unit), so the decode buffer never has to hold the vocabulary matrix. Logits do not depend on the cut: each
     * is one row's dot product.
     */
    private static List<WeightUnit> rowBands(WeightUnit matrixUnit, String weightName, long maxElements) {
        if (!matrixUnit.compressed()) {
            return List.of(matrixUnit);
        }
        MatrixSlot whole = matrixUnit.slot(weightName);
        long start = matrixUnit.source().from() + whole.elementOffset();
        long budget = maxElements > 0 ? maxElements : whole.elementCount();    // no compressed layer: one band
        int rowsPerBand = (int) Math.max(1, Math.min(whole.rows(), budget / whole.cols()));
        List<WeightUnit> bands = new ArrayList<>();
        for (int first = 0; first < whole.rows(); first += rowsPerBand) {
            int rows = Math.min(rowsPerBand, whole.rows() - first);
            long from = start + (long) first * whole.cols();
            bands.add(new WeightUnit(matrixUnit.source().unit() + "[rows " + first + "-" + (first + rows - 1) + "]",
                    List.of(new MatrixSlot(weightName, rows, whole.cols(), 0, first)),
                    new WeightUnit.DecodeRange(matrixUnit.source().unit(), from, from + (long) rows * whole.cols())));
        }
        return bands;
    }

    /** The matrices of decoder layer {@code layer}, decoded if compressed. */
    public UnitWeights layer(int layer) {
        long start = System.nanoTime();
        UnitWeights weights = acquire(store.layerUnit(layer));
        layerWaitNanos += System.nanoTime() - start;
        layerWaits++;
        return weights;
    }

    /**
     * The output projection as consecutive bands of rows covering the vocabulary in order (one band when it is
     * plain); each band's matrix slot says its first row.
     */
    public List<WeightUnit> outputBands() {
        return outputBands;
    }

    /** The rows of output band {@code index}, decoded if compressed. */
    public UnitWeights outputBand(int index) {
        long start = System.nanoTime();
        UnitWeights weights = acquire(outputBands.get(index));
        outputWaitNanos += System.nanoTime() - start;
        outputWaits++;
        return weights;
    }

    private UnitWeights acquire(WeightUnit unit) {
        if (!unit.compressed()) {
            return store.acquire(unit);
        }
        MemorySegment decoded = buffers.acquire(unit);
        Map<String, Bf16Matrix> matrices = new HashMap<>();
        for (MatrixSlot slot : unit.matrices()) {
            matrices.put(slot.name(), new Bf16Matrix(slot.name(), slot.rows(), slot.cols(),
                    decoded.asSlice(2 * slot.elementOffset(), 2 * slot.elementCount())));
        }
        return UnitWeights.of(unit, matrices);
    }

    /** Bytes of the decode buffers (0 when no unit is compressed). */
    public long decodeBufferBytes() {
        return buffers == null ? 0 : buffers.bufferBytes();
    }

    public DecodeStats stats() {
        return new DecodeStats(buffers == null ? 0 : buffers.decodes(), buffers == null ? 0 : buffers.decodeNanos(),
                buffers == null ? 0 : buffers.decodedBytes(), layerWaits, layerWaitNanos, outputWaits,
                outputWaitNanos);
    }

    @Override
    public void close() {
        if (buffers != null) {
            buffers.close();
        }
    }
}
