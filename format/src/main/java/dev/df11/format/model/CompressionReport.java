package dev.df11.format.model;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of a compression.
 *
 * @param inputBytes  tensor bytes of the BF16 folder
 * @param outputBytes tensor bytes written (units' arrays, kept units, plain tensors)
 * @param plainBytes  bytes of tensors copied unchanged (norms and other non-unit tensors)
 */
public record CompressionReport(Path outDir, List<UnitOutcome> units, int plainTensors, long plainBytes,
        long inputBytes, long outputBytes, long nanos) {

    public CompressionReport {
        units = List.copyOf(units);
    }

    /** Units that were encoded. */
    public long encodedUnits() {
        return units.stream().filter(UnitOutcome::encoded).count();
    }
}
