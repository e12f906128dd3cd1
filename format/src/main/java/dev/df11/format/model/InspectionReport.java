package dev.df11.format.model;

import java.util.List;

/**
 * Per-unit figures of a model folder and its totals.
 *
 * @param compressed whether the folder is DF11 (figures measured) or BF16 (figures of what DF11 would give)
 * @param plainBytes bytes of tensors outside units (norms etc.), stored unchanged either way
 */
public record InspectionReport(boolean compressed, List<UnitStatistics> units, int plainTensors, long plainBytes) {

    public InspectionReport {
        units = List.copyOf(units);
    }

    /** BF16 bytes of all units plus plain tensors. */
    public long bf16Bytes() {
        return units.stream().mapToLong(UnitStatistics::bf16Bytes).sum() + plainBytes;
    }

    /** DF11 bytes of all units plus plain tensors. */
    public long df11Bytes() {
        return units.stream().mapToLong(UnitStatistics::storedBytes).sum() + plainBytes;
    }

    /** Weights in units. */
    public long unitElements() {
        return units.stream().mapToLong(UnitStatistics::elements).sum();
    }
}
