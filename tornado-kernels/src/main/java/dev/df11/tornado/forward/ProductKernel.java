package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The kernels that multiply BF16 planes (BF16 weights, or DF11 weights their decode task expanded): each computes
 * a row with {@link MatVecKernels#matVec}'s work-items, order and reduction tree for the same work-items per row,
 * so the choice changes speed, never bits.
 */
public enum ProductKernel {
    /** {@link MatVecKernels#matVec}: one row per work-item. */
    PLANES("planes", 1, ForwardKernels.MAX_LOCAL, 0),
    /** {@link MatVecPairKernels#matVecPairs}: two rows per work-item, a sixteen-token tier. */
    PAIRS("pairs", 2, MatVecPairKernels.MAX_LOCAL, 0),
    /**
     * {@link StagedRowKernels#matVecStaged}: sixteen rows a group, four per work-item, activations staged in local
     * memory.
     */
    STAGED("staged", StagedRowKernels.ROWS, StagedRowKernels.MAX_LOCAL,
            StagedRowKernels.SLOTS * StagedRowKernels.ROWS),
    /**
     * {@link StagedRowKernels#matVecStagedTwoSlots}: the staged kernel with eight rows a group, for rows of more
     * work-items than four slots hold ({@link #wider}).
     */
    STAGED_TWO_SLOTS("staged-two-slots", StagedRowKernels.ROWS, StagedRowKernels.MAX_LOCAL,
            StagedRowKernels.TWO_SLOTS * StagedRowKernels.ROWS);

    private final String key;
    private final int rowsPerItem;
    private final int maxLocal;
    /** The only rows per group it takes, or 0 for any multiple of {@code rowsPerItem}. */
    private final int fixedRows;

    ProductKernel(String key, int rowsPerItem, int maxLocal, int fixedRows) {
        this.key = key;
        this.rowsPerItem = rowsPerItem;
        this.maxLocal = maxLocal;
        this.fixedRows = fixedRows;
    }

    /** The kernel a tuning table names ({@link #key()}). */
    static ProductKernel named(String key) {
        for (ProductKernel kernel : values()) {
            if (kernel.key.equals(key)) {
                return kernel;
            }
        }
        throw new IllegalArgumentException("unknown product kernel \"" + key + "\" in the tuning table"
                + " (known: planes, pairs, staged, staged-two-slots)");
    }

    /**
     * Adds this kernel to {@code graph} as task {@code task}, with {@link MatVecKernels#matVec}'s parameters;
     * {@code rowsPerGroup} is the rows of one of this kernel's groups (its {@code fixedRows} where it has them). Every
     * kernel ends by adding its rows' tail weights ({@code tail} from {@code directory}, {@link TailKernels#addRowTail}):
     * the bits of the kernel followed by the tail task, without its launch.
     */
    public TaskGraph addTask(TaskGraph graph, String task, IntArray exponents, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray out, int accumulate, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales, IntArray tail, int directory) {
        return switch (this) {
            case PLANES -> graph.task(task, MatVecKernels::matVec, new KernelContext(), exponents, signMantissa,
                    offset, rows, cols, x, out, accumulate, lastOnly, rowsPerGroup, batch, scales, tail, directory);
            case PAIRS -> graph.task(task, MatVecPairKernels::matVecPairs, new KernelContext(), exponents,
                    signMantissa, offset, rows, cols, x, out, accumulate, lastOnly, rowsPerGroup, batch, scales, tail,
                    directory);
            case STAGED -> graph.task(task, StagedRowKernels::matVecStaged, new KernelContext(), exponents,
                    signMantissa, offset, rows, cols, x, out, accumulate, lastOnly, rowsPerGroup, batch, scales, tail,
                    directory);
            case STAGED_TWO_SLOTS -> graph.task(task, StagedRowKernels::matVecStagedTwoSlots, new KernelContext(),
                    exponents, signMantissa, offset, rows, cols, x, out, accumulate, lastOnly, rowsPerGroup, batch,
                    scales, tail, directory);
        };
    }

    /**
     * Adds this kernel's form for the nibble layout ({@link dev.df11.tornado.forward.weights.NibbleLayout}) as task
     * {@code task}, with {@link NibbleMatVecKernels#matVecNibbles}'s parameters: the same rows, order and reduction
     * as {@link #addTask}, so the same bits on the same table ({@link dev.df11.tornado.forward.weights.UnitTail}).
     */
    public TaskGraph addNibbleTask(TaskGraph graph, String task, IntArray codes, IntArray signMantissa, int offset,
            int rows, int cols, FloatArray x, FloatArray out, int accumulate, int lastOnly, int rowsPerGroup,
            IntArray batch, FloatArray scales, IntArray tail, int directory) {
        return switch (this) {
            case PLANES -> graph.task(task, NibbleMatVecKernels::matVecNibbles, new KernelContext(), codes,
                    signMantissa, offset, rows, cols, x, out, accumulate, lastOnly, rowsPerGroup, batch,
                    scales, tail, directory);
            case STAGED -> graph.task(task, StagedNibbleKernels::matVecStagedNibbles, new KernelContext(), codes,
                    signMantissa, offset, rows, cols, x, out, accumulate, lastOnly, rowsPerGroup, batch,
                    scales, tail, directory);
            case STAGED_TWO_SLOTS -> graph.task(task, StagedNibbleKernels::matVecStagedTwoSlotsNibbles,
                    new KernelContext(), codes, signMantissa, offset, rows, cols, x, out, accumulate,
                    lastOnly, rowsPerGroup, batch, scales, tail, directory);
            case PAIRS -> graph.task(task, PairNibbleKernels::matVecPairsNibbles, new KernelContext(), codes,
                    signMantissa, offset, rows, cols, x, out, accumulate, lastOnly, rowsPerGroup, batch,
                    scales, tail, directory);
        };
    }

    /** Its name in the tuning table. */
    public String key() {
        return key;
    }

    /**
     * The form of this kernel for rows of more work-items than its groups hold (fewer rows a group), or null: a rule
     * naming {@code staged} gets {@code staged-two-slots} where a row has 128 work-items.
     */
    ProductKernel wider() {
        return this == STAGED ? STAGED_TWO_SLOTS : null;
    }

    int rowsPerItem() {
        return rowsPerItem;
    }

    int maxLocal() {
        return maxLocal;
    }

    int fixedRows() {
        return fixedRows;
    }
}
