package dev.df11.tornado.forward;

import dev.df11.tornado.api.Df11Tasks;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.LongStream;

/**
 * BF16 weights as the forward kernels read them: two planes of bytes, four elements per int, element {@code i} in
 * byte {@code i & 3} of int {@code i >> 2} of each. The exponent plane holds the 8 exponent bits; the sign/mantissa
 * plane holds {@code sign << 7 | mantissa}, exactly DF11's raw sign/mantissa bytes. A DF11 unit therefore needs no
 * BF16 at all on the device: its decode kernel (v3f) writes only the exponent plane, a byte per weight, and the
 * kernels read the sign/mantissa bytes straight from the compressed unit; plain BF16 units are split into the same
 * two planes on the host, so BF16 and DF11 run the same kernels on the same bits and their logits stay bit-identical.
 *
 * @param exponents    the exponent plane
 * @param signMantissa the sign/mantissa plane
 */
public record WeightPlanes(IntArray exponents, IntArray signMantissa) {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong QUAD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Quads per parallel chunk. */
    private static final long CHUNK = 1 << 18;

    /** Ints of one plane holding {@code elements} bytes: the size the DF11 decoder's exponent plane has too. */
    public static int wordsFor(long elements) {
        if ((elements + 3) / 4 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(elements + " weights do not fit one TornadoVM IntArray plane");
        }
        return Df11Tasks.exponentWords(elements);
    }

    /** New planes for {@code elements} weights, zero-filled. */
    public static WeightPlanes allocate(long elements) {
        return new WeightPlanes(new IntArray(wordsFor(elements)), new IntArray(wordsFor(elements)));
    }

    /** Splits the {@code byteSize / 2} little-endian BF16 values of {@code bf16} into new planes. */
    public static WeightPlanes split(MemorySegment bf16) {
        long elements = bf16.byteSize() / 2;
        WeightPlanes planes = allocate(elements);
        planes.put(0, bf16);
        return planes;
    }

    /**
     * Writes the BF16 values of {@code bf16} into both planes from element {@code elementOffset} on, four at a time
     * and in parallel (a Llama-3.1-8B is eight billion weights).
     */
    public void put(long elementOffset, MemorySegment bf16) {
        MemorySegment exponentBytes = exponents.getSegment();
        MemorySegment signMantissaBytes = signMantissa.getSegment();
        long elements = bf16.byteSize() / 2;
        if (elementOffset < 0 || elementOffset + elements > exponentBytes.byteSize()) {
            throw new IllegalArgumentException("weights " + elementOffset + ".." + (elementOffset + elements)
                    + " lie outside planes of " + exponentBytes.byteSize() + " elements");
        }
        long head = Math.min(elements, (4 - (elementOffset & 3)) & 3);
        for (long i = 0; i < head; i++) {
            putOne(exponentBytes, signMantissaBytes, elementOffset + i, bf16.getAtIndex(BF16, i));
        }
        long quads = (elements - head) / 4;
        long firstQuad = (elementOffset + head) / 4;
        LongStream.range(0, (quads + CHUNK - 1) / CHUNK).parallel().forEach(chunk -> {
            long end = Math.min(quads, (chunk + 1) * CHUNK);
            for (long q = chunk * CHUNK; q < end; q++) {
                long four = bf16.get(QUAD, 2 * head + 8 * q);
                int e = 0;
                int sm = 0;
                for (int j = 0; j < 4; j++) {
                    int bits = (int) (four >>> (16 * j)) & 0xFFFF;
                    e |= ((bits >> 7) & 0xFF) << (8 * j);
                    sm |= (((bits >> 8) & 0x80) | (bits & 0x7F)) << (8 * j);
                }
                exponentBytes.setAtIndex(WORD, firstQuad + q, e);
                signMantissaBytes.setAtIndex(WORD, firstQuad + q, sm);
            }
        });
        for (long i = head + 4 * quads; i < elements; i++) {
            putOne(exponentBytes, signMantissaBytes, elementOffset + i, bf16.getAtIndex(BF16, i));
        }
    }

    private static void putOne(MemorySegment exponentBytes, MemorySegment signMantissaBytes, long at, int bits) {
        exponentBytes.set(ValueLayout.JAVA_BYTE, at, (byte) (bits >> 7));
        signMantissaBytes.set(ValueLayout.JAVA_BYTE, at, (byte) (((bits >> 8) & 0x80) | (bits & 0x7F)));
    }

    /** The BF16 bits of element {@code i}, rebuilt on the host (for tests and checks). */
    public int bf16(long i) {
        int e = exponents.getSegment().get(ValueLayout.JAVA_BYTE, i) & 0xFF;
        int sm = signMantissa.getSegment().get(ValueLayout.JAVA_BYTE, i) & 0xFF;
        return ((sm & 0x80) << 8) | (e << 7) | (sm & 0x7F);
    }

    /** Device bytes of both planes. */
    public long bytes() {
        return exponents.getNumBytesOfSegment() + signMantissa.getNumBytesOfSegment();
    }

    /**
     * Checks that a matrix read four weights per int starts on an int and that its rows do: its element offset and
     * row length must be multiples of 4 (true of every real transformer shape).
     *
     * @param what names the matrix (and its unit) for the message
     * @throws IllegalArgumentException otherwise
     */
    public static void checkAligned(String what, long offset, long cols) {
        if ((offset & 3) != 0 || (cols & 3) != 0) {
            throw new IllegalArgumentException(what + ": the device kernels read weights four per 32-bit word and"
                    + " need an element offset and row length that are multiples of 4; got offset " + offset + ", "
                    + cols + " columns");
        }
    }
}
