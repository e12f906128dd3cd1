package dev.df11.lab.fused;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.FusedMatVecKernels;
import dev.df11.tornado.forward.MatVecKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Code-shape variants of the product's fused kernel ({@link FusedMatVecKernels}), same arguments and same results,
 * for finding which shapes of the decode loop TornadoVM's backends compile correctly (PoCL, NVIDIA OpenCL, PTX):
 * {@link #nestedChild} walks child tables with v3f's fixed-depth nested ifs instead of a loop; {@link #flatLoop} has
 * one loop per chunk, one code per iteration, the refill selected with masks instead of an inner loop; and two
 * halves for bisecting a backend that gets the whole wrong ({@link #stageFromPlane}, {@link #decodeToPlane}). All
 * read {@code x} quad-major, as the product kernels do ({@link MatVecKernels#quadMajor}).
 */
public final class FusedVariantKernels {

    private static final int CHUNK = FusedMatVecKernels.CHUNK;
    private static final int STAGE_INTS = FusedMatVecKernels.STAGE_ELEMENTS / 4;
    private static final int ROOT = 256;

    private FusedVariantKernels() {
    }

    public static void nestedChild(KernelContext context, IntArray codeWords, IntArray tables, IntArray chunkStarts,
            int chunkBase, IntArray signMantissa, int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate,
            int lastOnly, int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
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
                    if (entry < 0) {
                        entry = child(tables, entry, window);
                    }
                    int length = entry >> 16;
                    window = window << length;
                    valid -= length;
                    quad = quad | (((entry >> 7) & 0xFF) << ((i & 3) << 3));
                    if ((i & 3) == 3) {
                        stage[at + (i >> 2)] = quad;
                    }
                    quad = quad & FusedMatVecKernels.signMask((i & 3) - 3);
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
        for (int b = first; b < count; b++) {
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]),
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

    public static void flatLoop(KernelContext context, IntArray codeWords, IntArray tables, IntArray chunkStarts,
            int chunkBase, IntArray signMantissa, int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate,
            int lastOnly, int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
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
            int at = stageRow + first / 4;
            for (int i = 0; i < n; i++) {
                int need = FusedMatVecKernels.signMask(valid - 32);
                long fresh = (swap(codeWords.get(next)) & 0xFFFFFFFFL) << ((32 - valid) & 63);
                window = window | (fresh & (long) need);
                valid = valid + (32 & need);
                next = next - need;
                int entry = root[(int) (window >> 56) & 0xFF];
                if (entry < 0) {
                    entry = child(tables, entry, window);
                }
                int length = entry >> 16;
                window = window << length;
                valid -= length;
                quad = quad | (((entry >> 7) & 0xFF) << ((i & 3) << 3));
                if ((i & 3) == 3) {
                    stage[at + (i >> 2)] = quad;
                }
                quad = quad & FusedMatVecKernels.signMask((i & 3) - 3);
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
        for (int b = first; b < count; b++) {
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]),
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

    // Bisecting kernels for a backend that computes the fused kernel wrongly: stageFromPlane is the fused kernel's
    // phase 2 on a stage filled from the exponent plane (no decode); decodeToPlane is its phase 1 writing the stage
    // out, to compare with the plane exponent by exponent.

    public static void stageFromPlane(KernelContext context, IntArray exponents, IntArray tables,
            IntArray signMantissa, int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate,
            int lastOnly, int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
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

        // No decode: the stage is filled from the exponent plane, to test the stage and phase 2 alone.
        int stageRow = slot * (cols / 4);
        int planeRow = (offset + row * cols) / 4;
        for (int k = sub; k < limit / 4; k += width) {
            stage[stageRow + k] = exponents.get(planeRow + k);
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
        for (int b = first; b < count; b++) {
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a0, p0, table[Bf16Scales.planeIndex(a0, p0)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a1, p1, table[Bf16Scales.planeIndex(a1, p1)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a2, p2, table[Bf16Scales.planeIndex(a2, p2)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a3, p3, table[Bf16Scales.planeIndex(a3, p3)]),
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
                sum = MatVecKernels.addQuad(sum,
                        Bf16Scales.widenPlanes(a, p, table[Bf16Scales.planeIndex(a, p)]),
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

    public static void decodeToPlane(KernelContext context, IntArray codeWords, IntArray tables, IntArray chunkStarts,
            int chunkBase, IntArray signMantissa, int offset, int rows, int cols, IntArray decoded, int rowsPerGroup) {
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
                    quad = quad & FusedMatVecKernels.signMask((i & 3) - 3);
                    i++;
                }
            }
        }
        context.localBarrier();
        int planeRow = (offset + row * cols) / 4;
        for (int k = sub; k < limit / 4; k += width) {
            decoded.set(planeRow + k, stage[stageRow + k]);
        }
    }

    /** A child-table walk of fixed depth, as v3f's (at most three levels below the root: codes of up to 32 bits). */
    private static int child(IntArray tables, int pointer, long window) {
        int entry = tables.get(-pointer + ((int) (window >> 48) & 0xFF));
        if (entry < 0) {
            entry = tables.get(-entry + ((int) (window >> 40) & 0xFF));
            if (entry < 0) {
                entry = tables.get(-entry + ((int) (window >> 32) & 0xFF));
            }
        }
        return entry;
    }

    private static int swap(int word) {
        return (word << 24) | ((word & 0xFF00) << 8) | ((word >> 8) & 0xFF00) | ((word >> 24) & 0xFF);
    }
}
