package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import static dev.df11.tornado.forward.Close.assertClose;
import static dev.df11.tornado.forward.SingleTask.in;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every forward-pass kernel against a double-precision CPU reference on random inputs, on TornadoVM's default device.
 * Shapes are deliberately ragged (widths that are not multiples of the work-group size, a batch smaller than the
 * buffers, GQA with two query heads per key head, a non-zero start position) so that an indexing slip shows. The
 * matrix-vector inputs (norm, attention, SwiGLU and GELU outputs; {@code x} of a matVec) are quad-major
 * ({@link MatVecKernels#quadMajor}): references are computed in natural order and the device's rows permuted with
 * {@link MatVecKernels#toQuadMajor} / {@link MatVecKernels#fromQuadMajor}.
 */
class ForwardKernelsOnDeviceTest {

    private static final int LOCAL = 128;

    @Test
    void widensEveryFiniteBf16PatternExactly() {
        int n = 0x10000;
        ShortArray bits = new ShortArray(n);
        for (int i = 0; i < n; i++) {
            bits.set(i, (short) i);
        }
        IntArray words = Bf16Words.pack(bits.getSegment());
        FloatArray out = new FloatArray(n);
        IntArray step = Inputs.step(0, 1);
        FloatArray scales = Bf16Scales.table();
        SingleTask.run(g -> g.task("k", ElementwiseKernels::widenRows, new KernelContext(), words, out, n, step,
                scales), Grids.items(n, LOCAL), in(words, step, scales), out);
        for (int i = 0; i < n; i++) {
            if (((i >> 7) & 0xFF) == 0xFF) {
                continue;   // Inf and NaN: not weights, and not encodable in DF11
            }
            float expected = Inputs.bf16ToFloat((short) i);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out.get(i)),
                    "BF16 0x" + Integer.toHexString(i) + " widened to " + out.get(i) + ", expected " + expected);
        }
    }

    @Test
    void matVecReadsEveryFiniteBf16PatternExactlyFromItsPlanes() {
        int n = 0x10000;
        int cols = 4;
        int rows = n / cols;
        ShortArray bits = new ShortArray(n);
        for (int i = 0; i < n; i++) {
            bits.set(i, (short) i);
        }
        WeightPlanes planes = WeightPlanes.split(bits.getSegment());
        IntArray step = Inputs.step(0, 1);
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(rows);
        for (int column = 0; column < cols; column++) {
            // x = unit vector e_column: output row r is exactly weight (r, column), whatever the summation order.
            FloatArray natural = new FloatArray(cols);
            natural.set(column, 1f);
            FloatArray x = MatVecKernels.toQuadMajor(natural, cols);
            FloatArray out = new FloatArray(rows);
            SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                    planes.signMantissa(), 0, rows, cols, x, out, 0, 0, 2, step, scales, noTail, 0),
                    Grids.groups(rows / 2, LOCAL), in(planes.exponents(), planes.signMantissa(), x, step, scales, noTail),
                    out);
            for (int r = 0; r < rows; r++) {
                int pattern = r * cols + column;
                if (((pattern >> 7) & 0xFF) == 0xFF) {
                    continue;   // Inf and NaN: not weights, and not encodable in DF11
                }
                float expected = Inputs.bf16ToFloat((short) pattern);
                // == rather than bits: a zero weight times 1 plus the zero products is +0 even for BF16 -0.
                assertEquals(expected, out.get(r), 0f, "BF16 0x" + Integer.toHexString(pattern) + " read as "
                        + out.get(r));
            }
        }
    }

    @Test
    void matVecMatchesReferenceForABatchOrItsLastTokenAndAccumulates() {
        Inputs random = new Inputs(1);
        int rows = 37;
        int cols = 1108;   // 277 quads: 128-wide rows run the 4-quad loop once and then the tail; 32-wide rows more
        int offset = 12;
        int maxBatch = 7;
        int count = 6;   // one tile of MatVecKernels.TILE tokens, then two alone
        ShortArray weights = random.bf16(offset + rows * cols + 5, 0.05);
        WeightPlanes planes = WeightPlanes.split(weights.getSegment());
        FloatArray x = random.floats(maxBatch * cols, 1.0);
        FloatArray quadX = MatVecKernels.toQuadMajor(x, cols);
        FloatArray start = random.floats(maxBatch * rows, 1.0);
        for (int variant = 0; variant < 8; variant++) {
            int accumulate = variant % 2;
            int lastOnly = (variant / 2) % 2;
            int rowsPerGroup = variant < 4 ? 1 : 4;   // 37 rows: the last group of 4 holds one row
            int first = lastOnly == 1 ? count - 1 : 0;
            FloatArray out = new FloatArray(maxBatch * rows);
            for (int i = 0; i < out.getSize(); i++) {
                out.set(i, start.get(i));
            }
            int written = (count - first) * rows;
            double[] expected = new double[written];
            for (int b = first; b < count; b++) {
                for (int r = 0; r < rows; r++) {
                    double sum = 0;
                    for (int k = 0; k < cols; k++) {
                        sum += (double) Inputs.bf16ToFloat(weights.get(offset + r * cols + k)) * x.get(b * cols + k);
                    }
                    int o = (b - first) * rows + r;
                    expected[o] = sum + (accumulate == 1 ? start.get(o) : 0);
                }
            }
            IntArray step = Inputs.step(0, count);
            FloatArray scales = Bf16Scales.table();
            IntArray noTail = TailKernels.none(rows);
            SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                    planes.signMantissa(), offset, rows, cols, quadX, out, accumulate, lastOnly, rowsPerGroup, step,
                    scales, noTail, 0), Grids.groups((rows + rowsPerGroup - 1) / rowsPerGroup, LOCAL),
                    in(planes.exponents(), planes.signMantissa(), quadX, out, step, scales, noTail), out);
            String what = "matVec accumulate=" + accumulate + " lastOnly=" + lastOnly + " rows/group="
                    + rowsPerGroup;
            assertClose(expected, out, written, what);
            for (int i = written; i < maxBatch * rows; i++) {
                assertEquals(start.get(i), out.get(i), what + " wrote past its rows at " + i);
            }
        }
    }

    @Test
    void matVecGivesEachTokenTheSameBitsAloneOrAnywhereInABatch() {
        Inputs random = new Inputs(11);
        int rows = 21;
        int cols = 1108;
        int count = 9;   // tiles of MatVecKernels.TILE, then the rest alone
        ShortArray weights = random.bf16(rows * cols, 0.05);
        WeightPlanes planes = WeightPlanes.split(weights.getSegment());
        FloatArray x = random.floats(count * cols, 1.0);
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(rows);
        FloatArray batched = new FloatArray(count * rows);
        IntArray all = Inputs.step(0, count);
        for (int rowsPerGroup : new int[] {1, 4}) {
            int perGroup = rowsPerGroup;
            int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
            SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                    planes.signMantissa(), 0, rows, cols, x, batched, 0, 0, perGroup, all, scales, noTail, 0),
                    Grids.groups(groups, LOCAL), in(planes.exponents(), planes.signMantissa(), x, batched, all, scales, noTail),
                    batched);
            for (int b = 0; b < count; b++) {
                FloatArray one = new FloatArray(cols);
                for (int k = 0; k < cols; k++) {
                    one.set(k, x.get(b * cols + k));
                }
                FloatArray alone = new FloatArray(rows);
                IntArray single = Inputs.step(0, 1);
                SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                        planes.signMantissa(), 0, rows, cols, one, alone, 0, 0, perGroup, single, scales, noTail, 0),
                        Grids.groups(groups, LOCAL), in(planes.exponents(), planes.signMantissa(), one, alone, single,
                                scales, noTail), alone);
                for (int r = 0; r < rows; r++) {
                    assertEquals(Float.floatToRawIntBits(alone.get(r)), Float.floatToRawIntBits(batched.get(b * rows + r)),
                            "token " + b + " of " + count + ", row " + r + ", rows/group " + rowsPerGroup
                                    + ": alone " + alone.get(r) + ", in the batch " + batched.get(b * rows + r));
                }
            }
        }
    }

    @Test
    void rmsNormNormalisesEachTokenRowAndEachHead() {
        Inputs random = new Inputs(2);
        int count = 3;
        float eps = 1e-5f;
        // {width, rows per token, token stride, work-group}: hidden states; then 5 heads inside a wider fused row;
        // then a row on the widest group the norms take.
        for (int[] shape : new int[][] {{300, 1, 300, LOCAL}, {24, 5, 5 * 24 + 40, LOCAL},
                {4100, 1, 4100, NormKernels.MAX_LOCAL}}) {
            int width = shape[0];
            int rowsPerToken = shape[1];
            int stride = shape[2];
            int local = shape[3];
            FloatArray x = random.floats(4 * stride, 2.0);
            FloatArray weight = random.floats(rowsPerToken * width, 1.0);
            FloatArray out = random.floats(4 * stride, 1.0);
            float[] before = out.toHeapArray();
            double[] expected = new double[4 * stride];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = before[i];
            }
            for (int b = 0; b < count; b++) {
                for (int r = 0; r < rowsPerToken; r++) {
                    int base = b * stride + r * width;
                    double squares = 0;
                    for (int i = 0; i < width; i++) {
                        squares += (double) x.get(base + i) * x.get(base + i);
                    }
                    double scale = 1 / Math.sqrt(squares / width + eps);
                    for (int i = 0; i < width; i++) {
                        expected[base + i] = x.get(base + i) * scale * weight.get(r * width + i);
                    }
                }
            }
            IntArray step = Inputs.step(7, count);
            SingleTask.run(g -> g.task("k", NormKernels::rmsNorm, new KernelContext(), x, out, weight, width,
                    rowsPerToken, stride, eps, step), Grids.groups(4 * rowsPerToken, local), in(x, out, weight, step),
                    out);
            assertClose(expected, out, 4 * stride, "rmsNorm " + width + " x " + rowsPerToken + " on " + local);
        }
    }

    @Test
    void rmsNormQuadMajorWritesTheNaturalNormsBitsQuadMajor() {
        Inputs random = new Inputs(12);
        int width = 300;
        int count = 3;
        float eps = 1e-5f;
        FloatArray x = random.floats(4 * width, 2.0);
        FloatArray weight = random.floats(width, 1.0);
        IntArray step = Inputs.step(7, count);
        FloatArray natural = new FloatArray(4 * width);
        SingleTask.run(g -> g.task("k", NormKernels::rmsNorm, new KernelContext(), x, natural, weight, width, 1,
                width, eps, step), Grids.groups(4, LOCAL), in(x, natural, weight, step), natural);
        FloatArray quad = random.floats(4 * width, 1.0);
        float[] before = quad.toHeapArray();
        SingleTask.run(g -> g.task("k", NormKernels::rmsNormQuadMajor, new KernelContext(), x, quad, weight, width,
                eps, step), Grids.groups(4, LOCAL), in(x, quad, weight, step), quad);
        FloatArray expected = MatVecKernels.toQuadMajor(natural, width);
        for (int i = 0; i < count * width; i++) {
            assertEquals(Float.floatToRawIntBits(expected.get(i)), Float.floatToRawIntBits(quad.get(i)),
                    "quad-major norm at " + i);
        }
        for (int i = count * width; i < 4 * width; i++) {
            assertEquals(before[i], quad.get(i), "rmsNormQuadMajor wrote past the batch at " + i);
        }
    }

    /** The final norm: rows named by the selection, normalised into rows 0..n-1, quad-major. */
    @Test
    void rmsNormRowsQuadMajorNormalisesTheSelectedRowsInOrder() {
        Inputs random = new Inputs(13);
        int width = 64;
        float eps = 1e-6f;
        FloatArray hidden = random.floats(5 * width, 2.0);
        FloatArray weight = random.floats(width, 1.0);
        IntArray all = Inputs.step(0, 5);
        FloatArray natural = new FloatArray(5 * width);
        SingleTask.run(g -> g.task("k", NormKernels::rmsNorm, new KernelContext(), hidden, natural, weight, width, 1,
                width, eps, all), Grids.groups(5, LOCAL), in(hidden, natural, weight, all), natural);
        IntArray select = new IntArray(ForwardKernels.ROWS + 3);
        select.set(ForwardKernels.COUNT, 2);
        select.set(ForwardKernels.ROWS, 4);
        select.set(ForwardKernels.ROWS + 1, 1);
        FloatArray out = random.floats(3 * width, 1.0);
        float[] before = out.toHeapArray();
        SingleTask.run(g -> g.task("k", NormKernels::rmsNormRowsQuadMajor, new KernelContext(), hidden, out, weight,
                width, eps, select), Grids.groups(3, LOCAL), in(hidden, out, weight, select), out);
        FloatArray rows = MatVecKernels.fromQuadMajor(out, width);
        for (int i = 0; i < width; i++) {
            assertEquals(Float.floatToRawIntBits(natural.get(4 * width + i)), Float.floatToRawIntBits(rows.get(i)),
                    "row 0 is hidden row 4, normalised, at " + i);
            assertEquals(Float.floatToRawIntBits(natural.get(width + i)), Float.floatToRawIntBits(rows.get(width + i)),
                    "row 1 is hidden row 1, normalised, at " + i);
            assertEquals(before[2 * width + i], out.get(2 * width + i), "wrote past the selection at " + i);
        }
    }

    /**
     * A quad-major writer composed with the matrix-vector kernel: the norm writing quad-major, then matVec reading it,
     * gives the bits of the natural-layout norm handed to matVec in quad-major order, and both match a host fp64
     * natural-layout norm and product.
     */
    @Test
    void quadMajorNormThenMatVecGivesTheNaturalLayoutsProduct() {
        Inputs random = new Inputs(14);
        int cols = 1108;
        int rows = 29;
        int count = 5;   // a tile and one alone
        float eps = 1e-5f;
        FloatArray hidden = random.floats(count * cols, 2.0);
        FloatArray weight = random.floats(cols, 1.0);
        ShortArray weights = random.bf16(rows * cols, 0.05);
        WeightPlanes planes = WeightPlanes.split(weights.getSegment());
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(rows);
        IntArray step = Inputs.step(0, count);

        FloatArray normed = new FloatArray(count * cols);
        SingleTask.run(g -> g.task("k", NormKernels::rmsNormQuadMajor, new KernelContext(), hidden, normed, weight,
                cols, eps, step), Grids.groups(count, LOCAL), in(hidden, normed, weight, step), normed);
        FloatArray product = new FloatArray(count * rows);
        SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                planes.signMantissa(), 0, rows, cols, normed, product, 0, 0, 2, step, scales, noTail, 0),
                Grids.groups((rows + 1) / 2, LOCAL), in(planes.exponents(), planes.signMantissa(), normed, step,
                        scales, noTail), product);

        FloatArray natural = new FloatArray(count * cols);
        SingleTask.run(g -> g.task("k", NormKernels::rmsNorm, new KernelContext(), hidden, natural, weight, cols, 1,
                cols, eps, step), Grids.groups(count, LOCAL), in(hidden, natural, weight, step), natural);
        FloatArray permuted = MatVecKernels.toQuadMajor(natural, cols);
        FloatArray fromNatural = new FloatArray(count * rows);
        SingleTask.run(g -> g.task("k", MatVecKernels::matVec, new KernelContext(), planes.exponents(),
                planes.signMantissa(), 0, rows, cols, permuted, fromNatural, 0, 0, 2, step, scales, noTail, 0),
                Grids.groups((rows + 1) / 2, LOCAL), in(planes.exponents(), planes.signMantissa(), permuted, step,
                        scales, noTail), fromNatural);

        double[] expected = new double[count * rows];
        for (int b = 0; b < count; b++) {
            double squares = 0;
            for (int c = 0; c < cols; c++) {
                squares += (double) hidden.get(b * cols + c) * hidden.get(b * cols + c);
            }
            double scale = 1 / Math.sqrt(squares / cols + eps);
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Inputs.bf16ToFloat(weights.get(r * cols + c)) * hidden.get(b * cols + c) * scale
                            * weight.get(c);
                }
                expected[b * rows + r] = sum;
            }
        }
        for (int i = 0; i < count * rows; i++) {
            assertEquals(Float.floatToRawIntBits(fromNatural.get(i)), Float.floatToRawIntBits(product.get(i)),
                    "output " + i + ": quad-major norm + matVec " + product.get(i) + ", natural norm permuted + matVec "
                            + fromNatural.get(i));
        }
        assertClose(expected, product, count * rows, "quad-major norm then matVec");
    }

    @Test
    void rotateAndCacheTurnsQueryAndKeyPairsAndAppendsKeysAndValues() {
        Inputs random = new Inputs(4);
        int heads = 4;
        int kvHeads = 2;
        int headDim = 16;
        int half = headDim / 2;
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        int stride = qDim + 2 * kvDim;
        int context = 12;
        int start = 5;
        int count = 3;
        FloatArray qkv = random.floats(4 * stride, 1.0);
        FloatArray angles = random.floats(context * half, 3.0);
        FloatArray cos = new FloatArray(context * half);
        FloatArray sin = new FloatArray(context * half);
        for (int i = 0; i < context * half; i++) {
            cos.set(i, (float) Math.cos(angles.get(i)));
            sin.set(i, (float) Math.sin(angles.get(i)));
        }
        FloatArray keyCache = random.floats(context * kvDim, 1.0);
        FloatArray valueCache = random.floats(context * kvDim, 1.0);
        double[] expected = new double[4 * stride];
        double[] keys = new double[context * kvDim];
        double[] values = new double[context * kvDim];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = qkv.get(i);
        }
        for (int i = 0; i < keys.length; i++) {
            keys[i] = keyCache.get(i);
            values[i] = valueCache.get(i);
        }
        for (int b = 0; b < count; b++) {
            for (int h = 0; h < heads + kvHeads; h++) {
                int base = b * stride + h * headDim;
                for (int i = 0; i < half; i++) {
                    double c = cos.get((start + b) * half + i);
                    double s = sin.get((start + b) * half + i);
                    double x1 = qkv.get(base + i);
                    double x2 = qkv.get(base + half + i);
                    expected[base + i] = x1 * c - x2 * s;
                    expected[base + half + i] = x2 * c + x1 * s;
                }
            }
            for (int j = 0; j < kvDim; j++) {
                keys[(start + b) * kvDim + j] = expected[b * stride + qDim + j];
                values[(start + b) * kvDim + j] = qkv.get(b * stride + qDim + kvDim + j);
            }
        }
        IntArray step = Inputs.step(start, count);
        SingleTask.run(g -> g.task("k", RotaryKernels::rotateAndCache, new KernelContext(), qkv, heads, kvHeads,
                headDim, stride, cos, sin, keyCache, valueCache, step), Grids.items(4 * (heads + kvHeads) * half,
                LOCAL), in(qkv, cos, sin, keyCache, valueCache, step), qkv, keyCache, valueCache);
        assertClose(expected, qkv, 4 * stride, "rotated q|k|v");
        assertClose(keys, keyCache, keys.length, "key cache");
        assertClose(values, valueCache, values.length, "value cache");
    }

    @Test
    void attentionWithGroupedHeadsMatchesReference() {
        checkAttention(12);
    }

    /** A window of 3 at positions 5..7: each query attends to its own key and the two before it, nothing earlier. */
    @Test
    void attentionWithinASlidingWindowMatchesReference() {
        checkAttention(3);
    }

    /** {@link AttentionKernels#attend} with {@code window} (the whole context: full attention) against fp64. */
    private static void checkAttention(int window) {
        Inputs random = new Inputs(5);
        int heads = 4;
        int kvHeads = 2;
        int headDim = 16;
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        int stride = qDim + 2 * kvDim;   // the fused q|k|v row of one token
        int context = 12;
        int start = 5;
        int count = 3;
        int maxBatch = 4;
        float scale = (float) (1 / Math.sqrt(headDim));
        FloatArray qkv = random.floats(maxBatch * stride, 1.0);
        FloatArray keyCache = random.floats(context * kvDim, 1.0);
        FloatArray valueCache = random.floats(context * kvDim, 1.0);
        FloatArray scores = new FloatArray(maxBatch * heads * context);
        FloatArray out = new FloatArray(maxBatch * qDim);
        IntArray step = Inputs.step(start, count);

        // The cache as rotateAndCache leaves it: old rows, with the batch's keys and values at their positions.
        for (int b = 0; b < count; b++) {
            for (int j = 0; j < kvDim; j++) {
                keyCache.set((start + b) * kvDim + j, qkv.get(b * stride + qDim + j));
                valueCache.set((start + b) * kvDim + j, qkv.get(b * stride + qDim + kvDim + j));
            }
        }
        float[] k = keyCache.toHeapArray();
        float[] v = valueCache.toHeapArray();

        double[] expected = new double[count * qDim];
        for (int b = 0; b < count; b++) {
            int position = start + b;
            for (int h = 0; h < heads; h++) {
                int kvOffset = (h / (heads / kvHeads)) * headDim;
                int q = b * stride + h * headDim;
                int first = Math.max(0, position - window + 1);
                double[] weights = new double[position + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = first; t <= position; t++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += (double) qkv.get(q + d) * k[t * kvDim + kvOffset + d];
                    }
                    weights[t] = dot * scale;
                    max = Math.max(max, weights[t]);
                }
                double sum = 0;
                for (int t = first; t <= position; t++) {
                    weights[t] = Math.exp(weights[t] - max);
                    sum += weights[t];
                }
                for (int d = 0; d < headDim; d++) {
                    double acc = 0;
                    for (int t = first; t <= position; t++) {
                        acc += weights[t] / sum * v[t * kvDim + kvOffset + d];
                    }
                    expected[(b * heads + h) * headDim + d] = acc;
                }
            }
        }
        SingleTask.run(g -> g.task("k", AttentionKernels::attend, new KernelContext(), qkv, keyCache, valueCache,
                scores, out, heads, kvHeads, headDim, context, window, scale, stride, step),
                Grids.groups(maxBatch * heads, LOCAL), in(qkv, keyCache, valueCache, scores, out, step), out);
        assertClose(expected, MatVecKernels.fromQuadMajor(out, qDim), count * qDim, "attend, window " + window);
    }

    /**
     * Rows of different sequences in one step: row 0 in slot 1 at position 4, rows 1 and 2 a prompt chunk of slot 0
     * at positions 2 and 3 (row 2 attends to row 1's key). Each row's key and value land at its own slot and position,
     * attention reads only its own slot up to its own position (the caches start full of other values: another
     * slot's or a later position's data would show). (The final norm's row selection:
     * {@link #rmsNormRowsQuadMajorNormalisesTheSelectedRowsInOrder}.)
     */
    @Test
    void rowsOfDifferentSlotsRotateIntoAndAttendOverTheirOwnSlot() {
        Inputs random = new Inputs(8);
        int heads = 4;
        int kvHeads = 2;
        int headDim = 8;
        int half = headDim / 2;
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        int stride = qDim + 2 * kvDim;
        int context = 6;
        int slots = 2;
        int maxBatch = 4;
        int[] firstRows = {context, 0, 0};
        int[] positions = {4, 2, 3};
        int count = positions.length;
        float scale = (float) (1 / Math.sqrt(headDim));
        FloatArray qkv = random.floats(maxBatch * stride, 1.0);
        FloatArray angles = random.floats(context * half, 3.0);
        FloatArray cos = new FloatArray(context * half);
        FloatArray sin = new FloatArray(context * half);
        for (int i = 0; i < context * half; i++) {
            cos.set(i, (float) Math.cos(angles.get(i)));
            sin.set(i, (float) Math.sin(angles.get(i)));
        }
        FloatArray keyCache = random.floats(slots * context * kvDim, 1.0);
        FloatArray valueCache = random.floats(slots * context * kvDim, 1.0);
        double[] rotated = new double[maxBatch * stride];
        double[] keys = new double[slots * context * kvDim];
        double[] values = new double[slots * context * kvDim];
        for (int i = 0; i < rotated.length; i++) {
            rotated[i] = qkv.get(i);
        }
        for (int i = 0; i < keys.length; i++) {
            keys[i] = keyCache.get(i);
            values[i] = valueCache.get(i);
        }
        for (int b = 0; b < count; b++) {
            for (int h = 0; h < heads + kvHeads; h++) {
                int base = b * stride + h * headDim;
                for (int i = 0; i < half; i++) {
                    double c = cos.get(positions[b] * half + i);
                    double s = sin.get(positions[b] * half + i);
                    double x1 = qkv.get(base + i);
                    double x2 = qkv.get(base + half + i);
                    rotated[base + i] = x1 * c - x2 * s;
                    rotated[base + half + i] = x2 * c + x1 * s;
                }
            }
            for (int j = 0; j < kvDim; j++) {
                keys[(firstRows[b] + positions[b]) * kvDim + j] = rotated[b * stride + qDim + j];
                values[(firstRows[b] + positions[b]) * kvDim + j] = qkv.get(b * stride + qDim + kvDim + j);
            }
        }
        double[] expected = new double[count * qDim];
        for (int b = 0; b < count; b++) {
            for (int h = 0; h < heads; h++) {
                int kv = (h / (heads / kvHeads)) * headDim;
                double[] weights = new double[positions[b] + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= positions[b]; t++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += rotated[b * stride + h * headDim + d] * keys[(firstRows[b] + t) * kvDim + kv + d];
                    }
                    weights[t] = dot * scale;
                    max = Math.max(max, weights[t]);
                }
                double sum = 0;
                for (int t = 0; t <= positions[b]; t++) {
                    weights[t] = Math.exp(weights[t] - max);
                    sum += weights[t];
                }
                for (int d = 0; d < headDim; d++) {
                    double acc = 0;
                    for (int t = 0; t <= positions[b]; t++) {
                        acc += weights[t] / sum * values[(firstRows[b] + t) * kvDim + kv + d];
                    }
                    expected[(b * heads + h) * headDim + d] = acc;
                }
            }
        }
        IntArray batch = Inputs.rows(firstRows, positions);
        SingleTask.run(g -> g.task("k", RotaryKernels::rotateAndCache, new KernelContext(), qkv, heads, kvHeads,
                headDim, stride, cos, sin, keyCache, valueCache, batch), Grids.items(maxBatch * (heads + kvHeads)
                * half, LOCAL), in(qkv, cos, sin, keyCache, valueCache, batch), qkv, keyCache, valueCache);
        assertClose(rotated, qkv, count * stride, "rotated q|k|v");
        assertClose(keys, keyCache, keys.length, "key cache slots");
        assertClose(values, valueCache, values.length, "value cache slots");

        FloatArray scores = new FloatArray(maxBatch * heads * context);
        FloatArray out = new FloatArray(maxBatch * qDim);
        SingleTask.run(g -> g.task("k", AttentionKernels::attend, new KernelContext(), qkv, keyCache, valueCache,
                scores, out, heads, kvHeads, headDim, context, context, scale, stride, batch),
                Grids.groups(maxBatch * heads, LOCAL), in(qkv, keyCache, valueCache, scores, out, batch), out);
        assertClose(expected, MatVecKernels.fromQuadMajor(out, qDim), count * qDim,
                "attention over each row's own slot");
    }

    @Test
    void addBiasAndSwiGluMatchReference() {
        Inputs random = new Inputs(6);
        int width = 100;
        int count = 3;
        FloatArray vec = random.floats(4 * width, 1.0);
        FloatArray bias = random.floats(width, 1.0);
        double[] biased = new double[count * width];
        for (int i = 0; i < count * width; i++) {
            biased[i] = (double) vec.get(i) + bias.get(i % width);
        }
        IntArray step = Inputs.step(0, count);
        SingleTask.run(g -> g.task("k", ElementwiseKernels::addBias, new KernelContext(), vec, bias, width, step),
                Grids.items(4 * width, LOCAL), in(vec, bias, step), vec);
        assertClose(biased, vec, count * width, "addBias");

        FloatArray gateUp = random.floats(4 * 2 * width, 3.0);
        FloatArray out = new FloatArray(4 * width);
        double[] expected = new double[count * width];
        for (int b = 0; b < count; b++) {
            for (int j = 0; j < width; j++) {
                double g = gateUp.get(b * 2 * width + j);
                expected[b * width + j] = g / (1 + Math.exp(-g)) * gateUp.get(b * 2 * width + width + j);
            }
        }
        SingleTask.run(g -> g.task("k", ElementwiseKernels::swiGlu, new KernelContext(), gateUp, out, width, step),
                Grids.items(4 * width, LOCAL), in(gateUp, out, step), out);
        assertClose(expected, MatVecKernels.fromQuadMajor(out, width), count * width, "swiGlu");
    }
    /**
     * Phi-3's partial rotary: 10 of a 16-value head rotate (pairs i, i + 5 with 5 angles a position), the other 6
     * pass unchanged; keys reach the cache rotated part and pass-through part alike, values whole.
     */
    @Test
    void rotatePartAndCacheTurnsOnlyTheRotaryPartAndCachesWholeHeads() {
        Inputs random = new Inputs(7);
        int heads = 4;
        int kvHeads = 2;
        int headDim = 16;
        int rotaryDim = 10;
        int rotaryHalf = rotaryDim / 2;
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        int stride = qDim + 2 * kvDim;
        int context = 12;
        int start = 5;
        int count = 3;
        FloatArray qkv = random.floats(4 * stride, 1.0);
        FloatArray angles = random.floats(context * rotaryHalf, 3.0);
        FloatArray cos = new FloatArray(context * rotaryHalf);
        FloatArray sin = new FloatArray(context * rotaryHalf);
        for (int i = 0; i < context * rotaryHalf; i++) {
            cos.set(i, (float) Math.cos(angles.get(i)));
            sin.set(i, (float) Math.sin(angles.get(i)));
        }
        FloatArray keyCache = random.floats(context * kvDim, 1.0);
        FloatArray valueCache = random.floats(context * kvDim, 1.0);
        double[] expected = new double[4 * stride];
        double[] keys = new double[context * kvDim];
        double[] values = new double[context * kvDim];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = qkv.get(i);
        }
        for (int i = 0; i < keys.length; i++) {
            keys[i] = keyCache.get(i);
            values[i] = valueCache.get(i);
        }
        for (int b = 0; b < count; b++) {
            for (int h = 0; h < heads + kvHeads; h++) {
                int base = b * stride + h * headDim;
                for (int i = 0; i < rotaryHalf; i++) {
                    double c = cos.get((start + b) * rotaryHalf + i);
                    double s = sin.get((start + b) * rotaryHalf + i);
                    double x1 = qkv.get(base + i);
                    double x2 = qkv.get(base + rotaryHalf + i);
                    expected[base + i] = x1 * c - x2 * s;
                    expected[base + rotaryHalf + i] = x2 * c + x1 * s;
                }
            }
            for (int j = 0; j < kvDim; j++) {
                keys[(start + b) * kvDim + j] = expected[b * stride + qDim + j];
                values[(start + b) * kvDim + j] = qkv.get(b * stride + qDim + kvDim + j);
            }
        }
        IntArray step = Inputs.step(start, count);
        SingleTask.run(g -> g.task("k", RotaryKernels::rotatePartAndCache, new KernelContext(), qkv, heads, kvHeads,
                headDim, rotaryDim, stride, cos, sin, keyCache, valueCache, step),
                Grids.items(4 * (heads + kvHeads) * headDim / 2, LOCAL), in(qkv, cos, sin, keyCache, valueCache, step),
                qkv, keyCache, valueCache);
        assertClose(expected, qkv, 4 * stride, "partially rotated q|k|v");
        assertClose(keys, keyCache, keys.length, "key cache");
        assertClose(values, valueCache, values.length, "value cache");
    }

    /** Gemma 3's elementwise steps: the embedding scale, adding a sublayer's output, the GELU (tanh) gate. */
    @Test
    void scaleAddAndGeluTanhGateMatchReference() {
        Inputs random = new Inputs(8);
        int width = 100;
        int count = 3;
        IntArray step = Inputs.step(0, count);
        FloatArray vec = random.floats(4 * width, 1.0);
        double[] scaled = new double[count * width];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = vec.get(i) * 9.797959;
        }
        SingleTask.run(g -> g.task("k", ElementwiseKernels::scaleRows, new KernelContext(), vec, 9.797959f, width,
                step), Grids.items(4 * width, LOCAL), in(vec, step), vec);
        assertClose(scaled, vec, count * width, "scaleRows");

        FloatArray addend = random.floats(4 * width, 1.0);
        double[] sum = new double[count * width];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = (double) vec.get(i) + addend.get(i);
        }
        SingleTask.run(g -> g.task("k", ElementwiseKernels::addRows, new KernelContext(), addend, vec, width, step),
                Grids.items(4 * width, LOCAL), in(addend, vec, step), vec);
        assertClose(sum, vec, count * width, "addRows");

        FloatArray gateUp = random.floats(4 * 2 * width, 3.0);
        FloatArray out = new FloatArray(4 * width);
        double[] expected = new double[count * width];
        for (int b = 0; b < count; b++) {
            for (int j = 0; j < width; j++) {
                double g = gateUp.get(b * 2 * width + j);
                double gelu = 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g)));
                expected[b * width + j] = gelu * gateUp.get(b * 2 * width + width + j);
            }
        }
        SingleTask.run(g -> g.task("k", ElementwiseKernels::geluTanhGate, new KernelContext(), gateUp, out, width,
                step), Grids.items(4 * width, LOCAL), in(gateUp, out, step), out);
        assertClose(expected, MatVecKernels.fromQuadMajor(out, width), count * width, "geluTanhGate");
    }

    /** Soft-capping squeezes large logits towards the cap and leaves small ones almost unchanged. */
    @Test
    void softCapMatchesReference() {
        Inputs random = new Inputs(9);
        int vocabulary = 300;
        float cap = 30f;
        FloatArray logits = random.floats(vocabulary, 40.0);
        double[] expected = new double[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            expected[i] = cap * Math.tanh(logits.get(i) / cap);
        }
        SingleTask.run(g -> g.task("k", ElementwiseKernels::softCap, new KernelContext(), logits, cap, vocabulary),
                Grids.items(vocabulary, LOCAL), in(logits), logits);
        assertClose(expected, logits, vocabulary, "softCap");
    }
}
