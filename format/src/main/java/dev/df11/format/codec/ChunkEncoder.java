package dev.df11.format.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Encodes one chunk of elements into the unit's shared arrays, starting at the chunk's precomputed global bit offset.
 *
 * <p>Chunks run in parallel and write disjoint bytes, with one exception: the first byte of a chunk usually shares
 * bits with the last byte of the previous chunk. Such edge bytes are not written but returned as patches, which the
 * caller ORs in afterwards; everything else (whole stream bytes, sign_mantissa bytes, the gap of every window and the
 * output position of every block whose first code lies in the chunk) is written directly.
 */
final class ChunkEncoder {

    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final long CODE_MASK = 0xFFFF_FFFF_0000_0000L;
    private static final int WINDOW_MASK = Df11Layout.BITS_PER_THREAD - 1;
    private static final long BLOCK_MASK = Df11Layout.BITS_PER_BLOCK - 1;
    private static final int WINDOW_SHIFT = Integer.numberOfTrailingZeros(Df11Layout.BITS_PER_THREAD);
    private static final int BLOCK_SHIFT = Long.numberOfTrailingZeros(Df11Layout.BITS_PER_BLOCK);

    /** Bytes to OR into the stream after all chunks are done: the chunk's first byte, and its partial last byte. */
    record Patches(long headIndex, int headValue, long tailIndex, int tailValue) {
    }

    /** Per exponent: the codeword left-aligned in the high 32 bits, its length in the low bits. */
    private final long[] codeWords;
    private final MemorySegment stream;
    private final MemorySegment signMantissa;
    private final MemorySegment windowGaps;
    private final int[] outputPositions;

    // Bit-writer state, carried across the matrices a chunk spans.
    private long bitPosition;
    private int previousLength;
    private long acc;
    private int accBits;
    private long cursor;
    private long firstByte;
    private int headValue;

    /**
     * @param windowGaps      one byte per 8-byte window: the offset of its first code start (written here)
     * @param outputPositions per block: the index of the first element whose code starts in it (written here)
     */
    ChunkEncoder(int[] lengths, int[] codes, MemorySegment stream, MemorySegment signMantissa,
                 MemorySegment windowGaps, int[] outputPositions) {
        this.codeWords = new long[lengths.length];
        for (int e = 0; e < lengths.length; e++) {
            codeWords[e] = lengths[e] == 0 ? 0 : ((codes[e] & 0xFFFFFFFFL) << (64 - lengths[e])) | lengths[e];
        }
        this.stream = stream;
        this.signMantissa = signMantissa;
        this.windowGaps = windowGaps;
        this.outputPositions = outputPositions;
    }

    /**
     * Encodes elements {@code [from, to)} whose codes start at global bit {@code startBit}.
     *
     * @param lengthBefore the code length of element {@code from - 1} (any value >= 64 for the first element)
     */
    Patches encode(ElementSource source, long from, long to, long startBit, int lengthBefore) {
        bitPosition = startBit;
        previousLength = lengthBefore;
        acc = 0;
        accBits = (int) (startBit & 7);
        cursor = startBit >>> 3;
        firstByte = cursor;
        headValue = 0;
        source.forEachRange(from, to, this::encodeRange);
        return finish();
    }

    private void encodeRange(MemorySegment matrix, long from, long to, long globalFrom) {
        long[] words = codeWords;
        long p = bitPosition;
        int prevLen = previousLength;
        long a = acc;
        int aBits = accBits;
        long i = from;
        long global = globalFrom;
        long fourEnd = to - 3;
        while (i < fourEnd) {
            long four = matrix.get(LONG_LE, 2 * i);
            int sm4 = 0;
            for (int k = 0; k < 4; k++) {
                int w = (int) (four >>> (16 * k));
                sm4 |= (((w >>> 8) & 0x80) | (w & 0x7F)) << (8 * k);
                long word = words[(w >>> 7) & 0xFF];
                int len = (int) word & 0x3F;
                if ((p & WINDOW_MASK) < prevLen) {
                    markStart(p, prevLen, global + k);
                }
                a |= (word & CODE_MASK) >>> aBits;
                aBits += len;
                p += len;
                prevLen = len;
                if (aBits >= 32) {
                    writeWord((int) (a >>> 32));
                    a <<= 32;
                    aBits -= 32;
                }
            }
            signMantissa.set(INT_LE, global, sm4);
            i += 4;
            global += 4;
        }
        for (; i < to; i++, global++) {
            int w = matrix.get(SHORT_LE, 2 * i);
            signMantissa.set(ValueLayout.JAVA_BYTE, global, (byte) (((w >>> 8) & 0x80) | (w & 0x7F)));
            long word = words[(w >>> 7) & 0xFF];
            int len = (int) word & 0x3F;
            if ((p & WINDOW_MASK) < prevLen) {
                markStart(p, prevLen, global);
            }
            a |= (word & CODE_MASK) >>> aBits;
            aBits += len;
            p += len;
            prevLen = len;
            if (aBits >= 32) {
                writeWord((int) (a >>> 32));
                a <<= 32;
                aBits -= 32;
            }
        }
        bitPosition = p;
        previousLength = prevLen;
        acc = a;
        accBits = aBits;
    }

    /** The code of element {@code index} is the first to start in its window (and maybe in its block). */
    private void markStart(long p, int prevLen, long index) {
        windowGaps.set(ValueLayout.JAVA_BYTE, p >>> WINDOW_SHIFT, (byte) (p & WINDOW_MASK));
        if ((p & BLOCK_MASK) < prevLen) {
            outputPositions[(int) (p >>> BLOCK_SHIFT)] = (int) index;
        }
    }

    private void writeWord(int word) {
        if (cursor == firstByte) {
            headValue |= word >>> 24;
            stream.set(ValueLayout.JAVA_BYTE, cursor + 1, (byte) (word >>> 16));
            stream.set(ValueLayout.JAVA_BYTE, cursor + 2, (byte) (word >>> 8));
            stream.set(ValueLayout.JAVA_BYTE, cursor + 3, (byte) word);
        } else {
            stream.set(INT_BE, cursor, word);
        }
        cursor += 4;
    }

    private Patches finish() {
        long tailIndex = -1;
        int tailValue = 0;
        int bytes = (accBits + 7) / 8;
        for (int k = 0; k < bytes; k++) {
            int value = (int) (acc >>> (56 - 8 * k)) & 0xFF;
            long index = cursor + k;
            if (index == firstByte) {
                headValue |= value;
            } else if (k == bytes - 1 && (accBits & 7) != 0) {
                tailIndex = index;
                tailValue = value;
            } else {
                stream.set(ValueLayout.JAVA_BYTE, index, (byte) value);
            }
        }
        return new Patches(firstByte, headValue, tailIndex, tailValue);
    }
}
