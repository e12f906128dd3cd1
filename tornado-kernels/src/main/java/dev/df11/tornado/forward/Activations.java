package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.List;

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
    /** RMS-normalised residual stream, the input of the projection that follows a norm, {@code maxBatch x hidden}. */
    public final FloatArray normed;
    /** Fused q|k|v rows, {@code maxBatch x qkvWidth}. */
    public final FloatArray qkv;
    /** Concatenated attention heads, {@code maxBatch x queryDim}. */
    public final FloatArray attention;
    /** Fused gate|up rows, {@code maxBatch x 2 intermediate}. */
    public final FloatArray gateUp;
    /** SwiGLU output, {@code maxBatch x intermediate}. */
    public final FloatArray mlp;
    /** Attention score scratch, {@code maxBatch x heads x context}. */
    public final FloatArray scores;
    /** Output logits of the rows {@link #outputRows} names, {@code logitRows x vocab}. */
    public final FloatArray logits;
    /** BF16 widening table ({@link Bf16Scales}). */
    public final FloatArray scales;
    /** Rotary cosines and sines for every position. */
    public final RotaryTables rotary;

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
        rotary = RotaryTables.of(shape.config(), shape.contextLength());
    }

    /** Device bytes of these buffers. */
    public long bytes() {
        long total = 0;
        for (var array : List.of(batch, outputRows, embeddingRows, hidden, normed, qkv, attention, gateUp, mlp, scores, logits, scales,
                rotary.cos(), rotary.sin())) {
            total += array.getNumBytesOfSegment();
        }
        return total;
    }
}
