package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.api.DecodeTask;
import dev.df11.tornado.api.Df11Tasks;
import dev.df11.tornado.decode.KernelVersion;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A DF11 unit kept compressed on the device, decoded through the DF11 embedding API ({@link Df11Tasks}): the decode
 * task added to a graph moves the compressed arrays on the first execution only, and every execution of the graph
 * starts by decoding the whole unit into the shared decode buffer of BF16 pairs (a word-writing kernel: v3d). The
 * task's per-block consistency flags stay on the device until {@link #verify} is asked to look at them.
 */
public final class CompressedDeviceUnit implements DeviceUnit {

    private final CompressedUnit unit;
    private final KernelVersion kernel;
    private DecodeTask task;

    private CompressedDeviceUnit(CompressedUnit unit, KernelVersion kernel) {
        this.unit = unit;
        this.kernel = kernel;
    }

    /**
     * Validates {@code compressed} on the host and copies its arrays off-heap. The whole DF11 unit is decoded on the
     * device, whatever range of it {@code unit} (for example a band of output rows) covers.
     *
     * @param kernel the decode kernel to run: one that writes BF16 pairs ({@link KernelVersion#writesWords()})
     * @throws IllegalArgumentException when {@code kernel} writes shorts
     */
    public static CompressedDeviceUnit of(WeightUnit unit, Df11Unit compressed, KernelVersion kernel) {
        if (!kernel.writesWords()) {
            throw new IllegalArgumentException("unit " + unit.name() + ": decode kernel " + kernel.label()
                    + " writes a ShortArray; the device forward pass reads BF16 pairs from an IntArray and needs a"
                    + " word-writing kernel such as " + Df11Tasks.DEFAULT_WORD_KERNEL.label());
        }
        CompressedUnit arrays = CompressedUnit.of(compressed);
        if (arrays.elements() < unit.source().to()) {
            throw new Df11FormatException(compressed.name(), "the unit decodes to " + arrays.elements()
                    + " elements, " + unit.name() + " needs elements up to " + unit.source().to());
        }
        return new CompressedDeviceUnit(arrays, kernel);
    }

    @Override
    public String name() {
        return unit.name();
    }

    @Override
    public boolean compressed() {
        return true;
    }

    @Override
    public int decodedElements() {
        return unit.elements();
    }

    @Override
    public IntArray matrices(IntArray decodeBuffer) {
        return decodeBuffer;
    }

    /** Nothing: the decode task moves the compressed arrays itself. */
    @Override
    public TaskGraph addTransfers(TaskGraph graph) {
        return graph;
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray decodeBuffer,
            GridScheduler grids) {
        if (task != null) {
            throw new IllegalStateException("unit " + unit.name() + " already decodes in " + task.id());
        }
        task = Df11Tasks.addDecode(graph, taskName, unit, decodeBuffer, kernel);
        task.registerIn(grids);
        return graph;
    }

    /**
     * Copies the per-block flags of the last decode to the host (from {@code result} of the graph that decoded)
     * and checks them.
     *
     * @throws Df11FormatException naming the unit and block when a block's codes disagree with its positions
     */
    public void verify(TornadoExecutionResult result) {
        if (task == null) {
            throw new IllegalStateException("unit " + unit.name() + " has no decode task");
        }
        task.verify(result);
    }

    @Override
    public long deviceBytes() {
        return unit.compressedBytes() + 4L * unit.blocks();
    }
}
