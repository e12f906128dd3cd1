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
            int from = tail.get(directory + row);
            int to = tail.get(directory + row + 1);
            if (from < to) {
                for (int b = first; b < count; b++) {
                    int xBase = b * cols;
                    int o = (b - first) * rows + row;
                    float s = output.get(o);
                    for (int e = from; e < to; e++) {
                        s = s + table.get(UnitTail.TABLE + e) * x.get(xBase + tail.get(e));
                    }
                    output.set(o, s);
                }
            }
        }
    }

    /**
     * A tail array with no entry for any of {@code rows} rows (its directory at 0): for a product kernel that adds its
     * rows' tail ({@link ProductKernel#foldsTail}) run on a matrix without one.
     */
    public static IntArray none(int rows) {
        IntArray empty = new IntArray(rows + 1);
        empty.init(0);
        return empty;
    }
}
