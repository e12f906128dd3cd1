package dev.df11.runtime.testmodels;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelConfigParser;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.weights.CompressedWeights;
import dev.df11.runtime.weights.Df11WeightStore;
import dev.df11.runtime.weights.SafetensorsTensorSource;
import dev.df11.runtime.weights.TensorSource;
import dev.df11.runtime.weights.WeightStores;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BF16 model folder compressed in memory with the codec's {@link Df11Encoder}, grouped as the official layout
 * groups Llama weights (one unit per layer, the embedding, lm_head): DF11 weights without a DF11 folder on disk.
 */
public final class InMemoryDf11 implements CompressedWeights {

    private final TensorSource plain;
    private final Map<String, Df11Unit> units = new HashMap<>();
    private final Map<String, Location> locations = new HashMap<>();

    private InMemoryDf11(ModelConfig config, TensorSource plain) {
        this.plain = plain;
        Df11Encoder encoder = new Df11Encoder(2);
        encode(encoder, "model.embed_tokens", List.of(ModelLayout.EMBEDDING));
        for (int layer = 0; layer < config.layerCount(); layer++) {
            encode(encoder, "model.layers." + layer, ModelLayout.layerMatrices(layer));
        }
        if (!config.tiedEmbeddings()) {
            encode(encoder, "lm_head", List.of(ModelLayout.OUTPUT));
        }
    }

    private void encode(Df11Encoder encoder, String unit, List<String> names) {
        List<MemorySegment> matrices = names.stream().map(n -> plain.tensor(n).data()).toList();
        units.put(unit, encoder.encode(unit, matrices));
        for (int i = 0; i < names.size(); i++) {
            locations.put(names.get(i), new Location(unit, i));
        }
    }

    /** A DF11 weight store over {@code bf16Dir}'s weights, compressed in memory. */
    public static Df11WeightStore store(Path bf16Dir, WeightStores.Df11Options options) throws IOException {
        ModelConfig config = ModelConfigParser.read(bf16Dir).withDf11(true);
        return new Df11WeightStore(config, new InMemoryDf11(config, SafetensorsTensorSource.open(bf16Dir)), options);
    }

    /** The compressed units, by name. */
    public Map<String, Df11Unit> units() {
        return units;
    }

    @Override
    public String location() {
        return plain.location() + " (compressed in memory)";
    }

    @Override
    public Optional<Location> locate(String weightName) {
        return Optional.ofNullable(locations.get(weightName));
    }

    @Override
    public Df11Unit unit(String unitName) {
        Df11Unit unit = units.get(unitName);
        if (unit == null) {
            throw new IllegalArgumentException("no unit " + unitName);
        }
        return unit;
    }

    @Override
    public TensorSource plainTensors() {
        return plain;
    }

    @Override
    public void close() {
        plain.close();
    }
}
