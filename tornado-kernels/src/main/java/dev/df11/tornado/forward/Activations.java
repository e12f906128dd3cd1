package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

import dev.df11.runtime.model.RopeParameters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The buffers of one forward step that live on the device and pass from graph to graph, allocated once for the
 * largest batch. The host writes only {@link #batch} and {@link #embeddingRows} (each step) and reads only
 * {@link #logits}.
 */
public final class Activations {

    /** {@code [startPos, count, then each row's first cache row and position]} of the current step ({@link ForwardKernels}). */
    public final IntArray batch;
    /**
     * The rows whose logits the step returns, in the layout of a batch array's first two ints: {@code [0, n, row 0,
     * ..., row n-1]} (one int per row from {@link ForwardKernels#ROWS}); the output graph gathers them.
     */
    public final IntArray outputRows;
    /** BF16 embedding rows of the batch, two per int ({@link Bf16Words}), written by the host. */
    public final IntArray embeddingRows;
    /** The residual stream, {@code maxBatch x hidden}. */
    public final FloatArray hidden;
    /**
     * RMS-normalised residual stream, the input of the projection that follows a norm, {@code maxBatch x hidden},
     * each row quad-major ({@link MatVecKernels#quadMajor}), as the matrix-vector kernels read it.
     */
    public final FloatArray normed;
    /** Fused q|k|v rows, {@code maxBatch x qkvWidth}. */
    public final FloatArray qkv;
    /** Concatenated attention heads, {@code maxBatch x queryDim}, each row quad-major ({@link MatVecKernels#quadMajor}). */
    public final FloatArray attention;
    /** Fused gate|up rows, {@code maxBatch x 2 intermediate}. */
    public final FloatArray gateUp;
    /** SwiGLU output, {@code maxBatch x intermediate}, each row quad-major ({@link MatVecKernels#quadMajor}). */
    public final FloatArray mlp;
    /** Attention score scratch, {@code maxBatch x heads x context}. */
    public final FloatArray scores;
    /** Output logits of the rows {@link #outputRows} names, {@code logitRows x vocab}. */
    public final FloatArray logits;
    /** BF16 widening table ({@link Bf16Scales}). */
    public final FloatArray scales;
    /**
     * Gemma 3's sublayer output, normalised in place before it joins the residual stream, {@code maxBatch x hidden};
     * null for the other families, whose projections add straight into {@link #hidden}.
     */
    public final FloatArray projected;
    /** Rotary cosines and sines for every position, one table per distinct rope of the layers. */
    public final List<RotaryTables> rotaryTables;
    /** Each layer's table, an element of {@link #rotaryTables}. */
    private final List<RotaryTables> rotaryByLayer;

    public Activations(ForwardShape shape) {
        int b = shape.maxBatch();
        batch = new IntArray(ForwardKernels.batchInts(b));
        outputRows = new IntArray(ForwardKernels.ROWS + shape.logitRows());
        embeddingRows = new IntArray(Bf16Words.wordsFor((long) b * shape.hidden()));
        hidden = new FloatArray(b * shape.hidden());
        normed = new FloatArray(b * shape.hidden());
        qkv = new FloatArray(b * shape.qkvWidth());
        attention = new FloatArray(b * shape.queryDim());
        gateUp = new FloatArray(b * 2 * shape.intermediate());
        mlp = new FloatArray(b * shape.intermediate());
        scores = new FloatArray(b * shape.heads() * shape.contextLength());
        logits = new FloatArray(shape.logitRows() * shape.vocab());
        scales = Bf16Scales.table();
        projected = shape.config().gemma() ? new FloatArray(b * shape.hidden()) : null;
        // As the CPU backend: one table per distinct set of rope parameters (Gemma 3's local and global layers).
        Map<RopeParameters, RotaryTables> tables = new HashMap<>();
        rotaryByLayer = new ArrayList<>();
        for (int layer = 0; layer < shape.layers(); layer++) {
            rotaryByLayer.add(tables.computeIfAbsent(shape.config().ropeFor(layer),
                    rope -> RotaryTables.of(shape.config(), rope, shape.contextLength())));
        }
        List<RotaryTables> distinct = new ArrayList<>();
        for (RotaryTables table : rotaryByLayer) {
            if (distinct.stream().noneMatch(t -> t == table)) {
                distinct.add(table);
            }
        }
        rotaryTables = List.copyOf(distinct);
    }

    /** The rotary table layer {@code layer} rotates with. */
    public RotaryTables rotary(int layer) {
        return rotaryByLayer.get(layer);
    }

    /** Device bytes of these buffers. */
    public long bytes() {
        long total = 0;
        List<TornadoNativeArray> arrays = new ArrayList<>(List.of(batch, outputRows, embeddingRows, hidden, normed, qkv,
                attention, gateUp, mlp, scores, logits, scales));
        if (projected != null) {
            arrays.add(projected);
        }
        for (RotaryTables table : rotaryTables) {
            arrays.add(table.cos());
            arrays.add(table.sin());
        }
        for (TornadoNativeArray array : arrays) {
            total += array.getNumBytesOfSegment();
        }
        return total;
    }
}
