package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;

/**
 * BF16 values packed two per int, the layout every forward kernel reads weights in: element {@code 2i} in the low 16
 * bits of word {@code i}, element {@code 2i + 1} in the high 16 bits. That is exactly the byte order of the BF16
 * values themselves in little-endian memory, and what the word-writing DF11 decoder (v3d) produces, so BF16 and DF11
 * weights run the same kernels from the same bits. Packing is a plain byte copy.
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

    /**
     * Checks that a matrix read as words starts on a word and that its rows do: its element offset and its row length
     * must both be even (true of every real transformer shape).
     *
     * @param what names the matrix (and its unit) for the message
     * @throws IllegalArgumentException otherwise
     */
    public static void checkEven(String what, long offset, long cols) {
        if ((offset & 1) != 0 || (cols & 1) != 0) {
            throw new IllegalArgumentException(what + ": the device kernels read BF16 weights two per 32-bit word and"
                    + " need an even element offset and row length; got offset " + offset + ", " + cols + " columns");
        }
    }
}
