package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Layout;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.api.DecodeTask;
import dev.df11.tornado.api.Df11Tasks;
import dev.df11.tornado.forward.WeightPlanes;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A DF11 unit kept compressed on the device, decoded through the DF11 embedding API ({@link Df11Tasks}): the decode
 * tasks added to a graph move the compressed arrays on the first execution only, and every execution of the graph
 * starts by decoding the whole unit's exponents into the shared exponent plane (v3f). The kernels then read the
 * weights from that plane and from the unit's own sign/mantissa bytes, which stay resident: no BF16 copy of the unit
 * ever exists on the device, and the shared buffer is a byte per weight. The task's per-block consistency flags stay
 * on the device until {@link #verify} is asked to look at them.
 */
public final class CompressedDeviceUnit implements DeviceUnit {

    private final CompressedUnit unit;
    private DecodeTask task;

    private CompressedDeviceUnit(CompressedUnit unit) {
        this.unit = unit;
    }

    /**
     * Validates {@code compressed} on the host and makes its kernel-ready arrays (the unit's one host copy). The whole
     * DF11 unit is decoded on the device, whatever range of it {@code unit} (for example a band of output rows)
     * covers.
     */
    public static CompressedDeviceUnit of(WeightUnit unit, Df11Unit compressed) {
        CompressedUnit arrays = CompressedUnit.of(compressed);
        if (arrays.elements() < unit.source().to()) {
            throw new Df11FormatException(compressed.name(), "the unit decodes to " + arrays.elements()
                    + " elements, " + unit.name() + " needs elements up to " + unit.source().to());
        }
        return new CompressedDeviceUnit(arrays);
    }

    /**
     * Off-heap host bytes of {@code unit}'s kernel-ready arrays ({@link CompressedUnit}), from its sizes alone: the
     * packed tables, the padded stream and sign/mantissa words, the positions and the gaps.
     */
    static long hostBytes(Df11Unit unit) {
        long tables = (unit.luts().byteSize() / 256 - 1 + 2) * 256L * Integer.BYTES;
        long stream = Math.max((long) unit.blockCount() * Df11Layout.BYTES_PER_BLOCK + 16,
                unit.encodedExponent().byteSize()) + 3;
        long signMantissa = (unit.elementCount() / 4 + 3) * Integer.BYTES;
        return tables + stream + signMantissa + unit.outputPositions().byteSize() + unit.gaps().byteSize() + 1;
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
    public WeightPlanes planes(IntArray exponentBuffer) {
        return new WeightPlanes(exponentBuffer, unit.signMantissaWords());
    }

    /** The sign/mantissa bytes the kernels read, once; the decode tasks move the other compressed arrays. */
    @Override
    public TaskGraph addTransfers(TaskGraph graph) {
        return graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, unit.signMantissaWords());
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray exponentBuffer,
            GridScheduler grids) {
        if (task != null) {
            throw new IllegalStateException("unit " + unit.name() + " already decodes in " + task.id());
        }
        task = Df11Tasks.addExponentDecode(graph, taskName, unit, exponentBuffer);
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
        // The unit's arrays, plus per block a status flag and two boundary quads.
        return unit.deviceBytes() + 12L * unit.blocks();
    }
}
