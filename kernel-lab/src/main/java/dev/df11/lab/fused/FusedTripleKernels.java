package dev.df11.lab.fused;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.FusedMatVecKernels;
import dev.df11.tornado.forward.MatVecKernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Lab rung "fused-triples": {@link FusedMatVecKernels} (the product's fused kernel) with phase 1 decoding up to three
 * codes per root-table lookup ({@link dev.df11.tornado.decode.PackedInputs#triples()}, as v3f does) and packing
 * exponents through a 64-bit pending accumulator (one conditional store per four exponents, no per-code branch).
 * Phase 2 is unchanged, so the output is bit-identical to the product kernel's. Both root tables live in local
 * memory; a byte starting a code longer than 8 bits takes the single-code path through the child tables, selected
 * with masks (no value assigned in a branch: KERNEL-NOTES bug 4). Reads {@code x} quad-major, as the product kernels
 * do ({@link dev.df11.tornado.forward.MatVecKernels#quadMajor}).
 */
public final class FusedTripleKernels {

    private static final int CHUNK = FusedMatVecKernels.CHUNK;
    private static final int STAGE_INTS = FusedMatVecKernels.STAGE_ELEMENTS / 4;
    private static final int ROOT = 256;

    private FusedTripleKernels() {
    }

    /** {@link FusedMatVecKernels#matVecFused} with {@code triples}, the three-code root table, as well. */
    public static void matVecFusedTriples(KernelContext context, IntArray codeWords, IntArray tables, IntArray triples,
            IntArray chunkStarts,
            int chunkBase, IntArray signMantissa, int offset, int rows, int cols, FloatArray x, FloatArray output, int accumulate,
            int lastOnly, int rowsPerGroup, IntArray batch, FloatArray scales) {
        float[] table = context.allocateFloatLocalArray(Bf16Scales.SIZE);
        float[] partial = context.allocateFloatLocalArray(ForwardKernels.MAX_LOCAL);
        int[] stage = context.allocateIntLocalArray(STAGE_INTS);
        int[] root = context.allocateIntLocalArray(ROOT);
        int[] triple = context.allocateIntLocalArray(ROOT);
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
            triple[i] = triples.get(i);
        }
        context.localBarrier();

        // Decode: the row's chunks, one work-item each in turn, into the row's part of the stage, up to three codes
        // per lookup.
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
            long pending = 0;
            int held = 0;
            int done = 0;
            int stored = 0;
            int quads = n / 4;
            int at = stageRow + first / 4;
            while (done < n) {
                window = window | ((swap(codeWords.get(next)) & 0xFFFFFFFFL) << (32 - valid));
                valid += 32;
                next++;
                while ((valid >= 32) & (done < n)) {
                    int index = (int) (window >> 56) & 0xFF;
                    int t = triple[index];
                    int single = root[index];
                    int level = 48;
                    while (single < 0) {
                        single = tables.get(-single + ((int) (window >> level) & 0xFF));
                        level -= 8;
                    }
                    int bits = (t >> 26) & 0x3F;
                    int many = FusedMatVecKernels.signMask(-bits);
                    int codes = (many & (((t >> 24) & 3) + 1)) | (~many & 1);
                    int used = (many & bits) | (~many & (single >> 16));
                    int exponents = (many & (t & 0xFFFFFF)) | (~many & ((single >> 7) & 0xFF));
                    window = window << used;
                    valid -= used;
                    pending = pending | ((long) exponents << (held << 3));
                    held += codes;
                    done += codes;
                    int full = FusedMatVecKernels.signMask(3 - held);
                    if ((full != 0) & (stored < quads)) {
                        stage[at + stored] = (int) pending;
                    }
                    stored -= full;
                    pending = pending >> (full & 32);
                    held -= full & 4;
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

    /**
     * The stream word as the stream's bytes read big-endian (the stream is a byte sequence, MSB first). Masked
     * arithmetic shifts only: TornadoVM 5.2 compiles {@code >>>} as an arithmetic shift (docs/tornado.md).
     */
    private static int swap(int word) {
        return (word << 24) | ((word & 0xFF00) << 8) | ((word >> 8) & 0xFF00) | ((word >> 24) & 0xFF);
    }
}
