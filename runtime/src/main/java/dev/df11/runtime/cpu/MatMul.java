package dev.df11.runtime.cpu;

import dev.df11.runtime.weights.Bf16Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;

import static dev.df11.runtime.cpu.Bf16Lanes.CHUNK;
import static dev.df11.runtime.cpu.Bf16Lanes.FLOATS;
import static dev.df11.runtime.cpu.Bf16Lanes.LANES;

/**
 * {@code y = x W^T} for a BF16 weight matrix W ({@code rows x cols}) and a batch of fp32 activation rows x
 * ({@code batch x cols}, packed), giving {@code batch x rows} (packed). Rows of W are spread over the
 * {@link ParallelLoop}; each weight row is streamed from memory once and, while it sits in cache, multiplied with
 * every activation row (two at a time). Sums are fp32 in a fixed order per activation row, the same whatever the
 * batch, so a given weight row and activation row always give the same bits, alone or in any batch. Not thread-safe: one instance per forward pass (it keeps a scratch buffer).
 */
public final class MatMul {

    /** Below this many multiply-adds a matrix is not worth splitting across threads. */
    private static final long PARALLEL_THRESHOLD = 1 << 16;

    private final ParallelLoop loop;
    private float[] scratch = new float[0];

    public MatMul(ParallelLoop loop) {
        this.loop = loop;
    }

    /** {@code out[b*rows + r] = sum_k W[r,k] * x[b*cols + k]} for b in [0, batch). */
    public void multiply(Bf16Matrix w, float[] x, int batch, float[] out) {
        int rows = w.rows();
        int cols = w.cols();
        if ((long) batch * cols > x.length || (long) batch * rows > out.length) {
            throw new IllegalArgumentException("matrix " + w.name() + " [" + rows + ", " + cols + "] x batch "
                    + batch + " does not fit buffers of " + x.length + " and " + out.length + " floats");
        }
        if (scratch.length < batch * cols) {
            scratch = new float[batch * cols];
        }
        float[] xs = scratch;
        for (int b = 0; b < batch; b++) {
            Bf16Lanes.deinterleave(x, b * cols, cols, xs, b * cols);
        }
        long work = (long) rows * cols * batch;
        int minRows = (int) Math.max(1, PARALLEL_THRESHOLD / ((long) cols * batch));
        if (work < PARALLEL_THRESHOLD) {
            rowRange(w, xs, batch, out, 0, rows);
        } else {
            loop.forRanges(rows, minRows, (start, end) -> rowRange(w, xs, batch, out, start, end));
        }
    }

    private static void rowRange(Bf16Matrix w, float[] xs, int batch, float[] out, int start, int end) {
        MemorySegment data = w.data();
        int rows = w.rows();
        int cols = w.cols();
        for (int r = start; r < end; r++) {
            long rowByte = 2L * r * cols;
            int b = 0;
            for (; b + 2 <= batch; b += 2) {
                dot2(data, rowByte, cols, xs, b * cols, out, b * rows + r, rows);
            }
            for (; b < batch; b++) {
                out[b * rows + r] = dot1(data, rowByte, cols, xs, b * cols);
            }
        }
    }

    /** One weight row with one deinterleaved activation row. */
    private static float dot1(MemorySegment w, long rowByte, int cols, float[] xs, int xOffset) {
        int whole = cols - cols % CHUNK;
        FloatVector a0 = FloatVector.zero(FLOATS);
        FloatVector a1 = FloatVector.zero(FLOATS);
        FloatVector a2 = FloatVector.zero(FLOATS);
        FloatVector a3 = FloatVector.zero(FLOATS);
        int c = 0;
        for (; c + 2 * CHUNK <= whole; c += 2 * CHUNK) {
            IntVector p0 = Bf16Lanes.load(w, rowByte + 2L * c);
            IntVector p1 = Bf16Lanes.load(w, rowByte + 2L * (c + CHUNK));
            int x = xOffset + c;
            a0 = Bf16Lanes.even(p0).fma(FloatVector.fromArray(FLOATS, xs, x), a0);
            a1 = Bf16Lanes.odd(p0).fma(FloatVector.fromArray(FLOATS, xs, x + LANES), a1);
            a2 = Bf16Lanes.even(p1).fma(FloatVector.fromArray(FLOATS, xs, x + CHUNK), a2);
            a3 = Bf16Lanes.odd(p1).fma(FloatVector.fromArray(FLOATS, xs, x + CHUNK + LANES), a3);
        }
        for (; c < whole; c += CHUNK) {
            IntVector p = Bf16Lanes.load(w, rowByte + 2L * c);
            a0 = Bf16Lanes.even(p).fma(FloatVector.fromArray(FLOATS, xs, xOffset + c), a0);
            a1 = Bf16Lanes.odd(p).fma(FloatVector.fromArray(FLOATS, xs, xOffset + c + LANES), a1);
        }
        float sum = Bf16Lanes.sumLanes(a0.add(a1).add(a2.add(a3)));
        for (int k = whole; k < cols; k++) {
            sum += Bf16Lanes.get(w, rowByte / 2 + k) * xs[xOffset + k];
        }
        return sum;
    }

