package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.UnitTail;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.SplittableRandom;

import static dev.df11.tornado.forward.SingleTask.in;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The launches of the tensor-core product that OpenCL can run, on the device against the host: {@link
 * TensorCoreKernels#splitActivations} (every int of the split activations and every token scale, including a token
 * of zeros, tokens padding the last tile, and the last token only) and {@link TensorCoreKernels#finishTensorCores}
 * (the slices' sum, both scales undone, written or accumulated, the rows' tail weights added; within the rounding of a
 * reassociated sum, which PoCL may compute). The {@code mma} launch between them runs only
 * on PTX: {@code matvec-bench --tensor-cores} checks the three together against float64 on a GPU.
 */
class TensorCoreKernelsOnDeviceTest {

    @ParameterizedTest(name = "{0} tokens, {1} columns, last only {2}")
    @CsvSource({"11, 128, 0", "1, 64, 0", "16, 192, 0", "11, 128, 1", "3, 4096, 0"})
    void activationsAreSplitIntoTheBOperandsTilesAsTheHostSplitsThem(int count, int cols, int lastOnly) {
        SplittableRandom random = new SplittableRandom(count * 31L + cols);
        FloatArray natural = new FloatArray(count * cols);
        for (int i = 0; i < natural.getSize(); i++) {
            int token = i / cols;
            double magnitude = Math.exp(4 * token - 20);   // tokens of very different sizes
            natural.set(i, token == 2 ? 0.0f : (float) (random.nextGaussian() * magnitude));
        }
        FloatArray x = MatVecKernels.toQuadMajor(natural, cols);
        int n = lastOnly == 1 ? 1 : count;
        int first = count - n;
        int slots = TensorCoreKernels.tokenSlots(n);
        int tiles = slots / TensorCoreKernels.TILE_TOKENS;
        IntArray split = new IntArray(TensorCoreKernels.splitInts(slots, cols));
        split.init(0x7F7F7F7F);
        FloatArray scales = new FloatArray(slots);
        IntArray step = new IntArray(2);
        step.set(ForwardKernels.COUNT, count);
        SingleTask.run(g -> g.task("k", TensorCoreKernels::splitActivations, new KernelContext(), x, cols, split,
                scales, tiles, lastOnly, step), Grids.groups(slots / 2, TensorCoreKernels.THREADS),
                in(x, split, scales, step), split, scales);

        int[] expected = new int[split.getSize()];
        for (int t = 0; t < slots; t++) {
            float peak = 0;
            for (int k = 0; t < n && k < cols; k++) {
                peak = Math.max(peak, Math.abs(natural.get((first + t) * cols + k)));
            }
            float s = TensorCoreKernels.tokenScale(peak);
            if (t < n) {
                assertEquals(1.0f / s, scales.get(t), "token " + t + "'s scale");
            }
            for (int k = 0; k < cols; k++) {
                float v = t < n ? natural.get((first + t) * cols + k) * s : 0.0f;
                int hi = TensorCoreKernels.hiPart(v);
                float rest = v - hi * 32.0f;
                int mid = TensorCoreKernels.midPart(rest);
                int lo = TensorCoreKernels.loPart(rest - mid * 0x1p-6f);
                int[] bits = {TensorCoreKernels.halfBits(hi, 5), TensorCoreKernels.halfBits(mid, -6),
                        TensorCoreKernels.halfBits(lo, -14)};
                for (int part = 0; part < TensorCoreKernels.PARTS; part++) {
                    int at = TensorCoreKernels.splitIndex(part, t / 2, k, tiles, cols);
                    expected[at] |= bits[part] << (16 * (t & 1));
                }
            }
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], split.get(i), "split int " + i);
        }
    }

    @ParameterizedTest(name = "{0} tokens, {1} slices, accumulate {2}, last only {3}")
    @CsvSource({"5, 3, 0, 0", "5, 1, 1, 0", "9, 2, 1, 1", "1, 4, 0, 0"})
    void slicesAreAddedInOrderBothScalesUndoneAndTheTailAdded(int count, int slices, int accumulate, int lastOnly) {
        int rows = 200;
        int cols = 64;
        int n = lastOnly == 1 ? 1 : count;
        int slots = TensorCoreKernels.tokenSlots(n);
        int padded = TensorCoreKernels.rowBlocks(rows) * TensorCoreKernels.BLOCK_ROWS;
        SplittableRandom random = new SplittableRandom(count + 100L * slices);
        FloatArray partial = new FloatArray(slices * padded * slots);
        for (int i = 0; i < partial.getSize(); i++) {
            partial.set(i, (float) (random.nextGaussian() * 1e6));
        }
        FloatArray scales = new FloatArray(slots);
        for (int t = 0; t < slots; t++) {
            scales.set(t, Math.scalb(1.0f, random.nextInt(-40, 10)));
        }
        FloatArray out = new FloatArray(n * rows);
        for (int i = 0; i < out.getSize(); i++) {
            out.set(i, (float) random.nextGaussian());
        }
        FloatArray x = new FloatArray(count * cols);
        for (int i = 0; i < x.getSize(); i++) {
            x.set(i, (float) random.nextGaussian());
        }
        // A tail as UnitTail lays it out: each entry's activation position, then the rows' directory (absolute entry
        // indices); the values in the table from UnitTail.TABLE on. Most rows hold none, some several.
        int[] perRow = new int[rows];
        int entries = 0;
        for (int r = 0; r < rows; r++) {
            perRow[r] = random.nextInt(4) == 0 ? random.nextInt(1, 4) : 0;
            entries += perRow[r];
        }
        IntArray tail = new IntArray(entries + rows + 1);
        FloatArray table = new FloatArray(UnitTail.TABLE + entries);
        int e = 0;
        for (int r = 0; r < rows; r++) {
            tail.set(entries + r, e);
            for (int j = 0; j < perRow[r]; j++, e++) {
                tail.set(e, random.nextInt(cols));
                table.set(UnitTail.TABLE + e, (float) (random.nextGaussian() * 1e-3));
            }
        }
        tail.set(entries + rows, entries);
        float[] before = out.toHeapArray();
        float unitScale = TensorCoreKernels.unitScale(120);
        IntArray step = new IntArray(2);
        step.set(ForwardKernels.COUNT, count);
        int directory = entries;
        SingleTask.run(g -> g.task("k", TensorCoreKernels::finishTensorCores, new KernelContext(), partial, scales,
                out, rows, slices, slots, unitScale, accumulate, lastOnly, step, x, cols, tail, directory, table),
                Grids.items(n * rows, 256), in(partial, scales, out, step, x, tail, table), out);
        int first = count - n;
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                float sum = 0;
                double magnitude = 0;
                for (int s = 0; s < slices; s++) {
                    sum += partial.get((s * padded + r) * slots + t);
                    magnitude += Math.abs(partial.get((s * padded + r) * slots + t));
                }
                float y = sum * scales.get(t) * unitScale;
                if (accumulate == 1) {
                    y = before[t * rows + r] + y;
                }
                double tailMagnitude = 0;
                for (int k = tail.get(directory + r); k < tail.get(directory + r + 1); k++) {
                    float product = table.get(UnitTail.TABLE + k) * x.get((first + t) * cols + tail.get(k));
                    y = y + product;
                    tailMagnitude += Math.abs(product);
                }
                // TornadoVM builds OpenCL with -cl-fast-relaxed-math, free to reassociate the slices' sum and to
                // contract the tail's multiply-adds.
                double bound = magnitude * scales.get(t) * unitScale * 0x1p-22 + Math.ulp(y)
                        + (accumulate == 1 ? Math.ulp(before[t * rows + r]) : 0) + tailMagnitude * 0x1p-22;
                assertEquals(y, out.get(t * rows + r), bound, "token " + t + ", row " + r);
            }
        }
    }
}
