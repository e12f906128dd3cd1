package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;

/** Worker grids for the two launch shapes the forward kernels use. */
public final class Grids {

    private Grids() {
    }

    /** {@code groups} work-groups of {@code local} work-items (reduction kernels: a group per row or head). */
    public static WorkerGrid groups(int groups, int local) {
        checkLocal(local);
        WorkerGrid1D grid = new WorkerGrid1D(Math.multiplyExact(Math.max(1, groups), local));
        grid.setLocalWork(local, 1, 1);
        return grid;
    }

    /** At least {@code items} work-items in groups of {@code local} (element-wise kernels). */
    public static WorkerGrid items(int items, int local) {
        checkLocal(local);
        int groups = Math.max(1, (items + local - 1) / local);
        return groups(groups, local);
    }

    /**
     * A power of two of at most the largest group any forward kernel takes ({@link NormKernels#MAX_LOCAL}); each
     * kernel's own limit is checked where its size is chosen ({@link KernelTuning}).
     */
    private static void checkLocal(int local) {
        if (local < 1 || local > NormKernels.MAX_LOCAL || Integer.bitCount(local) != 1) {
            throw new IllegalArgumentException("work-group size " + local + " must be a power of two in 1.."
                    + NormKernels.MAX_LOCAL);
        }
    }
}
