package dev.df11.lab.decode;

import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.decode.SinglePassKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Version 3d: {@link PairDecodeKernels v3c} with a wider write-out. The stage is aligned to the global element index
 * (slot {@code r} of the block is byte {@code r + (blockStart & 3)}), so one stage word is four elements that form two
 * aligned output ints; the sign/mantissa bytes are read as ints ({@link PackedInputs#signMantissaWords}) and the output
 * is written as ints (two BF16 each): per four elements one local load, one global load and two 32-bit stores, where
 * v3c spends four of each and 16-bit stores.
 *
 * <p>An output int can hold the last element of one block and the first of the next. The block holding its low half
 * writes it: the last work-item of every block decodes one code past its window (its 8 look-ahead bytes always hold
 * it), the first exponent of the next block; the next block skips that int.
 *
 * <p>Local memory: 256 + 577 + 4096 + 4096 + 512 ints, 37.3 KiB.
 */
public final class WordWriteKernels {

    /** Exponents kept per work-item in phase 1. */
    public static final int KEPT = 32;
    /** Words of the stage: four exponents per word. */
    public static final int STAGE_WORDS = 4096;
    /** Elements of a block that go through the stage; the rest are written directly. A multiple of 4. */
    public static final int STAGE_ELEMENTS = 4 * STAGE_WORDS;

    private static final int THREADS = DecodeKernels.THREADS;
    private static final int ROW = DecodeKernels.ROW;
    private static final int SEGMENT = 16;
    private static final int SEGMENTS = THREADS / SEGMENT;
    private static final int OFFSETS_AT = THREADS + SEGMENTS;
    /** Where the last work-item leaves the first exponent of the next block. */
    private static final int NEXT_BLOCK_FIRST = OFFSETS_AT + SEGMENTS;
    private static final int SCAN_WORDS = NEXT_BLOCK_FIRST + 1;
    private static final int PENDING_WORDS = KEPT / 4 * THREADS;

    private WordWriteKernels() {
    }

    /** Version 3d, see the class javadoc. */
    public static void decodeToWords(KernelContext context, IntArray tables, IntArray pairTable, IntArray codeWords,
            IntArray signMantissa, IntArray positions, ByteArray gaps, IntArray out, IntArray status, int gapBytes,
            int elements) {
        int[] pairs = context.allocateIntLocalArray(ROW);
        int[] scan = context.allocateIntLocalArray(SCAN_WORDS);
        int[] pending = context.allocateIntLocalArray(PENDING_WORDS);
        int[] stage = context.allocateIntLocalArray(STAGE_WORDS);
        int[] lastBytes = context.allocateIntLocalArray(THREADS);
        int lane = context.localIdx;
        int group = context.groupIdx;
        int thread = context.globalIdx;

        if (lane < ROW) {
            pairs[lane] = pairTable.get(lane);
        }
        int word = 2 * thread;
        long head = ((long) swap(codeWords.get(word)) << 32) | (swap(codeWords.get(word + 1)) & 0xFFFFFFFFL);
        long tail = swap(codeWords.get(word + 2)) & 0xFFFFFFFFL;
        int gap = DecodeKernels.gapOf(gaps, thread, gapBytes);
        context.localBarrier();

        // Phase 1: decode the codes that start in this window, two at a time where one byte holds both; keep the first
        // 32 exponents, four to a word (the accumulator's bytes past `count & 3` are zero; a pair that completes a
        // word leaves its second exponent, shifted down, as the start of the next).
        int count = 0;
        int acc = 0;
        long window = head << gap;
        int consumed = gap;
        // Codes that start in the first 32 bits: a second code in the same byte starts below bit 40.
        while (consumed < 32) {
            int entry = pairs[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = asPair(child(tables, entry, window));
            }
            int f = count & 3;
            int pair = entry & 0xFFFF;
            acc = acc | (pair << (f << 3));
            int n = 1 + ((entry >> 22) & 1);
            if (f + n >= 4) {
                if (count < KEPT) {
                    pending[(count >> 2) * THREADS + lane] = acc;
                }
                acc = pair >> ((4 - f) << 3);
            }
            int total = (entry >> 16) & 0x3F;
            window = window << total;
            consumed += total;
            count += n;
        }
        window = window | (tail << (consumed - 32));
        // Below bit 56 a second code in the byte still starts in this window.
        while (consumed < 56) {
            int entry = pairs[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = asPair(child(tables, entry, window));
            }
            int f = count & 3;
            int pair = entry & 0xFFFF;
            acc = acc | (pair << (f << 3));
            int n = 1 + ((entry >> 22) & 1);
            if (f + n >= 4) {
                if (count < KEPT) {
                    pending[(count >> 2) * THREADS + lane] = acc;
                }
                acc = pair >> ((4 - f) << 3);
            }
            int total = (entry >> 16) & 0x3F;
            window = window << total;
            consumed += total;
            count += n;
        }
        // The last few codes one at a time.
        while (consumed < 64) {
            int entry = pairs[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = asPair(child(tables, entry, window));
            }
            int f = count & 3;
            acc = acc | ((entry & 0xFF) << (f << 3));
            if (f == 3) {
                if (count < KEPT) {
                    pending[(count >> 2) * THREADS + lane] = acc;
                }
                acc = 0;
            }
            int length = entry >> 23;
            window = window << length;
            consumed += length;
            count++;
        }
        if ((count & 3) != 0 && count < KEPT) {
            pending[(count >> 2) * THREADS + lane] = acc;
        }
        // The last work-item also decodes the code after its window: the first of the next block, which shares an
        // output word with this block's last element when that one has an even index.
        if (lane == THREADS - 1) {
            long tail2 = swap(codeWords.get(word + 3)) & 0xFFFFFFFFL;
            window = window | (tail2 << (consumed - 64));
            int entry = pairs[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = asPair(child(tables, entry, window));
            }
            scan[NEXT_BLOCK_FIRST] = entry & 0xFF;
        }

        // Two-level exclusive scan of the counts, as in v3.
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

        // Phase 2: move the exponents into the stage, which is aligned to the global index: slot r of the block is
        // byte (r + base) of the stage, so that a stage word is four elements of one aligned output int pair. Stage
        // word W belongs to the work-item holding its first slot of this block, max(4W - base, 0).
        int base = blockStart & 3;
        int firstWord = mineFrom == 0 ? 0 : (mineFrom + base + 3) >> 2;
        int lastWord = (mineTo - 1 + base) >> 2;
        int fullEnd = (mineTo + base) >> 2;
        int firstOut = (blockStart + 1) >> 1;
        int endOut = (blockStart + blockLength + 1) >> 1;
        int firstQuad = blockStart >> 2;
        // Decided once, before the branches (see KERNEL-NOTES.md, TornadoVM bug 1); nothing flows out of the
        // branches (bug 2): the bytes of the shared last word go through local memory.
        int sharedLast = (mineTo > mineFrom && lastWord >= firstWord && lastWord >= fullEnd) ? 1 : 0;
        if (mineTo - mineFrom <= KEPT) {
            int shift = ((-(base + mineFrom)) & 3) << 3;
            for (int w = firstWord; w < fullEnd; w++) {
                int k = 4 * w - base - mineFrom;
                int lowIndex = k >> 2;
                int lowWord = 0;
                if (lowIndex >= 0) {
                    lowWord = pending[lowIndex * THREADS + lane];
                }
                int value = lowWord;
                if (shift != 0) {
                    int highWord = pending[(lowIndex + 1) * THREADS + lane];
                    value = ((lowWord >> shift) & ((1 << (32 - shift)) - 1)) | (highWord << (32 - shift));
                }
                if (w < STAGE_WORDS) {
                    stage[w] = value;
                } else {
                    writeQuad(out, signMantissa, firstQuad + w, value, firstOut, endOut);
                }
            }
            int mine = 0;
            for (int a = Math.max(4 * lastWord, mineFrom + base); a < mineTo + base && sharedLast == 1; a++) {
                int k = a - base - mineFrom;
                int e = (pending[(k >> 2) * THREADS + lane] >> ((k & 3) << 3)) & 0xFF;
                mine = mine | (e << ((a & 3) << 3));
            }
            lastBytes[lane] = mine;
        } else {
            // More codes than were kept: decode the window again (rare; a plain loop with the refill inside). The
            // stream words are read again rather than kept in registers through phase 1.
            long again = ((long) swap(codeWords.get(word)) << 32) | (swap(codeWords.get(word + 1)) & 0xFFFFFFFFL);
            long tailAgain = swap(codeWords.get(word + 2)) & 0xFFFFFFFFL;
            window = again << gap;
            consumed = gap;
            int refilled = 0;
            int bytes = 0;
            for (int s = mineFrom; s < mineTo; s++) {
                if (refilled == 0 && consumed >= 32) {
                    window = window | (tailAgain << (consumed - 32));
                    refilled = 1;
                }
                int entry = pairs[(int) (window >> 56) & 0xFF];
                if (entry < 0) {
                    entry = asPair(child(tables, entry, window));
                }
                int a = s + base;
                bytes = bytes | ((entry & 0xFF) << ((a & 3) << 3));
                int length = entry >> 23;
                window = window << length;
                consumed += length;
                // Non-short-circuit on purpose (TornadoVM bug 3).
                boolean wordDone = ((a & 3) == 3) & (a >> 2 < fullEnd);
                if (wordDone) {
                    int w = a >> 2;
                    if (w >= firstWord) {
                        if (w < STAGE_WORDS) {
                            stage[w] = bytes;
                        } else {
                            writeQuad(out, signMantissa, firstQuad + w, bytes, firstOut, endOut);
                        }
                    }
                    bytes = 0;
                }
            }
            lastBytes[lane] = bytes;
        }
        // The last word, if shared and owned: add the slots past my range from the next work-items' first exponents
        // (and, past the block, the next block's first exponent from the last work-item), then write it.
        if (sharedLast == 1) {
            int owner = lane;
            int ownerEnd = inclusive;
            int ownerStart = mineFrom;
            int bytes = lastBytes[lane];
            int wordEnd = Math.min(4 * lastWord + 4 - base, blockLength + 1);
            for (int s = mineTo; s < wordEnd; s++) {
                for (int step = 0; step < 4 && s >= ownerEnd && owner < THREADS - 1; step++) {
                    owner++;
                    ownerStart = ownerEnd;
                    ownerEnd = scan[owner + (owner >> 4)] + scan[OFFSETS_AT + (owner >> 4)];
                }
                int k = (s - ownerStart) & (KEPT - 1);
                int e = (pending[(k >> 2) * THREADS + owner] >> ((k & 3) << 3)) & 0xFF;
                if (s >= blockLength) {
                    e = scan[NEXT_BLOCK_FIRST];
                }
                bytes = bytes | (e << (((s + base) & 3) << 3));
            }
            if (lastWord < STAGE_WORDS) {
                stage[lastWord] = bytes;
            } else {
                writeQuad(out, signMantissa, firstQuad + lastWord, bytes, firstOut, endOut);
            }
        }
        context.localBarrier();

        // Write-out: a work-item takes a stage word (four exponents) and the matching aligned word of sign/mantissa
        // bytes, and writes two output ints (four BF16); the ints shared with a neighbouring block are written by the
        // block that holds their low half.
        int stagedWords = Math.min(STAGE_WORDS, (blockLength + base + 4) >> 2);
        for (int w = lane; w < stagedWords; w += THREADS) {
            writeQuad(out, signMantissa, firstQuad + w, stage[w], firstOut, endOut);
        }
    }

    /**
     * Four elements from one word of exponents and the aligned word of sign/mantissa bytes: output ints
     * {@code 2 * quad} and {@code 2 * quad + 1}, each written if it lies in {@code [firstOut, endOut)}.
     */
    private static void writeQuad(IntArray out, IntArray signMantissa, int quad, int exponents, int firstOut,
            int endOut) {
        int sm = signMantissa.get(quad);
        int low = 2 * quad;
        if (low >= firstOut && low < endOut) {
            out.set(low, bf16Pair(exponents & 0xFF, (exponents >> 8) & 0xFF, sm & 0xFF, (sm >> 8) & 0xFF));
        }
        if (low + 1 >= firstOut && low + 1 < endOut) {
            out.set(low + 1, bf16Pair((exponents >> 16) & 0xFF, (exponents >> 24) & 0xFF, (sm >> 16) & 0xFF,
                    (sm >> 24) & 0xFF));
        }
    }

    /** Two BF16 values in one int, the first in the low half. */
    private static int bf16Pair(int e0, int e1, int sm0, int sm1) {
        int exponents = e0 | (e1 << 16);
        int sms = sm0 | (sm1 << 16);
        return ((sms & 0x00800080) << 8) | (exponents << 7) | (sms & 0x007F007F);
    }

    /** A {@code tables} entry ({@code length << 16 | exponent << 7}) as a one-code {@code pairs} entry. */
    private static int asPair(int entry) {
        int length = (entry >> 16) & 0x3F;
        return ((entry >> 7) & 0xFF) | (length << 16) | (length << 23);
    }


    /** As {@code SinglePassKernels.child}: the entry a pointer leads to, through up to three child tables. */
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


    private static int swap(int word) {
        return (word << 24) | ((word & 0xFF00) << 8) | ((word >> 8) & 0xFF00) | ((word >> 24) & 0xFF);
    }
}
