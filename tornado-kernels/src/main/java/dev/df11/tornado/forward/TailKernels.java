package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.UnitTail;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The second half of every product: the tail ({@link UnitTail}), added after the product kernel has summed the dense
 * part, in the same order whatever the unit's decode mode.
 */
public final class TailKernels {

    private TailKernels() {
    }

    /**
     * Adds to each output element a product kernel wrote (token {@code b}, row {@code r} at {@code (b - first) * rows
     * + r}: the product kernels' layout, {@code first} the last token when {@code lastOnly} is 1, else 0) its row's
     * tail products with that token's activations {@code x} (quad-major rows of {@code cols}), in column order, each
     * as one multiply and add. One work-item per row, at least {@code rows} of them, each going through the batch's
     * tokens as the product kernels do: the launch does not grow with the batch the graphs were built for.
     *
     * @param tail      {@link UnitTail#tail()}
     * @param directory where the product's rows start in {@code tail}'s directory ({@link UnitTail#directory})
     * @param table     {@link UnitTail#table()}: the tail values from {@link UnitTail#TABLE} on
     */
    public static void addTails(KernelContext context, int rows, int cols, FloatArray x, FloatArray output,
            int lastOnly, IntArray batch, IntArray tail, int directory, FloatArray table) {
        int row = context.globalIdx;
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        if (row < rows) {
            addRowTail(output, x, row, rows, cols, first, count, tail, directory, table);
        }
    }

    /**
     * {@link #addTails}' work for row {@code row} alone: what every {@link ProductKernel} ends with, called by the
     * work-item that wrote the row's sums, so the bits are those of the kernel followed by the tail task, without its
     * launch.
     */
    public static void addRowTail(FloatArray output, FloatArray x, int row, int rows, int cols, int first, int count,
            IntArray tail, int directory, FloatArray table) {
        int from = tail.get(directory + row);
        int to = tail.get(directory + row + 1);
        if (from < to) {
            for (int b = first; b < count; b++) {
                int o = (b - first) * rows + row;
                output.set(o, plusTail(output.get(o), x, b * cols, tail, from, to, table));
            }
        }
    }

    /**
     * {@code s} plus the tail products of entries {@code from..to} with the activations at {@code xBase} (quad-major),
     * in entry order, each as one multiply and add: the one place the tail's operations are written.
     */
    static float plusTail(float s, FloatArray x, int xBase, IntArray tail, int from, int to, FloatArray table) {
        float sum = s;
        for (int e = from; e < to; e++) {
            sum = sum + table.get(UnitTail.TABLE + e) * x.get(xBase + tail.get(e));
        }
        return sum;
    }

    /**
     * A tail array with no entry for any of {@code rows} rows (its directory at 0): for a {@link ProductKernel} run on
     * a matrix without one.
     */
    public static IntArray none(int rows) {
        IntArray empty = new IntArray(rows + 1);
        empty.init(0);
        return empty;
    }
}
