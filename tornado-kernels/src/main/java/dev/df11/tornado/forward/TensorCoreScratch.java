package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.List;

/**
 * The device buffers the tensor-core products of one model's forward step share ({@link TensorCoreKernels}): the
 * split activations of the product being computed, its tokens' scales and its slices' sums, each sized for the largest
 * product and batch of the shape. Every product overwrites them before it reads them.
 *
 * @param split       {@link TensorCoreKernels#splitActivations}' output
 * @param tokenScales each token's {@code 1 / s}
 * @param partial     the slices' sums
 * @param slots       token slots of the largest batch (whole tiles of {@link TensorCoreKernels#TILE_TOKENS})
 */
record TensorCoreScratch(IntArray split, FloatArray tokenScales, FloatArray partial, int slots) {

    /** Buffers for every product of {@code shape}: q|k|v, o, gate|up, down and the logits. */
    static TensorCoreScratch of(ForwardShape shape) {
        int slots = TensorCoreKernels.tokenSlots(Math.max(shape.maxBatch(), shape.logitRows()));
        int dim = shape.hidden();
        int inter = shape.intermediate();
        int[][] products = {{shape.qkvWidth(), dim}, {dim, shape.queryDim()}, {2 * inter, dim}, {dim, inter},
                {shape.vocab(), dim}};
        int cols = 0;
        long partial = 0;
        for (int[] p : products) {
            cols = Math.max(cols, p[1]);
            partial = Math.max(partial, (long) TensorCoreKernels.slices(p[0], p[1]) * TensorCoreKernels.rowBlocks(p[0])
                    * TensorCoreKernels.BLOCK_ROWS * slots);
        }
        return new TensorCoreScratch(new IntArray(TensorCoreKernels.splitInts(slots, cols)), new FloatArray(slots),
                new FloatArray(Math.toIntExact(partial)), slots);
    }

    List<Object> buffers() {
        return List.of(split, tokenScales, partial);
    }

    long bytes() {
        return split.getNumBytesOfSegment() + tokenScales.getNumBytesOfSegment() + partial.getNumBytesOfSegment();
    }
}
