package dev.df11.tornado.forward.weights;

import dev.df11.runtime.weights.Bf16Matrix;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.UnitWeights;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.WeightPlanes;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.function.Supplier;


/**
 * A unit of plain BF16 matrices, split once into the two off-heap byte planes the kernels read ({@link WeightPlanes}:
 * the exponents, as the DF11 decoder writes them, and the sign/mantissa bytes, as DF11 stores them), so BF16 and DF11
 * units run the same kernels, at the unit's slot offsets.
 *
 * @param everyStep false: uploaded on the first execution and resident on the device since; true: copied from host
 *                  memory on every execution of its graph (the CPU-offload baseline)
 */
public record PlainDeviceUnit(String name, WeightPlanes data, boolean everyStep, UnitTail tail)
        implements DeviceUnit {

    /** Copies the unit's matrices from {@code weights} (the store's acquired view of {@code unit}). */
    public static PlainDeviceUnit copyOf(WeightUnit unit, UnitWeights weights, boolean everyStep) {
        WeightPlanes data = WeightPlanes.allocate(checkedElements(unit));
        put(unit, weights, data);
        return new PlainDeviceUnit(unit.name(), data, everyStep, UnitTail.of(UnitMatrices.plain(unit, weights)));
    }

    /**
     * A unit uploaded once, whose planes come from {@code staging} and are written from {@code weights} (asked for
     * then) when {@code staging} is filled, right before the upload. Its tail is read from {@code weights} now.
     */
    public static PlainDeviceUnit staged(WeightUnit unit, Supplier<UnitWeights> weights, HostStaging staging) {
        UnitTail tail = UnitTail.of(UnitMatrices.plain(unit, weights.get()));
        int words = WeightPlanes.wordsFor(checkedElements(unit));
        WeightPlanes data = new WeightPlanes(staging.ints(words), staging.ints(words));
        staging.onFill(() -> {
            UnitWeights source = weights.get();
            put(unit, source, data);
            for (MatrixSlot slot : unit.matrices()) {
                staging.readFrom(source.matrix(slot.name()).data());
            }
        });
        return new PlainDeviceUnit(unit.name(), data, false, tail);
    }

    private static long checkedElements(WeightUnit unit) {
        long elements = elements(unit);
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("unit " + unit.name() + " has " + elements
                    + " elements; the kernels index a unit's elements with int, at most 2^31 - 1");
        }
        return elements;
    }

    private static void put(WeightUnit unit, UnitWeights weights, WeightPlanes data) {
        for (MatrixSlot slot : unit.matrices()) {
            Bf16Matrix matrix = weights.matrix(slot.name());
            data.put(slot.elementOffset(), matrix.data().asSlice(0, 2 * slot.elementCount()));
        }
    }

    /** The elements the planes of {@code unit} hold: up to the end of its last matrix. */
    static long elements(WeightUnit unit) {
        long elements = 0;
        for (MatrixSlot slot : unit.matrices()) {
            elements = Math.max(elements, slot.elementOffset() + slot.elementCount());
        }
        return elements;
    }

    @Override
    public boolean usesDecodeBuffer() {
        return false;
    }

    @Override
    public int decodedElements() {
        return 0;
    }

    @Override
    public WeightPlanes planes(IntArray exponentBuffer) {
        return data;
    }

    @Override
    public TaskGraph addTransfers(TaskGraph graph) {
        return graph.transferToDevice(everyStep ? DataTransferMode.EVERY_EXECUTION : DataTransferMode.FIRST_EXECUTION,
                data.exponents(), data.signMantissa());
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray exponentBuffer,
            GridScheduler grids) {
        return graph;
    }

    @Override
    public long deviceBytes() {
        return data.bytes() + tail.bytes();
    }
}
