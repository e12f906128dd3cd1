package dev.df11.tornado.forward.weights;

import dev.df11.runtime.weights.Bf16Matrix;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.UnitWeights;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.Bf16Words;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;

/**
 * A unit of plain BF16 matrices, copied once into one off-heap array of BF16 pairs ({@link Bf16Words}: the layout the
 * DF11 word decoder writes, so both run the same kernels) at the unit's slot offsets.
 *
 * @param everyStep false: uploaded on the first execution and resident on the device since; true: copied from host
 *                  memory on every execution of its graph (the CPU-offload baseline)
 */
public record PlainDeviceUnit(String name, IntArray data, boolean everyStep) implements DeviceUnit {

    /** Copies the unit's matrices from {@code weights} (the store's acquired view of {@code unit}). */
    public static PlainDeviceUnit copyOf(WeightUnit unit, UnitWeights weights, boolean everyStep) {
        long elements = 0;
        for (MatrixSlot slot : unit.matrices()) {
            elements = Math.max(elements, slot.elementOffset() + slot.elementCount());
        }
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("unit " + unit.name() + " has " + elements
                    + " elements; the kernels index a unit's elements with int, at most 2^31 - 1");
        }
        IntArray data = new IntArray(Bf16Words.wordsFor(elements));
        MemorySegment target = data.getSegment();
        for (MatrixSlot slot : unit.matrices()) {
            Bf16Matrix matrix = weights.matrix(slot.name());
            MemorySegment.copy(matrix.data(), 0, target, 2 * slot.elementOffset(), 2 * slot.elementCount());
        }
        return new PlainDeviceUnit(unit.name(), data, everyStep);
    }

    @Override
    public boolean compressed() {
        return false;
    }

    @Override
    public int decodedElements() {
        return 0;
    }

    @Override
    public IntArray matrices(IntArray decodeBuffer) {
        return data;
    }

    @Override
    public TaskGraph addTransfers(TaskGraph graph) {
        return graph.transferToDevice(everyStep ? DataTransferMode.EVERY_EXECUTION : DataTransferMode.FIRST_EXECUTION,
                data);
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray decodeBuffer,
            GridScheduler grids) {
        return graph;
    }

    @Override
    public long deviceBytes() {
        return data.getNumBytesOfSegment();
    }
}
