package dev.df11.tornado.forward;

/**
 * Work-group sizes of the forward kernels, kept as data (one record per device family) rather than as constants
 * scattered through the graph builder. Each is a power of two of at most {@link ForwardKernels#MAX_LOCAL}.
 *
 * @param matVec      work-group size of the matrix-vector products
 * @param matVecRows  matrix rows each matrix-vector work-group serves ({@code matVec / matVecRows} work-items a row)
 * @param norm        work-items reducing one RMSNorm row
 * @param attention   work-items of one (token, head) attention group
 * @param elementwise work-group size of the one-item-per-element kernels
 */
public record KernelTuning(int matVec, int matVecRows, int norm, int attention, int elementwise) {

    public KernelTuning {
        for (int size : new int[] {matVec, norm, attention, elementwise}) {
            if (size < 1 || size > ForwardKernels.MAX_LOCAL || Integer.bitCount(size) != 1) {
                throw new IllegalArgumentException("work-group size " + size + " must be a power of two in 1.."
                        + ForwardKernels.MAX_LOCAL);
            }
        }
        if (matVecRows < 1 || Integer.bitCount(matVecRows) != 1 || matVecRows > matVec) {
            throw new IllegalArgumentException("rows per matrix-vector work-group (" + matVecRows
                    + ") must be a power of two of at most its work-group size " + matVec);
        }
    }

    /**
     * Sizes for GPUs: 128 work-items per matrix row (four warps streaming one row keep enough loads in flight at
     * batch 1), 256 for the element-wise kernels.
     */
    public static KernelTuning gpu() {
        return new KernelTuning(128, 1, 256, 128, 256);
    }

    /** These sizes with {@code local} work-items per matrix-vector group serving {@code rows} rows. */
    public KernelTuning withMatVec(int local, int rows) {
        return new KernelTuning(local, rows, norm, attention, elementwise);
    }
}
