package dev.df11.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.UnencodableUnitException;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.ShardedSafetensorsWriter;
import dev.df11.format.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compresses a BF16 Hugging Face folder into a DF11 folder: units (see {@link UnitPlanner}) are encoded with
 * {@link Df11Encoder}; a unit the layout cannot express (exponents 240-255) stays plain BF16 with a notice; every
 * other tensor is copied unchanged; config.json gains {@code dfloat11_config}; tokenizer and other small files are
 * copied. Matrix shapes are recorded under {@link MatrixShapes#METADATA_KEY}, and the checksum of every original
 * tensor under {@link TensorChecksums#METADATA_KEY}. The folder is built in a hidden staging sibling and renamed only
 * when complete (see {@link StagingDirectory}).
 */
public final class Df11Compressor {

    private Df11Compressor() { }

    /** Works out the units without writing anything. */
    public static CompressionPlan plan(SafetensorsDirectory source, JsonNode config, CompressOptions options)
            throws Df11ModelException {
        return options.patternDict() == null ? UnitPlanner.auto(source, config)
                : UnitPlanner.fromPatterns(source, options.patternDict());
    }

    /** Compresses {@code bf16Dir} into {@code outDir}. */
    public static CompressionReport compress(Path bf16Dir, Path outDir, CompressOptions options,
            ProgressListener listener) throws IOException {
        long start = System.nanoTime();
        ModelPaths.requireSeparate(bf16Dir, outDir);
        JsonNode config = ModelFolder.readConfig(bf16Dir);
        if (config.has(Df11Config.KEY)) {
            throw new Df11ModelException(bf16Dir.resolve(ModelFolder.CONFIG),
                    "already a DF11 model (has " + Df11Config.KEY + ")");
        }
        try (SafetensorsDirectory source = ReservedNames.requireNone(SafetensorsDirectory.open(bf16Dir));
                StagingDirectory staging = StagingDirectory.create(outDir, options.replaceExisting())) {
            staging.removedStale().forEach(p -> listener.notice("removed " + p + ", left behind by a killed run"));
            CompressionPlan plan = plan(source, config, options);
            Set<String> inUnits = new HashSet<>();
            plan.units().forEach(u -> inUnits.addAll(u.weightNames()));
            List<String> plain = source.tensorNames().stream().filter(n -> !inUnits.contains(n)).toList();
            listener.started(plan.units().size() + plain.size());

            Map<String, Map<String, long[]>> shapesByUnit = new ConcurrentHashMap<>();
            Checksums checksums = new Checksums();
            ShardedSafetensorsWriter writer = new ShardedSafetensorsWriter(staging.path(), "model",
                    options.maxShardBytes())
                    .putMetadata("format", "pt")
                    .shardMetadata(names -> {
                        Map<String, String> metadata = new java.util.TreeMap<>(shapeMetadata(names, shapesByUnit));
                        metadata.putAll(checksums.metadata(names));
                        return metadata;
                    });
            Df11Encoder encoder = new Df11Encoder(options.threads());
            List<UnitOutcome> outcomes = new ArrayList<>();
            for (UnitPlan unit : plan.units()) {
                outcomes.add(compressUnit(source, unit, encoder, writer, shapesByUnit, checksums, listener));
                listener.step(unit.unit());
            }
            long plainBytes = 0;
            for (String name : plain) {
                TensorInfo t = source.tensor(name);
                checksums.plain(name, t, source.data(name));
                writer.add(name, t.dtype(), t.shape(), source.data(name));
                plainBytes += t.byteSize();
                listener.step(name);
            }
            writer.finish();

            ObjectNode newConfig = ((ObjectNode) config.deepCopy());
            newConfig.set(Df11Config.KEY, Df11Config.of(plan.patternDict()).toJson());
            ModelFolder.writeConfig(newConfig, staging.path());
            for (String notice : ModelFolder.copyOtherFiles(bf16Dir, staging.path())) {
                listener.notice(notice);
            }
            source.requireUnchanged();
            staging.commit();
            return new CompressionReport(staging.target(), outcomes, plain.size(), plainBytes, source.dataBytes(),
                    writer.totalBytes(), System.nanoTime() - start);
        }
    }

    private static UnitOutcome compressUnit(SafetensorsDirectory source, UnitPlan unit, Df11Encoder encoder,
            ShardedSafetensorsWriter writer, Map<String, Map<String, long[]>> shapesByUnit, Checksums checksums,
            ProgressListener listener) throws IOException {
        List<MemorySegment> matrices = new ArrayList<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long elements = 0;
        for (String w : unit.weightNames()) {
            matrices.add(source.data(w));
            shapes.put(w, source.tensor(w).shape());
            elements += source.tensor(w).elementCount();
        }
        Df11Unit encoded;
        try {
            encoded = encoder.encode(unit.unit(), matrices);
        } catch (UnencodableUnitException e) {
            listener.notice("unit '" + unit.unit() + "' kept as BF16: " + e.getMessage());
            long bytes = 0;
            for (String w : unit.weightNames()) {
                TensorInfo t = source.tensor(w);
                checksums.plain(w, t, source.data(w));
                writer.add(w, t.dtype(), t.shape(), source.data(w));
                bytes += t.byteSize();
            }
            return new UnitOutcome(unit.unit(), matrices.size(), elements, bytes, e.getMessage());
        }
        shapesByUnit.put(unit.unit(), shapes);
        checksums.unit(unit.unit(), unit.weightNames(), source);
        long stored = UnitArrays.add(writer, encoded);
        return new UnitOutcome(unit.unit(), matrices.size(), elements, stored, null);
    }

    /**
     * The checksums of the original tensors, computed from the source before each is written, and handed to the
     * shard that holds each tensor (a unit's matrices go with its {@code encoded_exponent}).
     */
    private static final class Checksums {
        private final Map<String, TensorChecksums.Entry> plain = new ConcurrentHashMap<>();
        private final Map<String, Map<String, TensorChecksums.Entry>> byUnit = new ConcurrentHashMap<>();

        void plain(String name, TensorInfo t, MemorySegment data) {
            plain.put(name, TensorChecksums.of(t.dtype(), t.shape(), data));
        }

        void unit(String unit, List<String> weightNames, SafetensorsDirectory source) {
            Map<String, TensorChecksums.Entry> entries = new LinkedHashMap<>();
            for (String w : weightNames) {
                TensorInfo t = source.tensor(w);
                entries.put(w, TensorChecksums.of(t.dtype(), t.shape(), source.data(w)));
            }
            byUnit.put(unit, entries);
        }

        Map<String, String> metadata(Set<String> namesInShard) {
            Map<String, TensorChecksums.Entry> entries = new LinkedHashMap<>();
            for (String name : namesInShard) {
                TensorChecksums.Entry e = plain.get(name);
                if (e != null) {
                    entries.put(name, e);
                } else if (name.endsWith("." + UnitTensors.ENCODED_EXPONENT)) {
                    entries.putAll(byUnit.getOrDefault(UnitTensors.unitOf(name), Map.of()));
                }
            }
            return entries.isEmpty() ? Map.of() : Map.of(TensorChecksums.METADATA_KEY,
                    TensorChecksums.toMetadata(entries));
        }
    }

    /** The shapes of the units whose stream lands in a shard. */
    private static Map<String, String> shapeMetadata(Set<String> namesInShard,
            Map<String, Map<String, long[]>> shapesByUnit) {
        Map<String, long[]> shapes = new java.util.TreeMap<>(NaturalOrder.INSTANCE);
        for (String name : namesInShard) {
            if (name.endsWith("." + UnitTensors.ENCODED_EXPONENT)) {
                Map<String, long[]> unitShapes = shapesByUnit.get(UnitTensors.unitOf(name));
                if (unitShapes != null) {
                    shapes.putAll(unitShapes);
                }
            }
        }
        return shapes.isEmpty() ? Map.of() : Map.of(MatrixShapes.METADATA_KEY, MatrixShapes.toMetadata(shapes));
    }
}
