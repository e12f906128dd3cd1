package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * {@code out = W x} straight from a DF11 unit: the matrix-vector product of {@link MatVecKernels#matVec} with the
 * exponents Huffman-decoded inside the kernel, so no decoded weight ever reaches global memory. {@code x} is read
 * quad-major, as there ({@link MatVecKernels#quadMajor}).
 *
 * <p>A work-group serves the same rows as {@link MatVecKernels#matVec} does with the same launch. It first decodes
 * its rows' exponents into a stage in local memory, four per int exactly as the exponent plane holds them: a row is
 * cut into chunks of {@link #CHUNK} elements, whose first codes' stream bit positions the host found at load time
 * ({@link dev.df11.tornado.forward.weights.ChunkStarts}), and work-item {@code sub} of a row decodes chunks {@code sub, sub + width, ...}, each
 * sequentially (a 64-bit window refilled a word at a time, the root table in local memory, child tables read from
 * global memory for the rare codes over 8 bits; only masked arithmetic shifts, since TornadoVM 5.2 compiles
 * {@code >>>} as {@code >>}). Then it runs {@code matVec}'s loop, line for line, reading the
 * exponent ints from the stage instead of the plane: the same products summed in the same order, so the result is
 * bit-identical to the BF16 planes path (and to the two-phase decode path) by construction, for every batch row.
 * The stage is decoded once and serves every token of the batch.
 *
 * <p>The stage holds {@link #STAGE_ELEMENTS} exponents: {@code rowsPerGroup * cols} must not exceed it (the launch
 * rule, {@link KernelTuning#matVecLaunch}, keeps both kernels' launches equal and within it).
 */
public final class FusedMatVecKernels {

    /** Elements of one chunk: the unit of the chunk-start table. A multiple of 4 (chunks start on a stage int). */
    public static final int CHUNK = 64;
    /** Exponents the local stage holds (16 KiB). */
    public static final int STAGE_ELEMENTS = 16384;
    private static final int STAGE_INTS = STAGE_ELEMENTS / 4;
    private static final int ROOT = 256;

    private FusedMatVecKernels() {
    }

    /**
     * @param codeWords    the unit's exponent stream ({@link dev.df11.tornado.decode.PackedInputs#codeWords()})
     * @param tables       the unit's packed decode tables ({@link dev.df11.tornado.decode.PackedInputs#tables()})
     * @param chunkStarts  stream bit of each chunk's first code, as an unsigned int, row-major from
     *                     {@code chunkBase}: {@code chunkBase + row * ceil(cols / CHUNK) + chunk}
     *                     ({@link dev.df11.tornado.forward.weights.ChunkStarts})
     * @param chunkBase    index of W's first chunk start
     * @param signMantissa the unit's sign/mantissa plane
     * @param offset       element index of W[0, 0] in the unit (a multiple of 4)
     * @param rows         rows of W
     * @param cols         columns of W (a multiple of 4)
     * @see MatVecKernels#matVec for the other parameters
     */
    public static void matVecFused(KernelContext context, IntArray codeWords, IntArray tables, IntArray chunkStarts,
            int chunkBase, IntArray signMantissa, int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate,
            int lastOnly, int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(MatVecKernels.TILE * ForwardKernels.MAX_LOCAL);
        int[] stage = context.allocateIntLocalArray(STAGE_INTS);
        int[] root = context.allocateIntLocalArray(ROOT);
        int lane = context.localIdx;
        int size = context.localGroupSizeX;
        int width = size / rowsPerGroup;
        int slot = lane / width;
        int sub = lane - slot * width;
        int row = context.groupIdx * rowsPerGroup + slot;
        int limit = 0;
        if (row < rows) {
            limit = cols;
        }
        for (int i = lane; i < Bf16Scales.SIZE; i += size) {
            table[i] = scales.get(i);
        }
        for (int i = lane; i < ROOT; i += size) {
            root[i] = tables.get(i);
        }
        context.localBarrier();

        // Decode: the row's chunks, one work-item each in turn, into the row's part of the stage.
        int chunksPerRow = (cols + CHUNK - 1) / CHUNK;
        int rowChunks = (limit + CHUNK - 1) / CHUNK;
        int stageRow = slot * (cols / 4);
        for (int c = sub; c < rowChunks; c += width) {
            long bit = chunkStarts.get(chunkBase + row * chunksPerRow + c) & 0xFFFFFFFFL;
            int first = c * CHUNK;
            int n = Math.min(CHUNK, cols - first);
            int word = (int) (bit >> 5);
            int shift = (int) (bit & 31);
            long window = ((long) swap(codeWords.get(word)) << 32) << shift;
            int valid = 32 - shift;
            int next = word + 1;
            int quad = 0;
            int i = 0;
            int at = stageRow + first / 4;
            while (i < n) {
                window = window | ((swap(codeWords.get(next)) & 0xFFFFFFFFL) << (32 - valid));
                valid += 32;
                next++;
                while ((valid >= 32) & (i < n)) {
                    int entry = root[(int) (window >> 56) & 0xFF];
                    int level = 48;
                    while (entry < 0) {
                        entry = tables.get(-entry + ((int) (window >> level) & 0xFF));
                        level -= 8;
                    }
                    int length = entry >> 16;
                    window = window << length;
                    valid -= length;
                    quad = quad | (((entry >> 7) & 0xFF) << ((i & 3) << 3));
                    if ((i & 3) == 3) {
                        stage[at + (i >> 2)] = quad;
                    }
                    quad = quad & signMask((i & 3) - 3);
                    i++;
                }
            }
        }
        context.localBarrier();

        // Multiply: MatVecKernels.matVec's loop with exponents.get(base + k) read as stage[stageRow + k].
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        int base = (offset + row * cols) / 4;
        int quads = limit / 4;
        int quarter = cols / 4;
        int step = MatVecKernels.UNROLL * width;
        int remaining = quads - sub;
        if (remaining < 0) {
            remaining = 0;
        }
        int unrolled = sub + remaining / step * step;
        int b = first;
        for (; b + MatVecKernels.TILE <= count; b += MatVecKernels.TILE) {
            int xBase0 = b * cols;
            int xBase1 = xBase0 + cols;
            int xBase2 = xBase1 + cols;
            int xBase3 = xBase2 + cols;
            float sum0 = 0.0f;
            float sum1 = 0.0f;
            float sum2 = 0.0f;
            float sum3 = 0.0f;
            int lane1 = 1 * ForwardKernels.MAX_LOCAL + lane;
            int lane2 = 2 * ForwardKernels.MAX_LOCAL + lane;
            int lane3 = 3 * ForwardKernels.MAX_LOCAL + lane;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = stage[stageRow + k];
                int s0 = signMantissa.get(base + k);
                int a0 = e0 & 0xFF;
                int bb0 = e0 >> 8 & 0xFF;
                int c0 = e0 >> 16 & 0xFF;
                int d0 = e0 >> 24 & 0xFF;
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                float w00 = Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]);
                float w10 = Bf16Scales.widenPlanes(bb0, q0, table[Bf16Scales.planeIndex(bb0, q0)]);
                float w20 = Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]);
                float w30 = Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]);
                int xq0 = k;
                sum0 = MatVecKernels.addQuad(sum0, w00, w10, w20, w30, x, xBase0 + xq0, quarter);
                sum1 = MatVecKernels.addQuad(sum1, w00, w10, w20, w30, x, xBase1 + xq0, quarter);
                sum2 = MatVecKernels.addQuad(sum2, w00, w10, w20, w30, x, xBase2 + xq0, quarter);
                sum3 = MatVecKernels.addQuad(sum3, w00, w10, w20, w30, x, xBase3 + xq0, quarter);
                int e1 = stage[stageRow + k + width];
                int s1 = signMantissa.get(base + k + width);
                int a1 = e1 & 0xFF;
                int bb1 = e1 >> 8 & 0xFF;
                int c1 = e1 >> 16 & 0xFF;
                int d1 = e1 >> 24 & 0xFF;
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                float w01 = Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]);
                float w11 = Bf16Scales.widenPlanes(bb1, q1, table[Bf16Scales.planeIndex(bb1, q1)]);
                float w21 = Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]);
                float w31 = Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]);
                int xq1 = k + width;
                sum0 = MatVecKernels.addQuad(sum0, w01, w11, w21, w31, x, xBase0 + xq1, quarter);
                sum1 = MatVecKernels.addQuad(sum1, w01, w11, w21, w31, x, xBase1 + xq1, quarter);
                sum2 = MatVecKernels.addQuad(sum2, w01, w11, w21, w31, x, xBase2 + xq1, quarter);
                sum3 = MatVecKernels.addQuad(sum3, w01, w11, w21, w31, x, xBase3 + xq1, quarter);
                int e2 = stage[stageRow + k + 2 * width];
                int s2 = signMantissa.get(base + k + 2 * width);
                int a2 = e2 & 0xFF;
                int bb2 = e2 >> 8 & 0xFF;
                int c2 = e2 >> 16 & 0xFF;
                int d2 = e2 >> 24 & 0xFF;
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                float w02 = Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]);
                float w12 = Bf16Scales.widenPlanes(bb2, q2, table[Bf16Scales.planeIndex(bb2, q2)]);
                float w22 = Bf16Scales.widenPlanes(c2, r2, table[Bf16Scales.planeIndex(c2, r2)]);
                float w32 = Bf16Scales.widenPlanes(d2, t2, table[Bf16Scales.planeIndex(d2, t2)]);
                int xq2 = k + 2 * width;
                sum0 = MatVecKernels.addQuad(sum0, w02, w12, w22, w32, x, xBase0 + xq2, quarter);
                sum1 = MatVecKernels.addQuad(sum1, w02, w12, w22, w32, x, xBase1 + xq2, quarter);
                sum2 = MatVecKernels.addQuad(sum2, w02, w12, w22, w32, x, xBase2 + xq2, quarter);
                sum3 = MatVecKernels.addQuad(sum3, w02, w12, w22, w32, x, xBase3 + xq2, quarter);
                int e3 = stage[stageRow + k + 3 * width];
                int s3 = signMantissa.get(base + k + 3 * width);
                int a3 = e3 & 0xFF;
                int bb3 = e3 >> 8 & 0xFF;
                int c3 = e3 >> 16 & 0xFF;
                int d3 = e3 >> 24 & 0xFF;
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                float w03 = Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]);
                float w13 = Bf16Scales.widenPlanes(bb3, q3, table[Bf16Scales.planeIndex(bb3, q3)]);
                float w23 = Bf16Scales.widenPlanes(c3, r3, table[Bf16Scales.planeIndex(c3, r3)]);
                float w33 = Bf16Scales.widenPlanes(d3, t3, table[Bf16Scales.planeIndex(d3, t3)]);
                int xq3 = k + 3 * width;
                sum0 = MatVecKernels.addQuad(sum0, w03, w13, w23, w33, x, xBase0 + xq3, quarter);
                sum1 = MatVecKernels.addQuad(sum1, w03, w13, w23, w33, x, xBase1 + xq3, quarter);
                sum2 = MatVecKernels.addQuad(sum2, w03, w13, w23, w33, x, xBase2 + xq3, quarter);
                sum3 = MatVecKernels.addQuad(sum3, w03, w13, w23, w33, x, xBase3 + xq3, quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = stage[stageRow + k];
                int s = signMantissa.get(base + k);
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                float w0 = Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]);
                float w1 = Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]);
                float w2 = Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]);
                float w3 = Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]);
                int xq = k;
                sum0 = MatVecKernels.addQuad(sum0, w0, w1, w2, w3, x, xBase0 + xq, quarter);
                sum1 = MatVecKernels.addQuad(sum1, w0, w1, w2, w3, x, xBase1 + xq, quarter);
                sum2 = MatVecKernels.addQuad(sum2, w0, w1, w2, w3, x, xBase2 + xq, quarter);
                sum3 = MatVecKernels.addQuad(sum3, w0, w1, w2, w3, x, xBase3 + xq, quarter);
            }
            partial[lane] = sum0;
            partial[lane1] = sum1;
            partial[lane2] = sum2;
            partial[lane3] = sum3;
            context.localBarrier();
            for (int stride = width / 2; stride > 0; stride >>= 1) {
                if (sub < stride) {
                    partial[lane] += partial[lane + stride];
                    partial[lane1] += partial[lane1 + stride];
                    partial[lane2] += partial[lane2 + stride];
                    partial[lane3] += partial[lane3 + stride];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value0 = partial[lane];
                if (accumulate == 1) {
                    value0 = output.get(o) + value0;
                }
                output.set(o, value0);
                float value1 = partial[lane1];
                if (accumulate == 1) {
                    value1 = output.get(o + 1 * rows) + value1;
                }
                output.set(o + 1 * rows, value1);
                float value2 = partial[lane2];
                if (accumulate == 1) {
                    value2 = output.get(o + 2 * rows) + value2;
                }
                output.set(o + 2 * rows, value2);
                float value3 = partial[lane3];
                if (accumulate == 1) {
                    value3 = output.get(o + 3 * rows) + value3;
                }
                output.set(o + 3 * rows, value3);
            }
            context.localBarrier();
        }
        for (; b < count; b++) {
            int xBase = b * cols;
            float sum = 0.0f;
            for (int k = sub; k < unrolled; k += step) {
                int e0 = stage[stageRow + k];
                int s0 = signMantissa.get(base + k);
                int e1 = stage[stageRow + k + width];
                int s1 = signMantissa.get(base + k + width);
                int e2 = stage[stageRow + k + 2 * width];
                int s2 = signMantissa.get(base + k + 2 * width);
                int e3 = stage[stageRow + k + 3 * width];
                int s3 = signMantissa.get(base + k + 3 * width);
                int x0 = xBase + k;
                int x1 = xBase + k + width;
                int x2 = xBase + k + 2 * width;
                int x3 = xBase + k + 3 * width;
                int a0 = e0 & 0xFF;
                int b0 = e0 >> 8 & 0xFF;
                int c0 = e0 >> 16 & 0xFF;
                int d0 = e0 >> 24 & 0xFF;
                int p0 = s0 & 0xFF;
                int q0 = s0 >> 8 & 0xFF;
                int r0 = s0 >> 16 & 0xFF;
                int t0 = s0 >> 24 & 0xFF;
                sum = MatVecKernels.addQuad(sum, Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]),
                        Bf16Scales.widenPlanes(b0, q0, table[Bf16Scales.planeIndex(b0, q0)]),
                        Bf16Scales.widenPlanes(c0, r0, table[Bf16Scales.planeIndex(c0, r0)]),
                        Bf16Scales.widenPlanes(d0, t0, table[Bf16Scales.planeIndex(d0, t0)]), x, x0, quarter);
                int a1 = e1 & 0xFF;
                int b1 = e1 >> 8 & 0xFF;
                int c1 = e1 >> 16 & 0xFF;
                int d1 = e1 >> 24 & 0xFF;
                int p1 = s1 & 0xFF;
                int q1 = s1 >> 8 & 0xFF;
                int r1 = s1 >> 16 & 0xFF;
                int t1 = s1 >> 24 & 0xFF;
                sum = MatVecKernels.addQuad(sum, Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]),
                        Bf16Scales.widenPlanes(b1, q1, table[Bf16Scales.planeIndex(b1, q1)]),
                        Bf16Scales.widenPlanes(c1, r1, table[Bf16Scales.planeIndex(c1, r1)]),
                        Bf16Scales.widenPlanes(d1, t1, table[Bf16Scales.planeIndex(d1, t1)]), x, x1, quarter);
                int a2 = e2 & 0xFF;
                int b2 = e2 >> 8 & 0xFF;
                int c2 = e2 >> 16 & 0xFF;
                int d2 = e2 >> 24 & 0xFF;
                int p2 = s2 & 0xFF;
                int q2 = s2 >> 8 & 0xFF;
                int r2 = s2 >> 16 & 0xFF;
                int t2 = s2 >> 24 & 0xFF;
                sum = MatVecKernels.addQuad(sum, Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]),
                        Bf16Scales.widenPlanes(b2, q2, table[Bf16Scales.planeIndex(b2, q2)]),
                        Bf16Scales.widenPlanes(c2, r2, table[Bf16Scales.planeIndex(c2, r2)]),
                        Bf16Scales.widenPlanes(d2, t2, table[Bf16Scales.planeIndex(d2, t2)]), x, x2, quarter);
                int a3 = e3 & 0xFF;
                int b3 = e3 >> 8 & 0xFF;
                int c3 = e3 >> 16 & 0xFF;
                int d3 = e3 >> 24 & 0xFF;
                int p3 = s3 & 0xFF;
                int q3 = s3 >> 8 & 0xFF;
                int r3 = s3 >> 16 & 0xFF;
                int t3 = s3 >> 24 & 0xFF;
                sum = MatVecKernels.addQuad(sum, Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]),
                        Bf16Scales.widenPlanes(b3, q3, table[Bf16Scales.planeIndex(b3, q3)]),
                        Bf16Scales.widenPlanes(c3, r3, table[Bf16Scales.planeIndex(c3, r3)]),
                        Bf16Scales.widenPlanes(d3, t3, table[Bf16Scales.planeIndex(d3, t3)]), x, x3, quarter);
            }
            for (int k = unrolled; k < quads; k += width) {
                int e = stage[stageRow + k];
                int s = signMantissa.get(base + k);
                int xk = xBase + k;
                int a = e & 0xFF;
                int bb = e >> 8 & 0xFF;
                int c = e >> 16 & 0xFF;
                int d = e >> 24 & 0xFF;
                int p = s & 0xFF;
                int q = s >> 8 & 0xFF;
                int r = s >> 16 & 0xFF;
                int t = s >> 24 & 0xFF;
                sum = MatVecKernels.addQuad(sum, Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]),
                        Bf16Scales.widenPlanes(bb, q, table[Bf16Scales.planeIndex(bb, q)]),
                        Bf16Scales.widenPlanes(c, r, table[Bf16Scales.planeIndex(c, r)]),
                        Bf16Scales.widenPlanes(d, t, table[Bf16Scales.planeIndex(d, t)]), x, xk, quarter);
            }
            partial[lane] = sum;
            context.localBarrier();
            for (int stride = width / 2; stride > 0; stride >>= 1) {
                if (sub < stride) {
                    partial[lane] += partial[lane + stride];
                }
                context.localBarrier();
            }
            if (sub == 0 && limit > 0) {
                int o = (b - first) * rows + row;
                float value = partial[lane];
                if (accumulate == 1) {
                    value = output.get(o) + value;
                }
                output.set(o, value);
            }
            context.localBarrier();
        }
    }

    /**
     * -1 when {@code value} is negative, else 0, whatever a right shift fills with: TornadoVM 5.2's PTX backend
     * compiles {@code >>} as a logical shift ({@code shr.b32}) and its OpenCL backend {@code >>>} as an arithmetic one,
     * so no kernel may rely on how either fills the top bits. Kernel-safe.
     */
    public static int signMask(int value) {
        return -((value >> 31) & 1);
    }

    /**
     * The stream word as the stream's bytes read big-endian (the stream is a byte sequence, MSB first). Masked
     * arithmetic shifts only: TornadoVM 5.2 compiles {@code >>>} as an arithmetic shift (docs/tornado.md).
     */
    private static int swap(int word) {
        return (word << 24) | ((word & 0xFF00) << 8) | ((word >> 8) & 0xFF00) | ((word >> 24) & 0xFF);
    }
}
