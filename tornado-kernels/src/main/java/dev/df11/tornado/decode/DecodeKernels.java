package dev.df11.tornado.decode;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * What every DF11 decode kernel shares: the launch shape the official layout fixes (one work-group of
 * {@link #THREADS} work-items per 4096-byte block, {@link #BYTES_PER_THREAD} stream bytes each), the table row size,
 * the 5-bit gap reader and the per-block consistency flag. The product's kernels are {@link SinglePassKernels} (BF16
 * into a {@code ShortArray}, for the embedding API) and {@link ExponentPlaneKernels} (the forward pass); the whole
 * ladder they came from, each version beside its checks and timing driver, lives in the {@code kernel-lab} module.
 */
public final class DecodeKernels {

    /** Work-items per work-group: one per 8-byte window of a 4096-byte block. */
    public static final int THREADS = 512;
    /** Stream bytes owned by one work-item. */
    public static final int BYTES_PER_THREAD = 8;
    /** Bytes of one lookup-table row. */
    public static final int ROW = 256;

    private DecodeKernels() {
    }

    /** The 5-bit gap of work-item {@code thread} (MSB-first packing), reading no byte past {@code gapBytes}. */
    public static int gapOf(ByteArray gaps, int thread, int gapBytes) {
        int bit = thread * 5;
        int index = bit >> 3;
        int hi = 0;
        int lo = 0;
        if (index < gapBytes) {
            hi = gaps.get(index) & 0xFF;
        }
        if (index + 1 < gapBytes) {
            lo = gaps.get(index + 1) & 0xFF;
        }
        return (((hi << 8) | lo) >> (11 - (bit & 7))) & 0x1F;
    }

    /**
     * 0 when a block's code count agrees with its output positions: exactly {@code end - start} codes, or, for the
     * block holding the last element, at least {@code n - start} (padding past the stream may decode as extra codes).
     */
    public static int blockStatus(int codesFound, int start, int end, int elements) {
        int bad = 0;
        if (end < elements) {
            if (codesFound != end - start) {
                bad = 1;
            }
        } else if (codesFound < elements - start) {
            bad = 1;
        }
        return bad;
    }
}
