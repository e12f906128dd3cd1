package dev.df11.runtime.llama2c;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The seven little-endian int32 fields at the start of a llama2.c checkpoint, checked for consistency.
 *
 * @param sharedClassifier true when the file stores no separate classifier (the sign of vocab_size is positive)
 */
public record Llama2cHeader(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen,
        boolean sharedClassifier) {

    /** Bytes of the header: 7 int32. */
    public static final int BYTES = 7 * Integer.BYTES;

    /**
     * Builds the header from the raw fields; a negative vocab size means an unshared classifier.
     *
     * @throws Llama2cFormatException when a field is impossible
     */
    static Llama2cHeader of(Path file, int[] raw) throws Llama2cFormatException {
        int dim = raw[0];
        int hidden = raw[1];
        int layers = raw[2];
        int heads = raw[3];
        int kvHeads = raw[4];
        int vocab = raw[5];
        int seqLen = raw[6];
        String fields = String.format("dim=%d hidden_dim=%d n_layers=%d n_heads=%d n_kv_heads=%d vocab_size=%d "
                + "seq_len=%d", dim, hidden, layers, heads, kvHeads, vocab, seqLen);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0
                || vocab == Integer.MIN_VALUE || seqLen <= 0) {
            throw new Llama2cFormatException(file, "not a llama2.c checkpoint: impossible header " + fields);
        }
        if (dim % heads != 0 || (dim / heads) % 2 != 0) {
            throw new Llama2cFormatException(file, "dim must split into n_heads heads of even size: " + fields);
        }
        if (heads % kvHeads != 0) {
            throw new Llama2cFormatException(file, "n_heads must be a multiple of n_kv_heads: " + fields);
        }
        Llama2cHeader header = new Llama2cHeader(dim, hidden, layers, heads, kvHeads, Math.abs(vocab), seqLen,
                vocab > 0);
        try {
            header.expectedFileBytes();
        } catch (ArithmeticException e) {
            throw new Llama2cFormatException(file, "not a llama2.c checkpoint: sizes overflow for " + fields);
        }
        return header;
    }

    /** Size of one attention head. */
    public int headSize() {
        return dim / heads;
    }

    /** Rows of the key and value projections. */
    public int kvDim() {
        return dim / heads * kvHeads;
    }

    /** Float32 values the file must hold after the header; throws {@link ArithmeticException} on overflow. */
    public long floatCount() {
        long d = dim;
        long perLayer = Math.addExact(Math.addExact(
                Math.multiplyExact(2L, d + Math.multiplyExact(d, d)),          // rms_att, rms_ffn, wq, wo
                Math.multiplyExact(2L * kvDim(), d)),                          // wk, wv
                Math.multiplyExact(3L * hiddenDim, d));                        // w1, w2, w3
        long classifiers = sharedClassifier ? 1 : 2;                          // token embedding (+ wcls)
        long floats = Math.multiplyExact(classifiers, Math.multiplyExact((long) vocabSize, d));
        floats = Math.addExact(floats, Math.multiplyExact((long) layers, perLayer));
        floats = Math.addExact(floats, d);                                     // rms_final
        return Math.addExact(floats, (long) seqLen * headSize());              // freq_cis real + imag
    }

    /** The exact size a checkpoint with this header has; throws {@link ArithmeticException} on overflow. */
    public long expectedFileBytes() {
        return Math.addExact(BYTES, Math.multiplyExact(floatCount(), (long) Float.BYTES));
    }
}
