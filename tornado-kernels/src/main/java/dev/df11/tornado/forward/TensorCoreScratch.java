package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.List;

/**
 * The device buffers the tensor-core products of one model's forward step share ({@link TensorCoreKernels}): the
 * split activations of the product being computed, its tokens' scales and its slices' sums, each sized for the largest
 * product and batch of the shape. Every product overwrites them before it reads them. {@link #addProduct} adds a
 * product's three launches over them.
 *
 * @param split       {@link TensorCoreKernels#splitActivations}' output
 * @param tokenScales each token's {@code 1 / s}
 * @param partial     the slices' sums
 * @param slots       token slots of the largest batch (whole tiles of {@link TensorCoreKernels#TILE_TOKENS})
 */
public record TensorCoreScratch(IntArray split, FloatArray tokenScales, FloatArray partial, int slots) {

    /** Whether a model of {@code shape} multiplies on the tensor cores under {@code tuning}: only when serving. */
    public static boolean usedBy(KernelTuning tuning, ForwardShape shape) {
        return tuning.servingTensorCores() && shape.sequences() > 1;
    }

    /** Buffers for every product of {@code shape}: q|k|v, o, gate|up, down and the logits. */
    static TensorCoreScratch of(ForwardShape shape) {
        return Sizes.of(shape).allocate();
    }

    /** Device bytes {@link #of} allocates for {@code shape}, for the memory plan. */
    public static long bytes(ForwardShape shape) {
        Sizes sizes = Sizes.of(shape);
        return ((long) sizes.splitInts + sizes.slots + sizes.partialFloats) * Integer.BYTES;
    }

    /** Buffers for one {@code rows x cols} product of up to {@code tokens} tokens. */
    public static TensorCoreScratch forProduct(int tokens, int rows, int cols) {
        return Sizes.of(tokens, new int[][] {{rows, cols}}).allocate();
    }

    /** The three buffers' lengths for products ({rows, cols}) of up to {@code tokens} tokens. */
    private record Sizes(int splitInts, int slots, int partialFloats) {

        static Sizes of(ForwardShape shape) {
            int dim = shape.hidden();
            int inter = shape.intermediate();
            return of(Math.max(shape.maxBatch(), shape.logitRows()), new int[][] {{shape.qkvWidth(), dim},
                    {dim, shape.queryDim()}, {2 * inter, dim}, {dim, inter}, {shape.vocab(), dim}});
        }

        static Sizes of(int tokens, int[][] products) {
            int slots = TensorCoreKernels.tokenSlots(tokens);
            int cols = 0;
            long partial = 0;
            for (int[] p : products) {
                cols = Math.max(cols, p[1]);
                partial = Math.max(partial, (long) TensorCoreKernels.slices(p[0], p[1])
                        * TensorCoreKernels.rowBlocks(p[0]) * TensorCoreKernels.BLOCK_ROWS * slots);
            }
            return new Sizes(TensorCoreKernels.splitInts(slots, cols), slots, Math.toIntExact(partial));
        }

        TensorCoreScratch allocate() {
            return new TensorCoreScratch(new IntArray(splitInts), new FloatArray(slots), new FloatArray(partialFloats),
                    slots);
        }
    }

    /**
     * A task graph named {@code name} whose tasks are all built for the device {@code deviceId} ({@code B:D}; null:
     * TornadoVM's default). TornadoVM sketches a task when it is added, for the backend that the graph's {@code
     * <name>.device} property names, else for backend 0 (OpenCL on the GPU machines), which rejects {@code mma}; and a
     * graph whose tasks were sketched for different backends computed zeros and NaNs on PTX (KERNEL-NOTES.md, "Tensor
     * cores for serving"). So the property is set for the whole graph, before the graph exists.
     */
    public static TaskGraph newGraph(String name, String deviceId) {
        if (deviceId != null) {
            System.setProperty(name + ".device", deviceId);
        }
        return new TaskGraph(name);
    }

    /**
     * Adds {@code out (+)= W x} on the tensor cores to {@code graph} (named {@code graphName}) as tasks {@code task +
     * "Split"}, {@code task} and {@code task + "Finish"}, with their launches in {@code grids}; the arguments are
     * {@link TensorCoreKernels#matVecTensorCores}' and {@link TensorCoreKernels#finishTensorCores}'. The finishing
     * task adds the rows' tail weights ({@code tail} from {@code directory}, {@link
     * dev.df11.tornado.forward.weights.UnitTail}): no tail task follows.
     *
     * <p>{@code graph} must come from {@link #newGraph} for the device it runs on.
     *
     * @param elementwise work-group size of the finishing launch
     */
    public TaskGraph addProduct(TaskGraph graph, GridScheduler grids, String graphName, String task, IntArray weights,
            IntArray signMantissa, int nibbles, int offset, int rows, int cols, FloatArray x, FloatArray out,
            int accumulate, int lastOnly, IntArray batch, FloatArray table, IntArray tail, int directory,
            int elementwise) {
        int tiles = slots / TensorCoreKernels.TILE_TOKENS;
        int slices = TensorCoreKernels.slices(rows, cols);
        int top = TensorCoreKernels.topExponent(table, graphName + "." + task);
        grids.addWorkerGrid(graphName + "." + task + "Split", Grids.groups(slots / 2, TensorCoreKernels.THREADS));
        grids.addWorkerGrid(graphName + "." + task, Grids.groups(TensorCoreKernels.rowBlocks(rows) * slices,
                TensorCoreKernels.THREADS));
        grids.addWorkerGrid(graphName + "." + task + "Finish", Grids.items(slots * rows, elementwise));
        return graph
                .task(task + "Split", TensorCoreKernels::splitActivations, new KernelContext(), x, cols, split,
                        tokenScales, tiles, lastOnly, batch)
                .task(task, TensorCoreKernels::matVecTensorCores, new KernelContext(), weights, signMantissa, nibbles,
                        offset, rows, cols, split, partial, tiles, cols / slices, top, table, lastOnly, batch)
                .task(task + "Finish", TensorCoreKernels::finishTensorCores, new KernelContext(), partial,
                        tokenScales, out, rows, slices, slots, TensorCoreKernels.unitScale(top), accumulate,
                        lastOnly, batch, x, cols, tail, directory, table);
    }

    List<Object> buffers() {
        return List.of(split, tokenScales, partial);
    }
}
