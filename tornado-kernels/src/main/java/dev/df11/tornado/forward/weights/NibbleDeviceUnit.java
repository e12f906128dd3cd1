package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.WeightPlanes;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A DF11 unit held on the device in the nibble layout ({@link NibbleLayout}, {@link DecodeMode#NIBBLE}): 4-bit
 * exponent codes, the escape list, the unit's scale table and its own sign/mantissa bytes, made from the DF11 unit on
 * the host at load time. No decode task and no shared plane: the matrix-vector products read the codes directly
 * ({@link dev.df11.tornado.forward.NibbleMatVecKernels}).
 */
public final class NibbleDeviceUnit implements DeviceUnit {

    private final String name;
    private final NibbleArrays arrays;

    private NibbleDeviceUnit(String name, NibbleArrays arrays) {
        this.name = name;
        this.arrays = arrays;
    }

    /**
     * The layout of {@code compressed} by {@code census} (which must qualify), its arrays from {@code staging} and
     * written when {@code staging} is filled, right before the upload (decoding the unit on the host a second time).
     */
    static NibbleDeviceUnit staged(WeightUnit unit, Df11Unit compressed, NibbleLayout.Census census,
            Df11UnitDecoder decoder, HostStaging staging) {
        if (!census.qualifies()) {
            throw new IllegalArgumentException("unit " + unit.name() + " does not qualify for the nibble layout");
        }
        CompressedDeviceUnit.requireCovers(unit, compressed, compressed.elementCount());
        NibbleArrays arrays = NibbleArrays.allocate(census, staging);
        staging.onFill(() -> {
            arrays.fill(compressed, decoder);
            staging.readFrom(compressed.encodedExponent());
            staging.readFrom(compressed.signMantissa());
        });
        return new NibbleDeviceUnit(unit.name(), arrays);
    }

    /** How the unit's exponents fell: its codes and escapes. */
    public NibbleLayout.Census census() {
        return arrays.census();
    }

    /** The arrays the kernels read. */
    public NibbleArrays arrays() {
        return arrays;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean usesDecodeBuffer() {
        return false;
    }

    @Override
    public int decodedElements() {
        return 0;
    }

    /** @throws UnsupportedOperationException always: the products read the codes, not planes */
    @Override
    public WeightPlanes planes(IntArray exponentBuffer) {
        throw new UnsupportedOperationException("unit " + name + " is held in the nibble layout, not as planes");
    }

    @Override
    public TaskGraph addTransfers(TaskGraph graph) {
        return graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, arrays.codes(), arrays.signMantissa(),
                arrays.escapes(), arrays.scales());
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray exponentBuffer,
            GridScheduler grids) {
        return graph;
    }

    @Override
    public long deviceBytes() {
        return arrays.bytes();
    }
}
