package dev.df11.runtime.weights;

import dev.df11.runtime.model.ModelLayout;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds and serves units of plain BF16 matrices, each checked against the shape the layout implies. */
final class PlainUnits {

    private final ModelLayout layout;
    private final TensorSource source;
    private final Map<String, UnitWeights> byUnit = new HashMap<>();

    PlainUnits(ModelLayout layout, TensorSource source) {
        this.layout = layout;
        this.source = source;
    }

    /** A plain unit over these weight names; offsets are the matrices' positions if they were concatenated. */
    WeightUnit unit(String unitName, List<String> weightNames) {
        Map<String, Bf16Matrix> matrices = new LinkedHashMap<>();
        List<MatrixSlot> slots = new java.util.ArrayList<>();
        long offset = 0;
        for (String name : weightNames) {
            int[] shape = layout.matrixShape(name);
            Bf16Matrix matrix = source.tensor(name).asMatrix(shape[0], shape[1]);
            matrices.put(name, matrix);
            slots.add(new MatrixSlot(name, shape[0], shape[1], offset));
            offset += matrix.elementCount();
        }
        WeightUnit unit = new WeightUnit(unitName, slots, null);
        byUnit.put(unitName, UnitWeights.of(unit, Map.copyOf(matrices)));
        return unit;
    }

    UnitWeights weights(WeightUnit unit) {
        UnitWeights weights = byUnit.get(unit.name());
        if (weights == null || unit.compressed()) {
            throw new IllegalArgumentException(source.location() + ": no plain unit " + unit.name());
        }
        return weights;
    }
}
