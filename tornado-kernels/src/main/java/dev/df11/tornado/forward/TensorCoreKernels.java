package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.enums.MMAShape;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.HalfFloat;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@code out (+)= W x} on the tensor cores ({@code mma.sync.m16n8k16} with fp16 operands and fp32 accumulation, the
 * only MMA TornadoVM 5.2's PTX backend emits), for batches: three launches per product.
 *
 * <ol>
 * <li>{@link #splitActivations}: each token's activations scaled by a power of two {@code s} (the token's largest
 * magnitude to {@code [2^14, 2^15)}) and split into three parts, each exactly an fp16 value: {@code hi} a multiple of
 * {@code 2^5}, {@code mid} of {@code 2^-6}, {@code lo} of {@code 2^-14} (each at most 1024 units), so {@code hi + mid +
 * lo} is the scaled value to within {@code 2^-15} (a 30-bit fixed point against the token's largest activation),
 * stored in the B operand's tile layout ({@link #SPLIT_INTS} ints per 16 columns and 8 tokens);</li>
 * <li>{@link #matVecTensorCores}: a group of 8 warps takes 128 rows of a column slice; per step of {@link #STEP}
 * columns it widens the rows' BF16 weights to fp16 in local memory (exactly: every weight of the unit's dense part
 * has one of the unit's coded exponents, which lie within 30 of each other, so a power of two, {@code 2^(142 -
 * top)}, brings them all into fp16's normal range with their 8 significant bits) and each warp multiplies its 16
 * rows with up to 64 tokens: per 16 columns and 8 tokens three {@code mma}, hi then mid then lo, into one fp32
 * accumulator. It writes the sums, scaled, to {@code partial} (slice, row, token);</li>
 * <li>{@link #finishTensorCores}: each output adds its slices' sums in slice order, undoes both scales (powers of
 * two, exact) and writes or accumulates.</li>
 * </ol>
 *
 * <p>The weights' uncoded exponents widen to zero, as in every product kernel ({@link
 * dev.df11.tornado.forward.weights.UnitTail}): the tail task runs after {@link #finishTensorCores}. A token's sums
 * involve only its own activations, its slices and steps do not depend on the batch, and a tile of eight tokens
 * holds zeros past the batch: the same bits alone or beside others. The sums are not those of the CUDA-core kernels
 * (another order, and the tensor cores' own accumulation), so a backend uses this path for every batch size of every
 * product or for none. Only the PTX backend compiles it: OpenCL has no {@code mma}.
 */
public final class TensorCoreKernels {

    /** Work-items of every launch of {@link #splitActivations} and {@link #matVecTensorCores}: eight warps. */
    public static final int THREADS = 256;

    /** Matrix rows per group of {@link #matVecTensorCores}: 16 per warp. */
    public static final int BLOCK_ROWS = 128;

    /** Columns a group widens into local memory at a time; slices are multiples of it. */
    public static final int STEP = 64;

    /** Tokens of one B tile (the {@code n} of m16n8k16). */
    public static final int TILE_TOKENS = 8;

    /** B tiles a pass holds accumulators for: 64 tokens; a larger batch takes more passes over the weights. */
    public static final int PASS_TILES = 8;

    /** Ints of one B tile of 16 columns (16 x 8 fp16 values, row-major by column, token pairs in an int). */
    public static final int SPLIT_INTS = 64;

    /** Parts each activation is split into. */
    public static final int PARTS = 3;

    /** Fewest groups a product's launch should have: two per SM of an H100, else slices are added. */
    static final int MIN_GROUPS = 256;

    private static final int A_INTS = STEP / 16 * (BLOCK_ROWS / 16) * 16 * 8;
    private static final int B_INTS = PASS_TILES * STEP / 16 * SPLIT_INTS;

    private TensorCoreKernels() {
    }

    /**
     * Column slices of a {@code rows x cols} product: the fewest (a power of two) that give {@link #MIN_GROUPS}
     * groups, while a slice keeps at least {@link #STEP} columns and {@code cols} splits evenly. Depends on the shape
     * only, never on the batch.
     */
    public static int slices(int rows, int cols) {
        int blocks = rowBlocks(rows);
        int slices = 1;
        while (blocks * slices < MIN_GROUPS && cols % (2 * slices * STEP) == 0) {
            slices *= 2;
        }
        return slices;
    }

    /** Groups of {@link #BLOCK_ROWS} rows covering {@code rows}. */
    public static int rowBlocks(int rows) {
        return (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
    }

    /** Token slots of a batch of up to {@code tokens}: whole B tiles. */
    public static int tokenSlots(int tokens) {
        return (tokens + TILE_TOKENS - 1) / TILE_TOKENS * TILE_TOKENS;
    }

    /** Ints {@link #splitActivations} writes for {@code tokenSlots} tokens of {@code cols} activations. */
    public static int splitInts(int tokenSlots, int cols) {
        return PARTS * tokenSlots / TILE_TOKENS * cols / 16 * SPLIT_INTS;
    }

    /**
     * The largest exponent among a unit's coded ones (those its {@code table}, a {@link
     * dev.df11.tornado.forward.weights.UnitTail#table()}, widens to non-zero), for {@link #matVecTensorCores}.
     *
     * @throws IllegalArgumentException naming {@code unit} when the coded exponents span more than fp16 holds
     */
    public static int topExponent(FloatArray table, String unit) {
        int top = -1;
        int bottom = 256;
        for (int e = 1; e < 256; e++) {
            if (table.get(e) != 0.0f) {
                top = Math.max(top, e);
                bottom = Math.min(bottom, e);
            }
        }
        if (top < 0) {
            return 127;
        }
        if (top - bottom > 29) {
            throw new IllegalArgumentException("unit " + unit + ": its coded exponents span " + (top - bottom + 1)
                    + " binades (2^" + (bottom - 127) + " to 2^" + (top - 127) + "), more than the 30 that fp16 holds"
                    + " exactly; the tensor-core product cannot take it");
        }
        return top;
    }

    /** The power of two {@link #finishTensorCores} undoes the weights' widening with: {@code 2^(top - 142)}. */
    public static float unitScale(int topExponent) {
        return Math.scalb(1.0f, topExponent - 142);
    }

    /**
     * fp16 bits of {@code m * 2^shift} for an integer {@code 0 < |m| < 2048} whose value is an fp16 normal number.
     * Kernel-safe: integers only.
     */
    public static int halfBits(int m, int shift) {
        int negative = m >> 31;
        int a = (m ^ negative) - negative;
        int b8 = a >= 256 ? 8 : 0;
        int t = a >> b8;
        int b4 = t >= 16 ? 4 : 0;
        t = t >> b4;
        int b2 = t >= 4 ? 2 : 0;
        t = t >> b2;
        int e = b8 + b4 + b2 + (t >= 2 ? 1 : 0);
        int bits = (negative & 0x8000) | ((e + shift + 15) << 10) | ((a << (10 - e)) & 0x3FF);
        return bits & (-a >> 31);
    }

    /**
     * fp16 bits of a BF16 weight (exponent byte, sign/mantissa byte) scaled by {@code 2^(142 - top)}, given {@code
     * widened}: {@code (e - top + 30) << 10} for a coded exponent, -1 for an uncoded one (the weight widens to zero).
     * Kernel-safe.
     */
    public static int weightBits(int widened, int signMantissa) {
        int bits = ((signMantissa & 0x80) << 8) | widened | ((signMantissa & 0x7F) << 3);
        return bits & ~(widened >> 31);
    }

    /** {@code widened} of {@link #weightBits} for exponent {@code e} of a unit whose table has {@code scale} there. */
    public static int widened(int e, float scale, int topExponent) {
        return scale != 0.0f ? (e - topExponent + 30) << 10 : -1;
    }

    /**
     * The power of two a token's activations are scaled by: its largest magnitude {@code peak} to {@code [2^14,
     * 2^15)} (about 2^100 for a token of zeros, whose parts are zero whatever the scale). Kernel-safe.
     */
    public static float tokenScale(float peak) {
        float s = 1.0f;
        while (peak * s >= 32768.0f) {
            s = s * 0.5f;
        }
        while (peak * s < 16384.0f && s < 1.0e30f) {
            s = s * 2.0f;
        }
        return s;
    }

    /**
     * {@code f} rounded to an integer (halves away from zero). Through an integer conversion rather than the
     * add-and-subtract of a large constant, which TornadoVM's OpenCL flags ({@code -cl-fast-relaxed-math}) let the
     * compiler fold away. Kernel-safe; like every helper here, and the kernels' weight and activation loads, free of
     * values assigned in branches, which TornadoVM's PTX backend has lost (KERNEL-NOTES.md, code-generation bugs 4).
     */
    public static int round(float f) {
        return (int) (f + (f < 0.0f ? -0.5f : 0.5f));
    }

    /**
     * Part {@code hi} of a scaled activation {@code |v| < 2^15}, in units of 2^5 (an integer of at most 1024).
     * {@code v - 32 hi}, the rest, is exact and at most 16. Kernel-safe.
     */
    public static int hiPart(float v) {
        return round(v * 0.03125f);
    }

    /** Part {@code mid} of a rest {@code |r| <= 16}, in units of 2^-6; {@code r - mid / 64} is exact, at most 2^-7. */
    public static int midPart(float r) {
        return round(r * 64.0f);
    }

    /** Part {@code lo} of a rest {@code |r| <= 2^-7}, in units of 2^-14; what it leaves is at most 2^-15. */
    public static int loPart(float r) {
        return round(r * 16384.0f);
    }

    /**
     * Where {@link #splitActivations} puts part {@code part} of column {@code k} of token pair {@code pair} (tokens
     * {@code 2 pair, 2 pair + 1} in the low and high halves), for {@code tiles} B tiles of {@code cols} columns.
     */
    public static int splitIndex(int part, int pair, int k, int tiles, int cols) {
        int kBlocks = cols / 16;
        return ((part * tiles + pair / 4) * kBlocks + k / 16) * SPLIT_INTS + (k & 15) * 4 + (pair & 3);
    }

    /**
     * The first launch: the batch's activations ({@code x}, quad-major rows of {@code cols}; from the last token only
     * when {@code lastOnly} is 1), scaled and split into fp16 parts in {@code split} ({@link #splitIndex}), and each
     * token's {@code 1 / s} in {@code tokenScales}. One group of {@link #THREADS} per token pair, at least half the
     * batch's {@link #tokenSlots}; pairs past the batch in its last tile write zeros.
     */
    public static void splitActivations(KernelContext context, FloatArray x, int cols, IntArray split,
            FloatArray tokenScales, int tiles, int lastOnly, IntArray batch) {
        float[] peaks = context.allocateFloatLocalArray(2 * THREADS);
        int lane = context.localIdx;
        int pair = context.groupIdx;
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        int n = count - first;
        int padded = (n + TILE_TOKENS - 1) / TILE_TOKENS * TILE_TOKENS;
        if (2 * pair < padded) {
            int t0 = 2 * pair;
            int t1 = t0 + 1;
            // Tokens past the batch read the last token's row and keep none of it.
            float keep0 = t0 < n ? 1.0f : 0.0f;
            float keep1 = t1 < n ? 1.0f : 0.0f;
            int base0 = Math.min(first + t0, count - 1) * cols;
            int base1 = Math.min(first + t1, count - 1) * cols;
            float m0 = 0.0f;
            float m1 = 0.0f;
            for (int k = lane; k < cols; k += THREADS) {
                m0 = TornadoMath.max(m0, TornadoMath.abs(x.get(base0 + k)) * keep0);
                m1 = TornadoMath.max(m1, TornadoMath.abs(x.get(base1 + k)) * keep1);
            }
            peaks[lane] = m0;
            peaks[THREADS + lane] = m1;
            context.localBarrier();
            for (int stride = THREADS / 2; stride > 0; stride = stride / 2) {
                if (lane < stride) {
                    peaks[lane] = TornadoMath.max(peaks[lane], peaks[lane + stride]);
                    peaks[THREADS + lane] = TornadoMath.max(peaks[THREADS + lane], peaks[THREADS + lane + stride]);
                }
                context.localBarrier();
            }
            float s0 = tokenScale(peaks[0]);
            float s1 = tokenScale(peaks[THREADS]);
            if (lane == 0) {
                if (t0 < n) {
                    tokenScales.set(t0, 1.0f / s0);
                }
                if (t1 < n) {
                    tokenScales.set(t1, 1.0f / s1);
                }
            }
            int kBlocks = cols / 16;
            int partStride = tiles * kBlocks * SPLIT_INTS;
            int tileBase = pair / 4 * kBlocks * SPLIT_INTS + (pair & 3);
            int quarter = cols / 4;
            for (int k = lane; k < cols; k += THREADS) {
                int q = (k & 3) * quarter + (k >> 2);
                float v0 = x.get(base0 + q) * s0 * keep0;
                float v1 = x.get(base1 + q) * s1 * keep1;
                // Every rest below is exact (a short fixed-point value), however the compiler associates it.
                int hi0 = hiPart(v0);
                int hi1 = hiPart(v1);
                float r0 = v0 - hi0 * 32.0f;
                float r1 = v1 - hi1 * 32.0f;
                int mid0 = midPart(r0);
                int mid1 = midPart(r1);
                int lo0 = loPart(r0 - mid0 * 0.015625f);
                int lo1 = loPart(r1 - mid1 * 0.015625f);
                int at = tileBase + (k >> 4) * SPLIT_INTS + (k & 15) * 4;
                split.set(at, halfBits(hi0, 5) | halfBits(hi1, 5) << 16);
                split.set(at + partStride, halfBits(mid0, -6) | halfBits(mid1, -6) << 16);
                split.set(at + 2 * partStride, halfBits(lo0, -14) | halfBits(lo1, -14) << 16);
            }
        }
    }

    /**
     * The second launch: the products of {@link #BLOCK_ROWS} rows and one column slice with the split activations,
     * into {@code partial} at {@code ((slice * rowBlocks * BLOCK_ROWS + row) * tokenSlots + token)}. One group of
     * {@link #THREADS} per (row block, slice), {@code rowBlocks * slices} of them, row blocks fastest.
     *
     * @param exponents    exponent plane of the unit ({@link WeightPlanes}), or its codes in the nibble layout
     *                     ({@link dev.df11.tornado.forward.weights.NibbleLayout}: four 4-bit codes a quad, two quads an
     *                     int) when {@code nibbles} is 1; a code widens as the exponent its scale in {@code table}
     *                     belongs to, so both forms give the same bits
     * @param signMantissa sign/mantissa plane of the unit (the same in both layouts)
     * @param offset       element index of W[0, 0] in the planes (a multiple of 4)
     * @param split        {@link #splitActivations}' output for this product's input
     * @param tiles        B tiles {@code split} was laid out for ({@code tokenSlots / 8})
     * @param sliceCols    columns per slice, a multiple of {@link #STEP}
     * @param topExponent  {@link #topExponent} of the unit
     * @param table        the unit's table ({@link dev.df11.tornado.forward.weights.UnitTail#table()})
     */
    public static void matVecTensorCores(KernelContext context, IntArray exponents, IntArray signMantissa,
            int nibbles, int offset, int rows, int cols, IntArray split, FloatArray partial, int tiles,
            int sliceCols, int topExponent, FloatArray table, int lastOnly, IntArray batch) {
        int[] widen = context.allocateIntLocalArray(256);
        int[] widenCode = context.allocateIntLocalArray(16);
        int[] aTile = context.allocateIntLocalArray(A_INTS);
        int[] bHi = context.allocateIntLocalArray(B_INTS);
        int[] bMid = context.allocateIntLocalArray(B_INTS);
        int[] bLo = context.allocateIntLocalArray(B_INTS);
        int lane = context.localIdx;
        int warp = lane >> 5;
        int rowBlocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int slice = context.groupIdx / rowBlocks;
        int rowBase = (context.groupIdx - slice * rowBlocks) * BLOCK_ROWS;
        widen[lane] = widened(lane, table.get(lane), topExponent);
        if (lane < 16) {
            // A code's exponent: the one whose scale the code has (code 15 and unused codes: none, zero).
            float scale = table.get(Bf16Scales.SIZE + lane);
            int w = -1;
            for (int e = 1; e < 256; e++) {
                w = scale != 0.0f && table.get(e) == scale ? widened(e, scale, topExponent) : w;
            }
            widenCode[lane] = w;
        }
        context.localBarrier();
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        int tokenTiles = (count - first + TILE_TOKENS - 1) / TILE_TOKENS;
        int kBlocks = cols / 16;
        int partStride = tiles * kBlocks * SPLIT_INTS;
        int kFrom = slice * sliceCols;
        int kTo = kFrom + sliceCols;
        int quad = lane & 15;
        int rowInWarp = lane >> 4;
        int aSlot = ((quad >> 2) * 8 * 16 + rowInWarp) * 8 + (quad & 3) * 2;
        int tokenSlots = tiles * TILE_TOKENS;
        for (int pass = 0; pass * PASS_TILES < tokenTiles; pass++) {
            int live = tokenTiles - pass * PASS_TILES;
            float[] c0 = context.mmaFragment(0.0f);
            float[] c1 = context.mmaFragment(0.0f);
            float[] c2 = context.mmaFragment(0.0f);
            float[] c3 = context.mmaFragment(0.0f);
            float[] c4 = context.mmaFragment(0.0f);
            float[] c5 = context.mmaFragment(0.0f);
            float[] c6 = context.mmaFragment(0.0f);
            float[] c7 = context.mmaFragment(0.0f);
            for (int k0 = kFrom; k0 < kTo; k0 += STEP) {
                for (int i = 0; i < BLOCK_ROWS / 16; i++) {
                    int row = rowBase + rowInWarp + 16 * i;
                    // Rows past the matrix read its last row and keep none of it; a nibble unit's word holds two
                    // quads of codes, a planes unit's one quad of exponents; both widenings are looked up and the
                    // layout's kept (nibbles is 0 or 1).
                    int keep = row < rows ? -1 : 0;
                    int at = (offset + Math.min(row, rows - 1) * cols + k0) / 4 + quad;
                    int word = exponents.get(at >> nibbles);
                    int s4 = signMantissa.get(at);
                    int v = word >> ((at & 1) << 4);
                    int x0 = widen[word & 0xFF];
                    int x1 = widen[word >> 8 & 0xFF];
                    int x2 = widen[word >> 16 & 0xFF];
                    int x3 = widen[word >> 24 & 0xFF];
                    int y0 = widenCode[v & 15];
                    int y1 = widenCode[v >> 4 & 15];
                    int y2 = widenCode[v >> 8 & 15];
                    int y3 = widenCode[v >> 12 & 15];
                    int w0 = weightBits(x0 + (y0 - x0) * nibbles, s4 & 0xFF) & keep;
                    int w1 = weightBits(x1 + (y1 - x1) * nibbles, s4 >> 8 & 0xFF) & keep;
                    int w2 = weightBits(x2 + (y2 - x2) * nibbles, s4 >> 16 & 0xFF) & keep;
                    int w3 = weightBits(x3 + (y3 - x3) * nibbles, s4 >> 24 & 0xFF) & keep;
                    aTile[aSlot + i * 128] = w0 | w1 << 16;
                    aTile[aSlot + i * 128 + 1] = w2 | w3 << 16;
                }
                int src = (pass * PASS_TILES * kBlocks + k0 / 16) * SPLIT_INTS + lane;
                for (int j = 0; j < PASS_TILES; j++) {
                    if (j < live) {
                        bHi[j * 256 + lane] = split.get(src);
                        bMid[j * 256 + lane] = split.get(src + partStride);
                        bLo[j * 256 + lane] = split.get(src + 2 * partStride);
                    }
                    src += kBlocks * SPLIT_INTS;
                }
                context.localBarrier();
                for (int kb = 0; kb < STEP / 16; kb++) {
                    HalfFloat[] a = context.mmaLoadA(aTile, 16, (kb * 8 + warp) * 512);
                    int at = kb * 256;
                    HalfFloat[] h = context.mmaLoadB(bHi, 16, at);
                    HalfFloat[] m = context.mmaLoadB(bMid, 16, at);
                    HalfFloat[] l = context.mmaLoadB(bLo, 16, at);
                    c0 = context.mma(a, h, c0, MMAShape.M16N8K16);
                    c0 = context.mma(a, m, c0, MMAShape.M16N8K16);
                    c0 = context.mma(a, l, c0, MMAShape.M16N8K16);
                    if (live > 1) {
                        HalfFloat[] h1 = context.mmaLoadB(bHi, 16, at + 1024);
                        HalfFloat[] m1 = context.mmaLoadB(bMid, 16, at + 1024);
                        HalfFloat[] l1 = context.mmaLoadB(bLo, 16, at + 1024);
                        c1 = context.mma(a, h1, c1, MMAShape.M16N8K16);
                        c1 = context.mma(a, m1, c1, MMAShape.M16N8K16);
                        c1 = context.mma(a, l1, c1, MMAShape.M16N8K16);
                    }
                    if (live > 2) {
                        HalfFloat[] h2 = context.mmaLoadB(bHi, 16, at + 2048);
                        HalfFloat[] m2 = context.mmaLoadB(bMid, 16, at + 2048);
                        HalfFloat[] l2 = context.mmaLoadB(bLo, 16, at + 2048);
                        c2 = context.mma(a, h2, c2, MMAShape.M16N8K16);
                        c2 = context.mma(a, m2, c2, MMAShape.M16N8K16);
                        c2 = context.mma(a, l2, c2, MMAShape.M16N8K16);
                    }
                    if (live > 3) {
                        HalfFloat[] h3 = context.mmaLoadB(bHi, 16, at + 3072);
                        HalfFloat[] m3 = context.mmaLoadB(bMid, 16, at + 3072);
                        HalfFloat[] l3 = context.mmaLoadB(bLo, 16, at + 3072);
                        c3 = context.mma(a, h3, c3, MMAShape.M16N8K16);
                        c3 = context.mma(a, m3, c3, MMAShape.M16N8K16);
                        c3 = context.mma(a, l3, c3, MMAShape.M16N8K16);
                    }
                    if (live > 4) {
                        HalfFloat[] h4 = context.mmaLoadB(bHi, 16, at + 4096);
                        HalfFloat[] m4 = context.mmaLoadB(bMid, 16, at + 4096);
                        HalfFloat[] l4 = context.mmaLoadB(bLo, 16, at + 4096);
                        c4 = context.mma(a, h4, c4, MMAShape.M16N8K16);
                        c4 = context.mma(a, m4, c4, MMAShape.M16N8K16);
                        c4 = context.mma(a, l4, c4, MMAShape.M16N8K16);
                    }
                    if (live > 5) {
                        HalfFloat[] h5 = context.mmaLoadB(bHi, 16, at + 5120);
                        HalfFloat[] m5 = context.mmaLoadB(bMid, 16, at + 5120);
                        HalfFloat[] l5 = context.mmaLoadB(bLo, 16, at + 5120);
                        c5 = context.mma(a, h5, c5, MMAShape.M16N8K16);
                        c5 = context.mma(a, m5, c5, MMAShape.M16N8K16);
                        c5 = context.mma(a, l5, c5, MMAShape.M16N8K16);
                    }
                    if (live > 6) {
                        HalfFloat[] h6 = context.mmaLoadB(bHi, 16, at + 6144);
                        HalfFloat[] m6 = context.mmaLoadB(bMid, 16, at + 6144);
                        HalfFloat[] l6 = context.mmaLoadB(bLo, 16, at + 6144);
                        c6 = context.mma(a, h6, c6, MMAShape.M16N8K16);
                        c6 = context.mma(a, m6, c6, MMAShape.M16N8K16);
                        c6 = context.mma(a, l6, c6, MMAShape.M16N8K16);
                    }
                    if (live > 7) {
                        HalfFloat[] h7 = context.mmaLoadB(bHi, 16, at + 7168);
                        HalfFloat[] m7 = context.mmaLoadB(bMid, 16, at + 7168);
                        HalfFloat[] l7 = context.mmaLoadB(bLo, 16, at + 7168);
                        c7 = context.mma(a, h7, c7, MMAShape.M16N8K16);
                        c7 = context.mma(a, m7, c7, MMAShape.M16N8K16);
                        c7 = context.mma(a, l7, c7, MMAShape.M16N8K16);
                    }
                }
                context.localBarrier();
            }
            int tileRow = slice * rowBlocks * BLOCK_ROWS + rowBase + warp * 16;
            int tileCol = pass * PASS_TILES * TILE_TOKENS;
            context.mmaStore(c0, partial, tileRow, tileCol, tokenSlots);
            if (live > 1) {
                context.mmaStore(c1, partial, tileRow, tileCol + 8, tokenSlots);
            }
            if (live > 2) {
                context.mmaStore(c2, partial, tileRow, tileCol + 16, tokenSlots);
            }
            if (live > 3) {
                context.mmaStore(c3, partial, tileRow, tileCol + 24, tokenSlots);
            }
            if (live > 4) {
                context.mmaStore(c4, partial, tileRow, tileCol + 32, tokenSlots);
            }
            if (live > 5) {
                context.mmaStore(c5, partial, tileRow, tileCol + 40, tokenSlots);
            }
            if (live > 6) {
                context.mmaStore(c6, partial, tileRow, tileCol + 48, tokenSlots);
            }
            if (live > 7) {
                context.mmaStore(c7, partial, tileRow, tileCol + 56, tokenSlots);
            }
        }
    }

    /**
     * The third launch: {@code out[t][r] (+)= (sum over slices of partial) * tokenScales[t] * unitScale}, the slices
     * added in order. One work-item per (token, row), at least the batch's tokens times {@code rows}.
     */
    public static void finishTensorCores(KernelContext context, FloatArray partial, FloatArray tokenScales,
            FloatArray output, int rows, int slices, int tokenSlots, float unitScale, int accumulate, int lastOnly,
            IntArray batch) {
        int i = context.globalIdx;
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        int t = i / rows;
        int r = i - t * rows;
        if (t < count - first) {
            int paddedRows = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
            float sum = 0.0f;
            for (int s = 0; s < slices; s++) {
                sum = sum + partial.get((s * paddedRows + r) * tokenSlots + t);
            }
            float y = sum * tokenScales.get(t) * unitScale;
            if (accumulate == 1) {
                y = output.get(i) + y;
            }
            output.set(i, y);
        }
    }
}
