package dev.df11.lab.decode;

import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.decode.SinglePassKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Version 3b: {@link SinglePassKernels v3} without the second decode. Phase 1 already finds every exponent of its
 * window to count them; here it also keeps them, four to a word, in a local array of 32 exponents per work-item
 * ({@code pending}, laid out word-major so that the work-items of a warp store to 32 different banks). After the
 * scan, each work-item copies its exponents from {@code pending} to their final place in the stage (four exponents per
 * word, so the stage holds a block of {@link #STAGE_ELEMENTS}), a funnel shift per word instead of a table walk per
 * element. The write-out reads one exponent byte and one sign/mantissa byte per element at consecutive addresses.
 *
 * <p>Sharing of stage words: a stage word belongs to the work-item whose range holds its first slot; that work-item
 * writes the whole word, taking the slots past its range from the next work-items' {@code pending} (their first
 * exponents, always kept). A work-item with more than 32 codes in its window (only when codes average under 2 bits)
 * decodes its window again instead of reading {@code pending}. Elements past the stage are written straight to global
 * memory.
 *
 * <p>Local memory: 256 + 576 + 4096 + 4096 ints, 35.3 KiB.
 */
public final class OneDecodeKernels {

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
    private static final int SCAN_WORDS = OFFSETS_AT + SEGMENTS;
    private static final int PENDING_WORDS = KEPT / 4 * THREADS;

    private OneDecodeKernels() {
    }

    /** Version 3b, see the class javadoc. */
    public static void decodeOnce(KernelContext context, IntArray tables, IntArray codeWords, ByteArray signMantissa,
            IntArray positions, ByteArray gaps, ShortArray out, IntArray status, int gapBytes, int elements) {
        int[] root = context.allocateIntLocalArray(ROW);
        int[] scan = context.allocateIntLocalArray(SCAN_WORDS);
        int[] pending = context.allocateIntLocalArray(PENDING_WORDS);
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
        int gap = DecodeKernels.gapOf(gaps, thread, gapBytes);
        context.localBarrier();

        // Phase 1: decode the codes that start in this window; keep the first 32 exponents, four to a word (each new
        // exponent enters at the top byte, so after four the first is in the low byte).
        int count = 0;
        int packed = 0;
        long window = head << gap;
        int consumed = gap;
        while (consumed < 32) {
            int entry = root[(int) (window >> 56) & 0xFF];
            if (entry < 0) {
                entry = child(tables, entry, window);
            }
            packed = ((packed >> 8) & 0xFFFFFF) | ((entry & 0x7F80) << 17);
            if ((count & 3) == 3 && count < KEPT) {
                pending[(count >> 2) * THREADS + lane] = packed;
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
            packed = ((packed >> 8) & 0xFFFFFF) | ((entry & 0x7F80) << 17);
            if ((count & 3) == 3 && count < KEPT) {
                pending[(count >> 2) * THREADS + lane] = packed;
            }
            int length = entry >> 16;
            window = window << length;
            consumed += length;
            count++;
        }
        if ((count & 3) != 0 && count < KEPT) {
            // The last 1..3 exponents sit in the top bytes; move them down (the bytes above are never read).
            pending[(count >> 2) * THREADS + lane] = packed >> ((4 - (count & 3)) << 3);
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

        // Phase 2: move the exponents to their slots. This work-item owns stage words firstWord..lastWord (those whose
        // first slot is in its range); all but possibly the last are wholly its own.
        int firstWord = (mineFrom + 3) >> 2;
        int lastWord = (mineTo - 1) >> 2;
        int fullEnd = mineTo >> 2;
        // Decided once here and never derived from the branches below: TornadoVM 5.2 duplicates code after a merge
        // whose condition repeats a branch's (barrier included), and it mis-places the phi of a value assigned in both
        // branches. So each branch writes its own bytes of the shared last word itself, and nothing flows out.
        int sharedLast = (mineTo > mineFrom && lastWord >= firstWord && lastWord >= fullEnd) ? 1 : 0;
        if (mineTo - mineFrom <= KEPT) {
            int shift = ((4 - (mineFrom & 3)) & 3) << 3;
            for (int w = firstWord; w < fullEnd; w++) {
                int k = 4 * w - mineFrom;
                int lowWord = pending[(k >> 2) * THREADS + lane];
                int value = lowWord;
                if (shift != 0) {
                    int highWord = pending[((k >> 2) + 1) * THREADS + lane];
                    value = ((lowWord >> shift) & ((1 << (32 - shift)) - 1)) | (highWord << (32 - shift));
                }
                if (w < STAGE_WORDS) {
                    stage[w] = value;
                } else {
                    writeDirect(out, signMantissa, blockStart + 4 * w, value, 4);
                }
            }
            int mine = 0;
            for (int s = 4 * lastWord; s < mineTo && sharedLast == 1; s++) {
                int k = s - mineFrom;
                int e = (pending[(k >> 2) * THREADS + lane] >> ((k & 3) << 3)) & 0xFF;
                mine = mine | (e << ((s & 3) << 3));
            }
            if (sharedLast == 1) {
                if (lastWord < STAGE_WORDS) {
                    stage[lastWord] = mine;
                } else {
                    writeDirect(out, signMantissa, blockStart + 4 * lastWord, mine, mineTo - 4 * lastWord);
                }
            }
        } else {
            // More codes than were kept: decode the window again (rare; a plain loop with the refill inside). The
            // stream words are read again rather than kept in registers through phase 1.
            long again = ((long) swap(codeWords.get(word)) << 32) | (swap(codeWords.get(word + 1)) & 0xFFFFFFFFL);
            long tailAgain = swap(codeWords.get(word + 2)) & 0xFFFFFFFFL;
            window = again << gap;
            consumed = gap;
            int refilled = 0;
            int acc = 0;
            for (int s = mineFrom; s < mineTo; s++) {
                if (refilled == 0 && consumed >= 32) {
                    window = window | (tailAgain << (consumed - 32));
                    refilled = 1;
                }
                int entry = root[(int) (window >> 56) & 0xFF];
                if (entry < 0) {
                    entry = child(tables, entry, window);
                }
                acc = acc | (((entry >> 7) & 0xFF) << ((s & 3) << 3));
                int length = entry >> 16;
                window = window << length;
                consumed += length;
                // Non-short-circuit: TornadoVM 5.2 drops the `continue` of a loop end inside a branch, and a short
                // circuit here would make one.
                boolean flush = ((s & 3) == 3) | (s == mineTo - 1);
                if (flush) {
                    int w = s >> 2;
                    if (w >= firstWord) {
                        if (w < STAGE_WORDS) {
                            stage[w] = acc;
                        } else {
                            writeDirect(out, signMantissa, blockStart + 4 * w, acc, Math.min(4, mineTo - 4 * w));
                        }
                    }
                    acc = 0;
                }
            }
        }
        // The last word, if shared and owned: add the slots past my range from the next work-items' first exponents.
        if (sharedLast == 1) {
            int owner = lane;
            int ownerEnd = inclusive;
            int ownerStart = mineFrom;
            int others = 0;
            int wordEnd = Math.min(4 * lastWord + 4, blockLength);
            for (int s = mineTo; s < wordEnd; s++) {
                for (int step = 0; step < 4 && s >= ownerEnd && owner < THREADS - 1; step++) {
                    owner++;
                    ownerStart = ownerEnd;
                    ownerEnd = scan[owner + (owner >> 4)] + scan[OFFSETS_AT + (owner >> 4)];
                }
                int k = (s - ownerStart) & (KEPT - 1);
                int e = (pending[(k >> 2) * THREADS + owner] >> ((k & 3) << 3)) & 0xFF;
                others = others | (e << ((s & 3) << 3));
            }
            if (lastWord < STAGE_WORDS) {
                stage[lastWord] = stage[lastWord] | others;
            } else if (wordEnd > mineTo) {
                writeDirect(out, signMantissa, blockStart + mineTo, others >> ((mineTo & 3) << 3), wordEnd - mineTo);
            }
        }
        context.localBarrier();

        // Coalesced write-out: one exponent byte from the stage and one sign/mantissa byte per element.
        int staged = Math.min(blockLength, STAGE_ELEMENTS);
        int byteShift = (lane & 3) << 3;
        for (int i = lane; i < staged; i += THREADS) {
            int e = (stage[i >> 2] >> byteShift) & 0xFF;
            out.set(blockStart + i, bf16(e, signMantissa.get(blockStart + i)));
        }
    }

    /** Up to four elements from a word of four exponents (the first in the low byte), written in place. */
    private static void writeDirect(ShortArray out, ByteArray signMantissa, int index, int exponents, int n) {
        for (int m = 0; m < n; m++) {
            out.set(index + m, bf16((exponents >> (8 * m)) & 0xFF, signMantissa.get(index + m)));
        }
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

    private static short bf16(int exponent, byte signMantissa) {
        int sm = signMantissa & 0xFF;
        return (short) (((sm & 0x80) << 8) | (exponent << 7) | (sm & 0x7F));
    }

    private static int swap(int word) {
        return (word << 24) | ((word & 0xFF00) << 8) | ((word >> 8) & 0xFF00) | ((word >> 24) & 0xFF);
    }
}
