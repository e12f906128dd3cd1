package dev.df11.format.codec;

/**
 * Fixed parameters of the official DFloat11 layout. A GPU work-group of {@link #THREADS_PER_BLOCK} threads decodes one
 * block of {@link #BYTES_PER_BLOCK} stream bytes; each thread owns a window of {@link #BYTES_PER_THREAD} bytes and
 * reads {@link #LOOKAHEAD_BYTES} more past it.
 */
public final class Df11Layout {

    public static final int THREADS_PER_BLOCK = 512;
    public static final int BYTES_PER_THREAD = 8;
    public static final int BYTES_PER_BLOCK = THREADS_PER_BLOCK * BYTES_PER_THREAD;
    /** Longest Huffman code, in bits: four table lookups of one byte each. */
    public static final int MAX_CODE_LENGTH = 32;
    /** Most decode tables (the root included, the code-length row excluded): pointer entries are 240..255. */
    public static final int MAX_TABLES = 16;
    /** Bits per thread in the gaps array. */
    public static final int GAP_BITS = 5;
    /** Bytes a thread reads past its own window (enough for one code of at most 32 bits that starts inside it). */
    public static final int LOOKAHEAD_BYTES = 4;
    /** Bits of stream per block. */
    public static final long BITS_PER_BLOCK = 8L * BYTES_PER_BLOCK;
    /** Bits of stream per thread window. */
    public static final int BITS_PER_THREAD = 8 * BYTES_PER_THREAD;
    /** Bytes of the gaps array per block (512 threads * 5 bits). */
    public static final int GAP_BYTES_PER_BLOCK = THREADS_PER_BLOCK * GAP_BITS / 8;
    /** The smallest table-entry value that is a pointer ({@code 256 - t} points at table {@code t}). */
    public static final int FIRST_POINTER_VALUE = 256 - MAX_TABLES;

    private Df11Layout() {
    }
}
