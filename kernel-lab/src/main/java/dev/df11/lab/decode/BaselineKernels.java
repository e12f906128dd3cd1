package dev.df11.lab.decode;

import dev.df11.tornado.decode.DecodeKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The first two rungs of the decode ladder (v1-global, v2-staged); each is checked bit for bit against the CPU decoder
 * by the lab's tests. The shared constants and helpers are the product's {@link DecodeKernels}.
 *
 * <p>Launch: one work-group of {@link DecodeKernels#THREADS} work-items per 4096-byte block of the exponent stream, so the global
 * size is {@code blocks * DecodeKernels.THREADS}. Work-item {@code t} owns bytes {@code [8t, 8t + 8)} of the stream and may read 4
 * more bytes of look-ahead (a code is at most 32 bits). It skips {@code gap(t)} bits, then:
 * <ol>
 * <li>phase 1 counts the codes that start in its 64-bit window;</li>
 * <li>a prefix sum of the counts over the work-group (local memory, barriers), seeded with
 * {@code output_positions[group]}, gives the index of its first element;</li>
 * <li>phase 2 decodes the same codes again and emits one BF16 value per code.</li>
 * </ol>
 * The counts of the last work-items may include codes decoded from the zero padding past the stream's end; those get
 * indices of {@code n} and beyond and are dropped, exactly as the official layout intends.
 *
 * <p>The bit reader: a 64-bit {@code window} holds the stream at the current position in its top bits. The first 8
 * bytes fill it; once 32 or more bits are consumed, the 4 look-ahead bytes are OR-ed in below the remaining bits, so
 * at every code start at least 33 valid bits are present (a code start is below bit 64). Every loop is bounded by 64
 * iterations, so even tables with a zero code length (rejected on the host anyway) cannot hang a work-item. Bytes
 * are taken from the window with a signed shift and a mask: TornadoVM 5.2's OpenCL code generator turns {@code >>>}
 * on a {@code long} into an arithmetic shift, so an unmasked {@code window >>> 56} can come out negative.
 *
 * <p>Each work-group also writes {@code status[group]}: 0 when the number of codes it found agrees with
 * {@code output_positions}, 1 otherwise (corrupt stream, gaps or positions). The host checks it after a decode.
 *
 * <p>Kernels are written for what TornadoVM 5.2 compiles correctly, found on PoCL:
 * <ul>
 * <li>no objects; static helpers take scalars and global arrays only. A local array passed to a helper is indexed as
 * if it were a global array (byte offsets plus a header), so local arrays are used inline only;</li>
 * <li>the first index of a work-item is {@code scan[lane - 1]}, not {@code scan[lane] - count}: PoCL 3.1 loses the
 * per-work-item value of a loop-carried variable such as {@code count} across the scan's barriers (every work-item
 * sees the last one's), so nothing computed in a loop of phase 1 is used after the scan.</li>
 * </ul>
 */
public final class BaselineKernels {

    /** Capacity of the local copy of the tables: 16 decode tables plus the code-length row. */
    public static final int LUT_CAPACITY = 17 * DecodeKernels.ROW;

    /** Elements of a block staged at once in local memory by {@link #decodeStaged} (one word each). */
    public static final int STAGE_WORDS = 8192;

    /** Table entries at or above this value point to a child table ({@code 256 - t}); below, they are exponents. */
    private static final int FIRST_POINTER = 240;

    /** At most this many codes start in a 64-bit window; bounds every decode loop. */
    private static final int MAX_CODES_PER_WINDOW = 64;

    private BaselineKernels() {
    }

    /**
     * Version 1, straightforward: lookup tables read from global memory, each element written straight to its place
     * in global memory (scattered writes, one sign/mantissa read per element). Needs only the prefix sum's local
     * array.
     */
    public static void decodeGlobal(KernelContext context, ByteArray luts, ByteArray codes, ByteArray signMantissa,
            IntArray positions, ByteArray gaps, ShortArray out, IntArray status, int lutRows, int codeBytes,
            int gapBytes, int elements) {
        int[] scan = context.allocateIntLocalArray(DecodeKernels.THREADS);
        int lane = context.localIdx;
        int group = context.groupIdx;
        int thread = context.globalIdx;
        int lengthRow = (lutRows - 1) * DecodeKernels.ROW;

        int base = thread * DecodeKernels.BYTES_PER_THREAD;
        long head = 0;
        for (int k = 0; k < 8; k++) {
            head = (head << 8) | streamByte(codes, base + k, codeBytes);
        }
        long tail = 0;
        for (int k = 8; k < 12; k++) {
            tail = (tail << 8) | streamByte(codes, base + k, codeBytes);
        }
        int gap = DecodeKernels.gapOf(gaps, thread, gapBytes);

        // Phase 1: count the codes that start in this window.
        int count = 0;
        long window = head << gap;
        int consumed = gap;
        int refilled = 0;
        for (int step = 0; step < MAX_CODES_PER_WINDOW && consumed < 64; step++) {
            if (refilled == 0 && consumed >= 32) {
                window = window | (tail << (consumed - 32));
                refilled = 1;
            }
            int e = luts.get((int) ((window >> 56) & 0xFF)) & 0xFF;
            if (e >= FIRST_POINTER) {
                e = luts.get(((256 - e) << 8) + (int) ((window >> 48) & 0xFF)) & 0xFF;
                if (e >= FIRST_POINTER) {
                    e = luts.get(((256 - e) << 8) + (int) ((window >> 40) & 0xFF)) & 0xFF;
                    if (e >= FIRST_POINTER) {
                        e = luts.get(((256 - e) << 8) + (int) ((window >> 32) & 0xFF)) & 0xFF;
                    }
                }
            }
            int length = luts.get(lengthRow + e) & 0xFF;
            window = window << length;
            consumed += length;
            count++;
        }

        // Prefix sum over the work-group (Hillis-Steele; two barriers a step keep reads and writes apart).
        scan[lane] = count;
        context.localBarrier();
        for (int offset = 1; offset < DecodeKernels.THREADS; offset <<= 1) {
            int add = 0;
            if (lane >= offset) {
                add = scan[lane - offset];
            }
            context.localBarrier();
            scan[lane] = scan[lane] + add;
            context.localBarrier();
        }
        int blockStart = positions.get(group);
        int before = 0;
        if (lane > 0) {
            before = scan[lane - 1];
        }
        int first = blockStart + before;
        int end = Math.min(blockStart + scan[lane], elements);
        if (lane == DecodeKernels.THREADS - 1) {
            status.set(group, DecodeKernels.blockStatus(scan[lane], blockStart, positions.get(group + 1), elements));
        }

        // Phase 2: decode again and write each element where it belongs.
        window = head << gap;
        consumed = gap;
        refilled = 0;
        for (int index = first; index < end; index++) {
            if (refilled == 0 && consumed >= 32) {
                window = window | (tail << (consumed - 32));
                refilled = 1;
            }
            int e = luts.get((int) ((window >> 56) & 0xFF)) & 0xFF;
            if (e >= FIRST_POINTER) {
                e = luts.get(((256 - e) << 8) + (int) ((window >> 48) & 0xFF)) & 0xFF;
                if (e >= FIRST_POINTER) {
                    e = luts.get(((256 - e) << 8) + (int) ((window >> 40) & 0xFF)) & 0xFF;
                    if (e >= FIRST_POINTER) {
                        e = luts.get(((256 - e) << 8) + (int) ((window >> 32) & 0xFF)) & 0xFF;
                    }
                }
            }
            int sm = signMantissa.get(index) & 0xFF;
            out.set(index, bf16(e, sm));
            int length = luts.get(lengthRow + e) & 0xFF;
            window = window << length;
            consumed += length;
        }
    }

    /**
     * Version 2: the tables live in local memory (packed four bytes to a word), and the block's outputs are staged in
     * local memory and then written by the whole work-group at consecutive addresses (coalesced), reading the
     * sign/mantissa bytes the same way. A block holds up to 32768 elements but the stage holds {@link DecodeKernels#STAGE_WORDS}
     * exponents, so phase 2 runs in passes over slices of {@code STAGE_WORDS} elements: in each pass only the
     * work-items whose elements fall in the slice decode, then the slice is written out. Work-items' ranges are
     * ordered, so each decodes once, except the one whose range straddles a slice edge. N(0, 0.02) weights give about
     * 11,700 elements per block: two passes. Local memory: 4352 + 2048 + 32768 bytes, under the 48 KiB that OpenCL and
     * PTX give a work-group.
     *
     * <p>Why words and not bytes, and why not one exponent byte per element: TornadoVM 5.2 mistypes byte local arrays
     * (it drops the {@code & 0xFF} of a read and does index arithmetic in {@code char}), and its local
     * {@code atomicAdd} ignores the index, so neighbouring exponents cannot share a word without a race.
     */
    public static void decodeStaged(KernelContext context, ByteArray luts, ByteArray codes, ByteArray signMantissa,
            IntArray positions, ByteArray gaps, ShortArray out, IntArray status, int lutRows, int codeBytes,
            int gapBytes, int elements) {
        int[] tables = context.allocateIntLocalArray(LUT_CAPACITY / 4);
        int[] scan = context.allocateIntLocalArray(DecodeKernels.THREADS);
        int[] stage = context.allocateIntLocalArray(STAGE_WORDS);
        int lane = context.localIdx;
        int group = context.groupIdx;
        int thread = context.globalIdx;
        int lutWords = lutRows * (DecodeKernels.ROW / 4);
        int lengthRow = (lutRows - 1) * DecodeKernels.ROW;

        for (int w = lane; w < lutWords; w += DecodeKernels.THREADS) {
            int b = 4 * w;
            tables[w] = (luts.get(b) & 0xFF) | ((luts.get(b + 1) & 0xFF) << 8) | ((luts.get(b + 2) & 0xFF) << 16)
                    | ((luts.get(b + 3) & 0xFF) << 24);
        }
        int base = thread * DecodeKernels.BYTES_PER_THREAD;
        long head = 0;
        for (int k = 0; k < 8; k++) {
            head = (head << 8) | streamByte(codes, base + k, codeBytes);
        }
        long tail = 0;
        for (int k = 8; k < 12; k++) {
            tail = (tail << 8) | streamByte(codes, base + k, codeBytes);
        }
        int gap = DecodeKernels.gapOf(gaps, thread, gapBytes);
        context.localBarrier();

        // Phase 1: count the codes that start in this window.
        int count = 0;
        long window = head << gap;
        int consumed = gap;
        int refilled = 0;
        for (int step = 0; step < MAX_CODES_PER_WINDOW && consumed < 64; step++) {
            if (refilled == 0 && consumed >= 32) {
                window = window | (tail << (consumed - 32));
                refilled = 1;
            }
            int t = (int) ((window >> 56) & 0xFF);
            int e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
            if (e >= FIRST_POINTER) {
                t = ((256 - e) << 8) + (int) ((window >> 48) & 0xFF);
                e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                if (e >= FIRST_POINTER) {
                    t = ((256 - e) << 8) + (int) ((window >> 40) & 0xFF);
                    e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                    if (e >= FIRST_POINTER) {
                        t = ((256 - e) << 8) + (int) ((window >> 32) & 0xFF);
                        e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                    }
                }
            }
            t = lengthRow + e;
            int length = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
            window = window << length;
            consumed += length;
            count++;
        }

        scan[lane] = count;
        context.localBarrier();
        for (int offset = 1; offset < DecodeKernels.THREADS; offset <<= 1) {
            int add = 0;
            if (lane >= offset) {
                add = scan[lane - offset];
            }
            context.localBarrier();
            scan[lane] = scan[lane] + add;
            context.localBarrier();
        }
        int blockStart = positions.get(group);
        int blockEnd = Math.min(positions.get(group + 1), elements);
        int before = 0;
        if (lane > 0) {
            before = scan[lane - 1];
        }
        int first = blockStart + before;
        int end = Math.min(blockStart + scan[lane], elements);
        if (lane == DecodeKernels.THREADS - 1) {
            status.set(group, DecodeKernels.blockStatus(scan[lane], blockStart, positions.get(group + 1), elements));
        }

        // Phase 2, in passes over slices of the block: decode again, stage the slice's exponents, write it out.
        int blockLength = blockEnd - blockStart;
        int mineFrom = first - blockStart;
        int mineTo = end - blockStart;
        for (int sliceStart = 0; sliceStart < blockLength; sliceStart += STAGE_WORDS) {
            int sliceEnd = Math.min(sliceStart + STAGE_WORDS, blockLength);
            if (mineFrom < sliceEnd && mineTo > sliceStart) {
                window = head << gap;
                consumed = gap;
                refilled = 0;
                for (int slot = mineFrom; slot < mineTo; slot++) {
                    if (refilled == 0 && consumed >= 32) {
                        window = window | (tail << (consumed - 32));
                        refilled = 1;
                    }
                    int t = (int) ((window >> 56) & 0xFF);
                    int e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                    if (e >= FIRST_POINTER) {
                        t = ((256 - e) << 8) + (int) ((window >> 48) & 0xFF);
                        e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                        if (e >= FIRST_POINTER) {
                            t = ((256 - e) << 8) + (int) ((window >> 40) & 0xFF);
                            e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                            if (e >= FIRST_POINTER) {
                                t = ((256 - e) << 8) + (int) ((window >> 32) & 0xFF);
                                e = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                            }
                        }
                    }
                    if (slot >= sliceStart && slot < sliceEnd) {
                        stage[slot - sliceStart] = e;
                    }
                    t = lengthRow + e;
                    int length = (tables[t >> 2] >> ((t & 3) << 3)) & 0xFF;
                    window = window << length;
                    consumed += length;
                }
            }
            context.localBarrier();
            // Coalesced write-out: consecutive work-items handle consecutive elements of the slice.
            for (int i = sliceStart + lane; i < sliceEnd; i += DecodeKernels.THREADS) {
                int index = blockStart + i;
                out.set(index, bf16(stage[i - sliceStart], signMantissa.get(index) & 0xFF));
            }
            context.localBarrier();
        }
    }

    /** Stream byte {@code i} as an unsigned value, or 0 past the end (the look-ahead of the last windows). */
    private static long streamByte(ByteArray codes, int i, int codeBytes) {
        long value = 0;
        if (i < codeBytes) {
            value = codes.get(i) & 0xFF;
        }
        return value;
    }

    /** BF16 bits from an exponent and a sign/mantissa byte: sign, 8 exponent bits, 7 mantissa bits. */
    private static short bf16(int exponent, int signMantissa) {
        return (short) (((signMantissa & 0x80) << 8) | (exponent << 7) | (signMantissa & 0x7F));
    }
}
