package dev.df11.tornado.forward;

/**
 * Work-group sizes of the forward kernels, kept as data (one record per device family) rather than as constants
 * scattered through the graph builder. Each is a power of two of at most {@link ForwardKernels#MAX_LOCAL}.
 *
 * @param matVec        work-group size of the matrix-vector products (for shapes the by-shape rule leaves alone)
 * @param matVecRows    matrix rows each matrix-vector work-group serves ({@code matVec / matVecRows} work-items a
 *                      row)
 * @param norm          work-items reducing one RMSNorm row
 * @param attention     work-items of one (token, head) attention group
 * @param elementwise   work-group size of the one-item-per-element kernels
 * @param matVecByShape pick the matrix-vector launch from the matrix's shape ({@link #matVecLaunch}); false: always
 *                      {@code matVec}, {@code matVecRows}
 */
public record KernelTuning(int matVec, int matVecRows, int norm, int attention, int elementwise,
        boolean matVecByShape) {

    /** A matrix-vector launch: work-items per group and the matrix rows each group serves. */
    public record MatVecLaunch(int local, int rows) {
    }

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
        return new KernelTuning(128, 2, 256, 128, 256, true);
    }

    /**
     * The launch for a {@code rows x cols} product. By shape (measured with {@code matvec-bench} on an H100, PTX, the
     * plane-reading kernel, Llama-3.1-8B shapes): rows longer than 8,192 weights get a group of 128 to themselves
     * (4096 x 14336: 1,653 GB/s against 1,500 with 128:2); matrices of 16,384 rows or more get groups of 256 serving
     * 8 rows (28672 x 4096: 1,704 against 1,588; 128256 x 4096: 1,927 against 1,784); the rest {@code matVec :
     * matVecRows} (4096 x 4096: 128:2 was the best of four).
     */
    public MatVecLaunch matVecLaunch(int rows, int cols) {
        if (matVecByShape && cols > 8192) {
            return new MatVecLaunch(128, 1);
        }
        if (matVecByShape && rows >= 16384) {
            return new MatVecLaunch(Math.min(256, ForwardKernels.MAX_LOCAL), 8);
        }
        return new MatVecLaunch(matVec, matVecRows);
    }

    /** These sizes with {@code local} work-items per matrix-vector group serving {@code rows} rows. */
    public KernelTuning withMatVec(int local, int rows) {
        return new KernelTuning(local, rows, norm, attention, elementwise, false);
    }
}
