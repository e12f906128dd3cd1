package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;

/**
 * BF16 values packed two per int: element {@code 2i} in the low 16 bits of word {@code i}, element {@code 2i + 1} in
 * the high 16 bits, which is the byte order of BF16 values in little-endian memory, so packing is a plain byte copy.
 * The embedding rows the host hands the device travel this way (weights travel as {@link WeightPlanes}), and so does
 * the output of the word-writing decoders (v3d, v3e) of the embedding API.
 */
public final class Bf16Words {

    private Bf16Words() {
    }

    /** Words needed for {@code elements} BF16 values. */
    public static int wordsFor(long elements) {
        long words = (elements + 1) / 2;
        if (words > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(elements + " BF16 values do not fit one TornadoVM IntArray");
        }
        return (int) words;
    }

    /** A new word array holding the {@code byteSize / 2} BF16 values of {@code bf16} (little-endian bytes). */
    public static IntArray pack(MemorySegment bf16) {
        IntArray words = new IntArray(wordsFor(bf16.byteSize() / 2));
        MemorySegment.copy(bf16, 0, words.getSegment(), 0, bf16.byteSize() & ~1L);
        return words;
    }
}
