package dev.df11.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.UnencodableUnitException;
import dev.df11.format.huffman.ExponentHistogram;
import dev.df11.format.safetensors.SafetensorsDirectory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures a model folder unit by unit: elements, stored bytes, ratio, exponent entropy, average and longest code,
 * table count. A DF11 folder is measured as stored (each unit decoded to count its exponents); for a BF16 folder
 * each unit is encoded in memory to show what DF11 would give.
 */
public final class Df11Inspector {

    private static final int LUT_ROW = 256;

    private Df11Inspector() { }

    /** Whether {@code dir}'s config.json has a {@code dfloat11_config}. */
    public static boolean isDf11Folder(Path dir) throws IOException {
        return ModelFolder.readConfig(dir).has(Df11Config.KEY);
    }

    /** Figures of a DF11 folder. */
    public static InspectionReport inspectDf11(Df11Model model, int threads, ProgressListener listener) {
        listener.started(model.unitNames().size());
        Df11Decoder decoder = new Df11Decoder(threads);
        List<UnitStatistics> stats = new ArrayList<>();
        for (String name : model.unitNames()) {
            Df11Unit unit = model.unit(name);
            try (Arena arena = Arena.ofShared()) {
                MemorySegment bf16 = arena.allocate(2 * unit.elementCount(), 8);
                decoder.decode(unit, bf16);
                stats.add(statistics(unit, ExponentHistogram.of(List.of(bf16), threads), model.storedBytes(name)));
            }
            listener.step(name);
        }
        long plainBytes = 0;
        for (String p : model.plainTensorNames()) {
            plainBytes += model.tensors().tensor(p).byteSize();
        }
        return new InspectionReport(true, stats, model.plainTensorNames().size(), plainBytes);
    }

    /** Figures DF11 would give for a BF16 folder (units as {@link UnitPlanner} finds them, or by the pattern). */
    public static InspectionReport inspectBf16(Path dir, Map<String, List<String>> patternDict, int threads,
            ProgressListener listener) throws IOException {
        JsonNode config = ModelFolder.readConfig(dir);
        try (SafetensorsDirectory source = SafetensorsDirectory.open(dir)) {
            CompressionPlan plan = patternDict == null ? UnitPlanner.auto(source, config)
                    : UnitPlanner.fromPatterns(source, patternDict);
            listener.started(plan.units().size());
            Df11Encoder encoder = new Df11Encoder(threads);
            List<UnitStatistics> stats = new ArrayList<>();
            Set<String> inUnits = new HashSet<>();
            for (UnitPlan plan1 : plan.units()) {
                List<MemorySegment> matrices = plan1.weightNames().stream().map(source::data).toList();
                inUnits.addAll(plan1.weightNames());
                ExponentHistogram histogram = ExponentHistogram.of(matrices, threads);
                try {
                    Df11Unit unit = encoder.encode(plan1.unit(), matrices);
                    long stored = unit.luts().byteSize() + unit.encodedExponent().byteSize()
                            + unit.signMantissa().byteSize() + unit.outputPositions().byteSize()
                            + unit.gaps().byteSize() + 8L * unit.splitPositions().length;
                    stats.add(statistics(unit, histogram, stored));
                } catch (UnencodableUnitException e) {
                    long elements = histogram.total();
                    stats.add(new UnitStatistics(plan1.unit(), matrices.size(), elements, 2 * elements,
                            histogram.entropyBitsPerWeight(), 16, 0, 0, e.getMessage()));
                }
                listener.step(plan1.unit());
            }
            long plainBytes = 0;
            int plainTensors = 0;
            for (String name : source.tensorNames()) {
                if (!inUnits.contains(name)) {
                    plainBytes += source.tensor(name).byteSize();
                    plainTensors++;
                }
            }
            return new InspectionReport(false, stats, plainTensors, plainBytes);
        }
    }

    private static UnitStatistics statistics(Df11Unit unit, ExponentHistogram histogram, long storedBytes) {
        long tables = unit.luts().byteSize() / LUT_ROW - 1;
        long lengthRow = tables * LUT_ROW;
        long bits = 0;
        int max = 0;
        for (int e = 0; e < ExponentHistogram.SYMBOLS; e++) {
            long count = histogram.count(e);
            if (count > 0) {
                int len = Byte.toUnsignedInt(unit.luts().get(ValueLayout.JAVA_BYTE, lengthRow + e));
                bits += count * len;
                max = Math.max(max, len);
            }
        }
        long n = unit.elementCount();
        return new UnitStatistics(unit.name(), unit.matrixCount(), n, storedBytes, histogram.entropyBitsPerWeight(),
                n == 0 ? 0 : (double) bits / n, max, (int) tables, null);
    }
}
