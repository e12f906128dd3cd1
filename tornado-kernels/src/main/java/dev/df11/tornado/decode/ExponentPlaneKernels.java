package dev.df11.tornado.decode;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Version 3f: {@link WordWriteKernels v3d} writing only the exponents, as an <em>exponent plane</em>: element
 * {@code i}'s 8-bit exponent is byte {@code i & 3} of int {@code i >> 2} of {@code exponents} (bits
 * {@code 8 * (i & 3)} to {@code 8 * (i & 3) + 7}), aligned like {@link PackedInputs#signMantissaWords}. The consumer
 * (the forward pass) reads the plane and the sign/mantissa words and composes BF16 itself. The kernel never reads the
 * sign/mantissa bytes; its write-out is one local load and one 32-bit store per four elements, and the plane is half
 * the size of a BF16 buffer.
 *
 * <p>Phases 1 and 2 are v3d's (32 kept exponents per work-item, two-level scan, a stage aligned to the global index:
 * stage word {@code w} of block {@code g} is quad {@code (blockStart >> 2) + w}), except that phase 1 decodes up to
 * <em>three</em> codes per root lookup where v3d decodes two, through {@link PackedInputs#triples()} (weights' codes
 * average ~2.6 bits, so a byte often holds three). The single codes from bit 56 on and the rare re-decode still use
 * {@link PackedInputs#pairs()}, which gives the first code's length.
 *
 * <p><b>Quads shared between blocks.</b> Block {@code g} covers elements {@code [start, end)} with
 * {@code start = positions[g]}, {@code end = min(positions[g + 1], elements)}. A quad {@code q} (elements
 * {@code [4q, 4q + 4)}) is <em>whole</em> in block {@code g} when {@code start <= 4q} and {@code 4q + 4 <= end}; the
 * decode kernel writes exactly the whole quads. Every other quad below {@code ceil(elements / 4)} contains a block
 * boundary that is not a multiple of 4 (a {@code positions[b]} with {@code b} in {@code 1..blocks}, where
 * {@code positions[blocks] = elements}: so the last quad is shared when {@code elements} is not a multiple of 4).
 * Each block writes its part of such quads into {@code boundary}, its own exponent bytes in their positions and every
 * other byte zero:
 * <ul>
 * <li>{@code boundary[2g]}, the <em>head</em>: the quad holding {@code start}, when {@code start & 3 != 0} (and the
 * block is not empty). For a block lying inside one quad (a tiny last block) this is all of it.</li>
 * <li>{@code boundary[2g + 1]}, the <em>tail</em>: the quad holding {@code end - 1}, when {@code end & 3 != 0},
 * the block is not empty, and that quad is not the head (that is, {@code 4 * (end >> 2) >= start}).</li>
 * <li>Either slot is written as 0 when the block has no such part, so the array never holds stale values.</li>
 * </ul>
 * Bytes of elements at or past {@code end} (the next block's, or past {@code elements}) are zero: v3d's look-ahead
 * decode of the next block's first code is gone.
 *
 * <p>{@link #joinBoundaries} then writes each shared quad: one work-item per boundary index {@code b}; the smallest
 * {@code b} whose position lies strictly inside quad {@code q} owns it, and ORs the tail of block {@code b - 1} with
 * the heads of the blocks {@code b} and, if it also starts inside {@code q}, {@code b + 1}. In a valid unit a block
 * other than the last decodes at least 1,024 elements (a code is at most 32 bits), so no quad holds more parts.
 *
 * <p>Local memory: 256 + 256 + 576 + 4096 + 4096 + 512 ints, 39,168 bytes (38.25 KiB) per work-group of 512.
 */
public final class ExponentPlaneKernels {

    /** Exponents kept per work-item in phase 1. */
    public static final int KEPT = 32;
    /** Words of the stage: four exponents per word. */
    public static final int STAGE_WORDS = 4096;
    /** Work-items per work-group of {@link #joinBoundaries}. */
    public static final int JOIN_THREADS = 256;

    private static final int THREADS = DecodeKernels.THREADS;
    private static final int ROW = DecodeKernels.ROW;
    private static final int SEGMENT = 16;
    private static final int SEGMENTS = THREADS / SEGMENT;
    private static final int OFFSETS_AT = THREADS + SEGMENTS;
    private static final int SCAN_WORDS = OFFSETS_AT + SEGMENTS;
    private static final int PENDING_WORDS = KEPT / 4 * THREADS;

    private ExponentPlaneKernels() {
    }

    /** Version 3f's decode, see the class javadoc. One work-group of 512 per block; {@code boundary}: 2 ints per block. */
    public static void decodeToExponents(KernelContext context, IntArray tables, IntArray pairTable,
            IntArray tripleTable, IntArray codeWords, IntArray positions, ByteArray gaps, IntArray exponents, IntArray boundary,
            IntArray status, int gapBytes, int elements) {
        int[] pairs = context.allocateIntLocalArray(ROW);
        int[] triples = context.allocateIntLocalArray(ROW);
        int[] scan = context.allocateIntLocalArray(SCAN_WORDS);
        int[] pending = context.allocateIntLocalArray(PENDING_WORDS);
        int[] stage = context.allocateIntLocalArray(STAGE_WORDS);
        int[] lastBytes = context.allocateIntLocalArray(THREADS);
        int lane = context.localIdx;
        int group = context.groupIdx;
        int thread = context.globalIdx;

        if (lane < ROW) {
            pairs[lane] = pairTable.get(lane);
            triples[lane] = tripleTable.get(lane);
        }
        int word = 2 * thread;
        long head = ((long) swap(codeWords.get(word)) << 32) | (swap(codeWords.get(word + 1)) & 0xFFFFFFFFL);
        long tail = swap(codeWords.get(word + 2)) & 0xFFFFFFFFL;
        int gap = DecodeKernels.gapOf(gaps, thread, gapBytes);
        context.localBarrier();

        // Phase 1: decode the window's codes, up to three per lookup of the byte at the top of the window (all codes
        // wholly inside it, see PackedInputs.tripleEntry); keep the first 32 exponents, four to a word. A code belongs
        // to the work-item whose window it starts in: below bit 32 (before the refill) and below bit 56 every code of
        // the byte starts before bit 64, so all of them are this work-item's. From bit 56 on, one code at a time.
        // Masked, not branched (KERNEL-NOTES.md, bug 4): acc is a select; only the store sits in a branch. f + n is at
        // most 6, so one step fills at most one word; a word is full only if f + n >= 4, then f >= 1 and the shift
        // ((-f) & 3) * 8 = (4 - f) * 8 is 8..24 (never 32, which C and PTX leave undefined).
        int count = 0;
        int acc = 0;
        long window = head << gap;
        int consumed = gap;
        while (consumed < 32) {
            int entry = triples[(int) (window >> 56) & 0xFF];
            if (((entry >> 26) & 0x3F) == 0) {
                entry = asTriple(child(tables, -entry, window));
            }
            int f = count & 3;
            int codes = entry & 0xFFFFFF;
            int n = 1 + ((entry >> 24) & 3);
            int filled = acc | (codes << (f << 3));
            int flush = f + n >= 4 ? 1 : 0;
            if ((flush == 1) & (count < KEPT)) {
                pending[(count >> 2) * THREADS + lane] = filled;
            }
            acc = flush == 1 ? codes >> (((-f) & 3) << 3) : filled;
            int total = (entry >> 26) & 0x3F;
            window = window << total;
            consumed += total;
            count += n;
        }
        window = window | (tail << (consumed - 32));
        while (consumed < 56) {
            int entry = triples[(int) (window >> 56) & 0xFF];
            if (((entry >> 26) & 0x3F) == 0) {
                entry = asTriple(child(tables, -entry, window));
            }
            int f = count & 3;
            int codes = entry & 0xFFFFFF;
            int n = 1 + ((entry >> 24) & 3);
            int filled = acc | (codes << (f << 3));
            int flush = f + n >= 4 ? 1 : 0;
            if ((flush == 1) & (count < KEPT)) {
                pending[(count >> 2) * THREADS + lane] = filled;
            }
            acc = flush == 1 ? codes >> (((-f) & 3) << 3) : filled;
            int total = (entry >> 26) & 0x3F;
            window = window << total;
            consumed += total;
            count += n;
        }
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
        int blockEnd = Math.min(positions.get(group + 1), elements);
        int blockLength = blockEnd - blockStart;
        int mineFrom = before;
        // Clipped to the block (v3d clips to the unit): in a valid unit the same; in a corrupt one (status 1) no
        // work-item writes outside its block's quads.
        int mineTo = Math.min(inclusive, blockLength);
        if (lane == THREADS - 1) {
            status.set(group, DecodeKernels.blockStatus(inclusive, blockStart, positions.get(group + 1), elements));
        }

        // Phase 2, as in v3d: move the exponents into the stage, aligned to the global index (slot r of the block is
        // byte r + base); stage word W belongs to the work-item holding its first slot of this block. Words past the
        // stage are stored directly (storeDirect).
        int base = blockStart & 3;
        int firstWord = mineFrom == 0 ? 0 : (mineFrom + base + 3) >> 2;
        int lastWord = (mineTo - 1 + base) >> 2;
        int fullEnd = (mineTo + base) >> 2;
        int firstQuad = blockStart >> 2;
        // Decided once, before the branches (KERNEL-NOTES.md, TornadoVM bug 1); nothing flows out of the branches
        // (bug 2): the bytes of the shared last word go through local memory.
        int sharedLast = (mineTo > mineFrom && lastWord >= firstWord && lastWord >= fullEnd) ? 1 : 0;
        if (mineTo - mineFrom <= KEPT) {
            int shift = ((-(base + mineFrom)) & 3) << 3;
            for (int w = firstWord; w < fullEnd; w++) {
                int k = 4 * w - base - mineFrom;
                int lowIndex = k >> 2;
                // Masked, not branched (the PTX phi bug above): slots before the block's first read as zero.
                int lowWord = pending[Math.max(lowIndex, 0) * THREADS + lane] & -(lowIndex >= 0 ? 1 : 0);
                int value = lowWord;
                if (shift != 0) {
                    int highWord = pending[(lowIndex + 1) * THREADS + lane];
                    value = ((lowWord >> shift) & ((1 << (32 - shift)) - 1)) | (highWord << (32 - shift));
                }
                if (w < STAGE_WORDS) {
                    stage[w] = value;
                } else {
                    storeDirect(exponents, boundary, group, firstQuad + w, value, blockEnd);
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
            // More codes than were kept: decode the window again (rare), as in v3d.
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
                            storeDirect(exponents, boundary, group, firstQuad + w, bytes, blockEnd);
                        }
                    }
                    bytes = 0;
                }
            }
            lastBytes[lane] = bytes;
        }
        // The last word, if shared and owned: add the slots past my range from the next work-items' kept exponents,
        // up to the word's end or the block's end, whichever comes first (bytes past the block stay zero).
        if (sharedLast == 1) {
            int owner = lane;
            int ownerEnd = inclusive;
            int ownerStart = mineFrom;
            int bytes = lastBytes[lane];
            int wordEnd = Math.min(4 * lastWord + 4 - base, blockLength);
            for (int s = mineTo; s < wordEnd; s++) {
                for (int step = 0; step < 4 && s >= ownerEnd && owner < THREADS - 1; step++) {
                    owner++;
                    ownerStart = ownerEnd;
                    ownerEnd = scan[owner + (owner >> 4)] + scan[OFFSETS_AT + (owner >> 4)];
                }
                int k = (s - ownerStart) & (KEPT - 1);
                int e = (pending[(k >> 2) * THREADS + owner] >> ((k & 3) << 3)) & 0xFF;
                bytes = bytes | (e << (((s + base) & 3) << 3));
            }
            if (lastWord < STAGE_WORDS) {
                stage[lastWord] = bytes;
            } else {
                storeDirect(exponents, boundary, group, firstQuad + lastWord, bytes, blockEnd);
            }
        }
        context.localBarrier();

        // Write-out: the whole quads, one stage word each, stored as they are. Head and tail (see the class javadoc)
        // go to the block's two boundary slots, or 0 where the block has none; a tail past the stage was stored in
        // phase 2.
        int nonEmpty = blockLength > 0 ? 1 : 0;
        int wholeFrom = base != 0 ? 1 : 0;
        int wholeTo = Math.min(STAGE_WORDS, (blockEnd >> 2) - firstQuad);
        for (int w = wholeFrom + lane; w < wholeTo; w += THREADS) {
            exponents.set(firstQuad + w, stage[w]);
        }
        // Head and tail are masked, not assigned in branches, and keep only the block's own bytes of the word. On
        // TornadoVM's PTX backend (H100) the branch form lost every head and, once that was masked, the head word's
        // bytes before the block's first slot were not zero (PoCL and NVIDIA's OpenCL were right both times; v3d
        // never stores those bytes, so nothing showed it before): KERNEL-NOTES.md, PTX notes.
        if (lane == 0) {
            int hasHead = nonEmpty & (base != 0 ? 1 : 0);
            int headEnd = Math.min(4, blockEnd - (firstQuad << 2));
            boundary.set(2 * group, stage[0] & byteMask(base, headEnd) & -hasHead);
        }
        if (lane == THREADS - 1) {
            int tailWord = (blockEnd >> 2) - firstQuad;
            int hasTail = (nonEmpty == 1 && (blockEnd & 3) != 0 && 4 * (blockEnd >> 2) >= blockStart) ? 1 : 0;
            int inStage = tailWord < STAGE_WORDS ? 1 : 0;
            int tailValue = stage[Math.min(tailWord, STAGE_WORDS - 1)] & byteMask(0, blockEnd & 3)
                    & -(hasTail & inStage);
            if (((hasTail == 0) | (inStage == 1))) {
                boundary.set(2 * group + 1, tailValue);
            }
        }
    }

    /**
     * Writes the shared quads the decode skipped (see the class javadoc): work-item {@code b} (0 to {@code blocks};
     * launch at least {@code blocks + 1}) owns the quad holding {@code positions[b]} when that position is not a
     * multiple of 4 and the previous one lies before that quad; it ORs the parts of the blocks touching the quad.
     */
    public static void joinBoundaries(KernelContext context, IntArray positions, IntArray boundary,
            IntArray exponents, int blocks, int elements) {
        int b = context.globalIdx;
        if (b >= 1 && b <= blocks) {
            int at = Math.min(positions.get(b), elements);
            int previous = Math.min(positions.get(b - 1), elements);
            int quad = at >> 2;
            int quadStart = quad << 2;
            int owns = ((at & 3) != 0 && previous <= quadStart) ? 1 : 0;
            if (owns == 1) {
                // Block b - 1 ends inside the quad and block b starts in it. In a valid unit only the last block can
                // be shorter than 1,024 elements, so at most one more block (b + 1, the last) starts in the quad;
                // a corrupt unit that breaks this fails its status check. Masks, not branches (see the decode).
                // b = blocks is the unit's end: no block starts there, only the last block's tail is in the quad.
                int first = b < blocks ? 1 : 0;
                int second = ((b + 1 < blocks) & (positions.get(Math.min(b + 1, blocks)) < quadStart + 4)) ? 1 : 0;
                int value = boundary.get(2 * b - 1)
                        | (boundary.get(2 * Math.min(b, blocks - 1)) & -first)
                        | (boundary.get(2 * Math.min(b + 1, blocks - 1)) & -second);
                exponents.set(quad, value);
            }
        }
    }

    /** A word of exponents stored past the stage (never a head): to {@code exponents} if whole, else the tail slot. */
    private static void storeDirect(IntArray exponents, IntArray boundary, int group, int quad, int value,
            int blockEnd) {
        if (4 * quad + 4 <= blockEnd) {
            exponents.set(quad, value);
        } else {
            boundary.set(2 * group + 1, value & byteMask(0, blockEnd & 3));
        }
    }

    /** An int with bytes {@code lo} (inclusive) to {@code hi} (exclusive, at most 4) set. Kernel-safe. */
    private static int byteMask(int lo, int hi) {
        int below = hi >= 4 ? -1 : (1 << (hi << 3)) - 1;
        return below & (-1 << (lo << 3));
    }

    /** A {@code tables} entry ({@code length << 16 | exponent << 7}) as a one-code {@code pairs} entry. */
    private static int asPair(int entry) {
        int length = (entry >> 16) & 0x3F;
        return ((entry >> 7) & 0xFF) | (length << 16) | (length << 23);
    }

    /**
     * A {@code tables} entry ({@code length << 16 | exponent << 7}) as a one-code {@code triples} entry
     * ({@link PackedInputs#tripleEntry}); a 32-bit code sets bit 31, harmless: only the root entry is tested for the
     * pointer mark (bits 26-31 zero).
     */
    private static int asTriple(int entry) {
        return ((entry >> 7) & 0xFF) | (((entry >> 16) & 0x3F) << 26);
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
