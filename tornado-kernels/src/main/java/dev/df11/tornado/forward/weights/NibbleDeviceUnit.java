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
 * exponent codes and its own sign/mantissa bytes, made from the DF11 unit on the host at load time, read through the
 * unit's table ({@link UnitTail}). No decode task and no shared plane: the matrix-vector products read the codes directly
 * ({@link dev.df11.tornado.forward.NibbleMatVecKernels}).
 */
public final class NibbleDeviceUnit implements DeviceUnit {

    private final String name;
    private final NibbleArrays arrays;
    private final UnitTail tail;
    private final long elements;

    private NibbleDeviceUnit(String name, NibbleArrays arrays, UnitTail tail, long elements) {
        this.name = name;
        this.arrays = arrays;
        this.tail = tail;
        this.elements = elements;
    }

    /**
     * The layout of {@code compressed} coded by {@code tail}'s census (the unit must qualify:
     * {@link NibbleLayout#whyNot}), its arrays from {@code staging} and written when {@code staging} is filled, right
     * before the upload (decoding the unit on the host once more).
     */
    static NibbleDeviceUnit staged(WeightUnit unit, Df11Unit compressed, UnitTail tail, Df11UnitDecoder decoder,
            HostStaging staging) {
        String whyNot = NibbleLayout.whyNot(compressed.elementCount());
        if (whyNot != null) {
            throw new IllegalArgumentException("unit " + unit.name() + " does not qualify for the nibble layout: "
                    + whyNot);
        }
        CompressedDeviceUnit.requireCovers(unit, compressed, compressed.elementCount());
        NibbleArrays arrays = NibbleArrays.allocate(tail.census(), compressed.elementCount(), staging);
        staging.onFill(() -> {
            arrays.fill(compressed, decoder);
            staging.readFrom(compressed.encodedExponent());
            staging.readFrom(compressed.signMantissa());
        });
        return new NibbleDeviceUnit(unit.name(), arrays, tail, compressed.elementCount());
    }

    /** Weights the layout holds: the whole DF11 unit. */
    public long elements() {
        return elements;
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
        return graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, arrays.codes(), arrays.signMantissa());
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray exponentBuffer,
            GridScheduler grids) {
        return graph;
    }

    @Override
    public long deviceBytes() {
        return arrays.bytes() + tail.bytes();
    }

    @Override
    public UnitTail tail() {
        return tail;
    }
}
