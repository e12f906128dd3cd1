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
     * Sizes for GPUs: matrix-vector groups of 128 work-items serving 2 rows (two warps a row), 256 for the
     * element-wise kernels. On an H100 (PTX, {@code matvec-bench}, Llama-3.1-8B shapes) 128:2 reads 1.13-2.01 TB/s
     * against a device copy's 1.89-2.34 TB/s, within 6% of the best of seven configurations on every shape but
     * the output projection (2.13 TB/s with 128:4); 128:1, the earlier default, was 3-12% slower.
     */
    public static KernelTuning gpu() {
        return new KernelTuning(128, 2, 256, 128, 256);
    }

    /** These sizes with {@code local} work-items per matrix-vector group serving {@code rows} rows. */
    public KernelTuning withMatVec(int local, int rows) {
        return new KernelTuning(local, rows, norm, attention, elementwise);
    }
}
