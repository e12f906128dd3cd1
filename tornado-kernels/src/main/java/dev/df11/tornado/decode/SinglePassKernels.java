package dev.df11.tornado.decode;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Version 3 of the decode kernel: one decode pass into a stage that holds a whole typical block. Same launch and
 * same two phases as {@link DecodeKernels} (read its javadoc first); what changes:
 *
 * <ul>
 * <li><b>Packed tables</b> ({@link PackedInputs}): one int per entry carries the exponent (already shifted to its BF16
 * place) and the code length, so a short code costs one local read; the root table is copied to local memory, the
 * child tables (codes over 8 bits, rare) are read from global memory in a helper.</li>
 * <li><b>Word loads</b>: a work-item reads its 16 stream bytes as four int loads from the padded stream (no bounds
 * checks) and swaps their bytes.</li>
 * <li><b>Split loops</b>: phase 1 and phase 2 each run one loop over the codes that start in the first 32 bits, refill
 * the window once, then a second loop; no refill test inside a loop.</li>
 * <li><b>Two-level scan</b>: 32 work-items each scan 16 counts serially, one prefix over the 32 totals, then everyone
 * adds: 3 barriers instead of 18 (the local array is padded so the serial scans hit 32 different banks).</li>
 * <li><b>One pass</b>: the stage holds two exponents per int ({@link #STAGE_ELEMENTS} per block, more than the
 * ~12,650 of N(0, 0.02) weights); the rare elements past it are written straight to global memory by the work-item
 * that decodes them. Two work-items may share a stage word (when a range starts at an odd slot); the one whose range
 * ends at the even slot decodes one code more (its 8 bytes of look-ahead always hold it) and writes the whole word,
 * and the other skips its first slot. So there is no read-modify-write and no extra barrier.</li>
 * <li>The sign/mantissa bytes are read only in the write-out, at consecutive addresses.</li>
 * </ul>
 *
 * <p>Local memory: 256 + 576 + {@link #STAGE_WORDS} ints, 35.3 KiB, so four work-groups of 512 fit an SM and leave
 * room for L1.
 */
public final class SinglePassKernels {

    /** Words of the stage: two exponents per word. */
    public static final int STAGE_WORDS = 8192;
    /** Elements of a block that go through the stage; the rest are written directly. Even. */
    public static final int STAGE_ELEMENTS = 2 * STAGE_WORDS;

    private static final int THREADS = DecodeKernels.THREADS;
    private static final int ROW = DecodeKernels.ROW;
    /** The scan array: 512 counts padded by one word per 16, then the 32 segment offsets. */
    private static final int SEGMENT = 16;
    private static final int SEGMENTS = THREADS / SEGMENT;
    private static final int OFFSETS_AT = THREADS + SEGMENTS;
    private static final int SCAN_WORDS = OFFSETS_AT + SEGMENTS;

    private SinglePassKernels() {
    }

    /** Version 3, see the class javadoc. */
    public static void decodeSinglePass(KernelContext context, IntArray tables, IntArray codeWords,
            IntArray signMantissa, IntArray positions, ByteArray gaps, ShortArray out, IntArray status, int gapBytes,
            int elements) {
        int[] root = context.allocateIntLocalArray(ROW);
        int[] scan = context.allocateIntLocalArray(SCAN_WORDS);
        int[] stage = context.allocateIntLocalArray(STAGE_WORDS);
        int lane = context.localIdx;
        int group = context.groupIdx;
        int thread = context.globalIdx;

        if (lane < ROW) {
            root[lane] = tables.get(lane);
        }
        int word = 2 * thread;
        long head = ((long) swap(codeWords.get(word)) << 32) | (swap(codeWords.get(word + 1)) & 0xFFFFFFFFL);
        long tail = swap(codeWords.get(word + 2)) & 0xFFFFFFFFL;
        long tail2 = swap(codeWords.get(word + 3)) & 0xFFFFFFFFL;
        int gap = DecodeKernels.gapOf(gaps, thread, gapBytes);
        context.localBarrier();

        // Phase 1: count the codes that start in this window, those in its first 32 bits, then the rest.
        int count = 0;
        long window = head << gap;
        int consumed = gap;
        while (consumed < 32) {
            int entry = root[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = child(tables, entry, window);
            }
            int length = entry >> 16;
            window = window << length;
            consumed += length;
            count++;
        }
        window = window | (tail << (consumed - 32));
        while (consumed < 64) {
            int entry = root[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = child(tables, entry, window);
            }
            int length = entry >> 16;
            window = window << length;
            consumed += length;
            count++;
        }

        // Two-level exclusive scan of the counts (padded index i + i / 16 keeps the serial scans conflict-free).
        scan[lane + (lane >> 4)] = count;
        context.localBarrier();
        if (lane < SEGMENTS) {
            int at = lane * (SEGMENT + 1);
            int run = 0;
            for (int k = 0; k < SEGMENT; k++) {
                run += scan[at + k];
                scan[at + k] = run;
            }
        }
        context.localBarrier();
        if (lane < SEGMENTS) {
            int sum = 0;
            for (int k = 0; k < lane; k++) {
                sum += scan[k * (SEGMENT + 1) + SEGMENT - 1];
            }
            scan[OFFSETS_AT + lane] = sum;
        }
        context.localBarrier();
        int inclusive = scan[lane + (lane >> 4)] + scan[OFFSETS_AT + (lane >> 4)];
        int before = 0;
        if (lane > 0) {
            int previous = lane - 1;
            before = scan[previous + (previous >> 4)] + scan[OFFSETS_AT + (previous >> 4)];
        }
        int blockStart = positions.get(group);
        int blockLength = Math.min(positions.get(group + 1), elements) - blockStart;
        int mineFrom = before;
        int mineTo = Math.min(blockStart + inclusive, elements) - blockStart;
        if (lane == THREADS - 1) {
            status.set(group, DecodeKernels.blockStatus(inclusive, blockStart, positions.get(group + 1), elements));
        }

        // Phase 2: decode again; stage pairs of exponents (the even slot in the low half), or write past the stage.
        window = head << gap;
        consumed = gap;
        int low = 0;
        int slot = mineFrom;
        while (slot < mineTo && consumed < 32) {
            int entry = root[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = child(tables, entry, window);
            }
            int exponentBits = entry & 0x7F80;
            if (slot < STAGE_ELEMENTS) {
                if ((slot & 1) == 0) {
                    low = exponentBits;
                } else if (slot != mineFrom) {
                    stage[slot >> 1] = low | (exponentBits << 16);
                }
            } else {
                writeDirect(out, signMantissa, blockStart + slot, exponentBits);
            }
            int length = entry >> 16;
            window = window << length;
            consumed += length;
            slot++;
        }
        window = window | (tail << (consumed - 32));
        while (slot < mineTo) {
            int entry = root[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = child(tables, entry, window);
            }
            int exponentBits = entry & 0x7F80;
            if (slot < STAGE_ELEMENTS) {
                if ((slot & 1) == 0) {
                    low = exponentBits;
                } else if (slot != mineFrom) {
                    stage[slot >> 1] = low | (exponentBits << 16);
                }
            } else {
                writeDirect(out, signMantissa, blockStart + slot, exponentBits);
            }
            int length = entry >> 16;
            window = window << length;
            consumed += length;
            slot++;
        }
        // A range that ends at an even slot owns that stage word: fill its high half with the next code (the first
        // of the next range, which skips it), or leave it empty at the end of the block.
        if (mineTo > mineFrom && (mineTo & 1) == 1 && mineTo < STAGE_ELEMENTS) {
            int high = 0;
            if (mineTo < blockLength) {
                window = window | (tail2 << (consumed - 64));
                int entry = root[(int) (window >> 56) & 0xFF];
                if (entry < 0) {
                    entry = child(tables, entry, window);
                }
                high = (entry & 0x7F80) << 16;
            }
            stage[(mineTo - 1) >> 1] = low | high;
        }
        context.localBarrier();

        // Coalesced write-out of the staged elements, two per work-item and step.
        int staged = Math.min(blockLength, STAGE_ELEMENTS);
        for (int w = lane; 2 * w < staged; w += THREADS) {
            int pair = stage[w];
            int index = blockStart + 2 * w;
            out.set(index, bf16Bits(pair & 0x7F80, signMantissaByte(signMantissa, index)));
            if (2 * w + 1 < staged) {
                out.set(index + 1, bf16Bits((pair >> 16) & 0x7F80, signMantissaByte(signMantissa, index + 1)));
            }
        }
    }

    /**
     * The entry a pointer leads to: up to three child tables, indexed by the second, third and fourth byte of the
     * window. A fourth pointer (malformed tables; never reached by a valid stream) ends as exponent 0 of length 32.
     */
    private static int child(IntArray tables, int pointer, long window) {
        int entry = tables.get(-pointer + ((int) (window >> 48) & 0xFF));
        if (entry < 0) {
            entry = tables.get(-entry + ((int) (window >> 40) & 0xFF));
            if (entry < 0) {
                entry = tables.get(-entry + ((int) (window >> 32) & 0xFF));
                if (entry < 0) {
                    entry = PackedInputs.exponentEntry(0, 32);
                }
            }
        }
        return entry;
    }

    /** Element past the stage: written in place. */
    private static void writeDirect(ShortArray out, IntArray signMantissa, int index, int exponentBits) {
        out.set(index, bf16Bits(exponentBits, signMantissaByte(signMantissa, index)));
    }

    /**
     * Sign/mantissa byte {@code index} of the unit's words ({@link PackedInputs#signMantissaWords}: byte
     * {@code index & 3} of word {@code index >> 2}), the one copy the forward pass's kernels read too.
     */
    private static int signMantissaByte(IntArray signMantissa, int index) {
        return (signMantissa.get(index >> 2) >> ((index & 3) << 3)) & 0xFF;
    }

    /** BF16 from the exponent already at bits 7..14 and a sign/mantissa byte. */
    private static short bf16Bits(int exponentBits, int sm) {
        return (short) (((sm & 0x80) << 8) | exponentBits | (sm & 0x7F));
    }

    /** A stream word as read little-endian from the device, turned into its 4 bytes MSB-first. */
    private static int swap(int word) {
        return (word << 24) | ((word & 0xFF00) << 8) | ((word >> 8) & 0xFF00) | ((word >> 24) & 0xFF);
    }
}
