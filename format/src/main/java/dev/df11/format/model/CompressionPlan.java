package dev.df11.format.model;

import java.util.List;
import java.util.Map;

/** The units of a BF16 folder to compress, and the pattern_dict that describes them. */
public record CompressionPlan(Map<String, List<String>> patternDict, List<UnitPlan> units) {

    public CompressionPlan {
        patternDict = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(patternDict));
        units = List.copyOf(units);
    }
}
