package dev.df11.format.model;

import java.util.List;

/**
 * A unit to compress: its name, its pattern attributes (empty for a single-matrix unit) and the weight names of its
 * matrices in stream order.
 */
public record UnitPlan(String unit, List<String> attrs, List<String> weightNames) {

    public UnitPlan {
        attrs = List.copyOf(attrs);
        weightNames = List.copyOf(weightNames);
    }
}
