package dev.df11.runtime.weights;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DF11 weights kept compressed: each unit's arrays stay where they are (memory-mapped), validated when the store
 * opens, and backends decode them ({@link #compressed}) on the host or on a device. The store itself decodes only
 * embedding rows, one row range at a time, so a lookup never decodes the whole table. Matrices the folder stores
 * plain (a unit that could not be encoded) and all norm weights and biases are used as mapped BF16.
 */
public final class Df11WeightStore implements WeightStore {

    private final ModelConfig config;
    private final CompressedWeights source;
    private final ModelLayout layout;
    private final PlainUnits plain;
    private final Df11Decoder decoder;
    private final Map<String, Df11Unit> units = new LinkedHashMap<>();
    private final WeightUnit embedding;
    private final List<WeightUnit> layers = new ArrayList<>();
    private final WeightUnit output;
    private final Map<String, MemorySegment> vectors = new HashMap<>();

    public Df11WeightStore(ModelConfig config, CompressedWeights source, WeightStores.Df11Options options) {
        this.config = config;
        this.source = source;
        this.layout = new ModelLayout(config);
        layout.checkTensorNames(source.weightNames(), source.location());
        this.plain = new PlainUnits(layout, source.plainTensors());
        this.decoder = new Df11Decoder(options.decodeThreads());
        this.embedding = group("model.embed_tokens", List.of(ModelLayout.EMBEDDING));
        for (int layer = 0; layer < config.layerCount(); layer++) {
            layers.add(group("model.layers." + layer, layout.layerMatrixNames(layer)));
        }
        this.output = config.tiedEmbeddings() ? embedding : group("lm_head", List.of(ModelLayout.OUTPUT));
        for (String name : layout.vectorTensors()) {
            vectors.put(name, source.plainTensors().tensor(name).asVector(layout.vectorLength(name)));
        }
    }

    /**
     * The unit serving {@code weightNames}: the DF11 unit holding all of them, or a plain unit when none is
     * compressed. Mixed storage or a matrix whose size disagrees with the config is an error naming both.
     */
    private WeightUnit group(String plainName, List<String> weightNames) {
        List<Optional<CompressedWeights.Location>> found = weightNames.stream().map(source::locate).toList();
        if (found.stream().noneMatch(Optional::isPresent)) {
            return plain.unit(plainName, weightNames);
        }
        String unitName = found.get(0).map(CompressedWeights.Location::unit).orElse(null);
        for (int i = 0; i < weightNames.size(); i++) {
            if (found.get(i).isEmpty() || !found.get(i).get().unit().equals(unitName)) {
                throw new WeightFormatException(source.location() + ": " + weightNames.get(i) + " is "
                        + found.get(i).map(l -> "in unit " + l.unit()).orElse("not compressed") + ", but "
                        + weightNames.get(0) + " is in unit " + unitName + "; the runtime needs "
                        + String.join(", ", weightNames) + " in one DF11 unit");
            }
        }
        Df11Unit unit = units.computeIfAbsent(unitName, source::unit);
        List<MatrixSlot> slots = new ArrayList<>();
        for (int i = 0; i < weightNames.size(); i++) {
            String name = weightNames.get(i);
            int index = found.get(i).get().index();
            int[] shape = layout.matrixShape(name);
            long start = unit.matrixStart(index);
            long length = unit.matrixEnd(index) - start;
            if (length != (long) shape[0] * shape[1]) {
                throw new WeightFormatException(source.location() + ": " + name + " (matrix " + index + " of unit "
                        + unitName + ") has " + length + " elements, the config implies [" + shape[0] + ", "
                        + shape[1] + "]");
            }
            slots.add(new MatrixSlot(name, shape[0], shape[1], start));
        }
        return new WeightUnit(unitName, slots, new WeightUnit.DecodeRange(unitName, 0, unit.elementCount()));
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public String kind() {
        return "DF11";
    }

    @Override
    public WeightUnit embeddingUnit() {
        return embedding;
    }

    @Override
    public WeightUnit layerUnit(int layer) {
        return layers.get(layer);
    }

    @Override
    public WeightUnit outputUnit() {
        return output;
    }

    @Override
    public MemorySegment vector(String name) {
        MemorySegment vector = vectors.get(name);
        if (vector == null) {
            throw new IllegalArgumentException(source.location() + ": the forward pass reads no vector " + name);
        }
        return vector;
    }

    @Override
    public UnitWeights acquire(WeightUnit unit) {
        if (unit.compressed()) {
            throw new IllegalArgumentException(source.location() + ": unit " + unit.name() + " is DF11-compressed;"
                    + " it has BF16 matrices only once a backend decodes its arrays (compressed(unit))");
        }
        return plain.weights(unit);
    }

    @Override
    public MemorySegment embeddingRows(int[] tokens) {
        if (!embedding.compressed()) {
            return Bf16WeightStore.copyRows(plain.weights(embedding).matrix(ModelLayout.EMBEDDING), tokens);
        }
        MatrixSlot table = embedding.slot(ModelLayout.EMBEDDING);
        int dim = table.cols();
        MemorySegment rows = MemorySegment.ofArray(new short[tokens.length * dim]);
        Df11Unit unit = units.get(embedding.source().unit());
        for (int i = 0; i < tokens.length; i++) {
            long first = embedding.source().from() + table.elementOffset()
                    + (long) Bf16WeightStore.checkToken(tokens[i], table.rows()) * dim;
            decoder.decodeRange(unit, first, first + dim, rows.asSlice(2L * i * dim, 2L * dim));
        }
        return rows;
    }

    @Override
    public Df11UnitDecoder decoder() {
        return decoder;
    }

    @Override
    public Optional<Df11Unit> compressed(WeightUnit unit) {
        return unit.compressed() ? Optional.ofNullable(units.get(unit.source().unit())) : Optional.empty();
    }

    @Override
    public long residentWeightBytes() {
        long bytes = 0;
        for (Df11Unit unit : units.values()) {
            bytes += unit.luts().byteSize() + unit.encodedExponent().byteSize() + unit.signMantissa().byteSize()
                    + unit.outputPositions().byteSize() + unit.gaps().byteSize() + 8L * unit.splitPositions().length;
        }
        for (WeightUnit unit : allUnits()) {
            if (!unit.compressed()) {
                bytes += unit.elementCount() * 2;
            }
        }
        for (MemorySegment vector : vectors.values()) {
            bytes += vector.byteSize();
        }
        return bytes;
    }

    private List<WeightUnit> allUnits() {
        List<WeightUnit> all = new ArrayList<>(layers);
        all.add(embedding);
        if (!config.tiedEmbeddings()) {
            all.add(output);
        }
        return all;
    }

    @Override
    public void close() {
        source.close();
    }
}