    /**
     * One weight row with two consecutive deinterleaved activation rows; writes out[o] and out[o+stride]. Each
     * activation row gets exactly the operations {@link #dot1} would give it, in the same order (four accumulators
     * over pairs of chunks, the same final sum, the same scalar tail), so a row's result does not depend on how many
     * rows share the batch or where it sits in it: batch invariance, which serving relies on (a request's tokens
     * are the same alone or beside others). Only the weight loads and widening are shared. Two rows, not four: four
     * rows of four accumulators each ran about 10% slower on AVX-512 than the old one-accumulator four-row kernel,
     * two rows as fast (CPU time, batches of 16 and 64 on a 2048 x 2048 matrix; benchmarks/results/
     * cpu-vm-20261206T1727Z-matmul-batch-ab.txt).
     */
    private static void dot2(MemorySegment w, long rowByte, int cols, float[] xs, int xOffset,
                             float[] out, int o, int stride) {
        int whole = cols - cols % CHUNK;
        int x0 = xOffset;
        int x1 = xOffset + cols;
        FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        int c = 0;
        for (; c + 2 * CHUNK <= whole; c += 2 * CHUNK) {
            IntVector p0 = Bf16Lanes.load(w, rowByte + 2L * c);
            IntVector p1 = Bf16Lanes.load(w, rowByte + 2L * (c + CHUNK));
            FloatVector e0 = Bf16Lanes.even(p0);
            FloatVector o0 = Bf16Lanes.odd(p0);
            FloatVector e1 = Bf16Lanes.even(p1);
            FloatVector o1 = Bf16Lanes.odd(p1);
            a00 = e0.fma(FloatVector.fromArray(FLOATS, xs, x0 + c), a00);
            a01 = o0.fma(FloatVector.fromArray(FLOATS, xs, x0 + c + LANES), a01);
            a02 = e1.fma(FloatVector.fromArray(FLOATS, xs, x0 + c + CHUNK), a02);
            a03 = o1.fma(FloatVector.fromArray(FLOATS, xs, x0 + c + CHUNK + LANES), a03);
            a10 = e0.fma(FloatVector.fromArray(FLOATS, xs, x1 + c), a10);
            a11 = o0.fma(FloatVector.fromArray(FLOATS, xs, x1 + c + LANES), a11);
            a12 = e1.fma(FloatVector.fromArray(FLOATS, xs, x1 + c + CHUNK), a12);
            a13 = o1.fma(FloatVector.fromArray(FLOATS, xs, x1 + c + CHUNK + LANES), a13);
        }
        for (; c < whole; c += CHUNK) {
            IntVector p = Bf16Lanes.load(w, rowByte + 2L * c);
            FloatVector e = Bf16Lanes.even(p);
            FloatVector od = Bf16Lanes.odd(p);
            a00 = e.fma(FloatVector.fromArray(FLOATS, xs, x0 + c), a00);
            a01 = od.fma(FloatVector.fromArray(FLOATS, xs, x0 + c + LANES), a01);
            a10 = e.fma(FloatVector.fromArray(FLOATS, xs, x1 + c), a10);
            a11 = od.fma(FloatVector.fromArray(FLOATS, xs, x1 + c + LANES), a11);
        }
        float s0 = Bf16Lanes.sumLanes(a00.add(a01).add(a02.add(a03)));
        float s1 = Bf16Lanes.sumLanes(a10.add(a11).add(a12.add(a13)));
        for (int k = whole; k < cols; k++) {
            float weight = Bf16Lanes.get(w, rowByte / 2 + k);
            s0 += weight * xs[x0 + k];
            s1 += weight * xs[x1 + k];
        }
        out[o] = s0;
        out[o + stride] = s1;
    }
}
