package dev.df11.runtime.weights;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain BF16 weights used where they lie: every matrix is a slice of the memory-mapped safetensors files, never
 * copied to the heap. Shapes and dtypes of every tensor the forward pass reads are checked when the store opens.
 */
public final class Bf16WeightStore implements WeightStore {

    private final ModelConfig config;
    private final TensorSource source;
    private final PlainUnits plain;
    private final WeightUnit embedding;
    private final List<WeightUnit> layers = new ArrayList<>();
    private final WeightUnit output;
    private final Map<String, MemorySegment> vectors = new HashMap<>();

    public Bf16WeightStore(ModelConfig config, TensorSource source) {
        this.config = config;
        this.source = source;
        ModelLayout layout = new ModelLayout(config);
        layout.checkTensorNames(source.names(), source.location());
        this.plain = new PlainUnits(layout, source);
        this.embedding = plain.unit("model.embed_tokens", List.of(ModelLayout.EMBEDDING));
        for (int layer = 0; layer < config.layerCount(); layer++) {
            layers.add(plain.unit("model.layers." + layer, layout.layerMatrixNames(layer)));
        }
        this.output = config.tiedEmbeddings() ? embedding : plain.unit("lm_head", List.of(ModelLayout.OUTPUT));
        for (String name : layout.vectorTensors()) {
            vectors.put(name, source.tensor(name).asVector(layout.vectorLength(name)));
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public String kind() {
        return "BF16";
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
        return plain.weights(unit);
    }

    @Override
    public MemorySegment embeddingRows(int[] tokens) {
        return copyRows(plain.weights(embedding).matrix(ModelLayout.EMBEDDING), tokens);
    }

    /** Rows {@code tokens} of a plain embedding matrix, copied into a fresh packed segment. */
    static MemorySegment copyRows(Bf16Matrix table, int[] tokens) {
        int dim = table.cols();
        MemorySegment rows = MemorySegment.ofArray(new short[tokens.length * dim]);
        for (int i = 0; i < tokens.length; i++) {
            long row = checkToken(tokens[i], table.rows());
            rows.asSlice(2L * i * dim, 2L * dim).copyFrom(table.data().asSlice(2 * row * dim, 2L * dim));
        }
        return rows;
    }

    static int checkToken(int token, int vocabulary) {
        if (token < 0 || token >= vocabulary) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary 0.." + (vocabulary - 1));
        }
        return token;
    }

    @Override
    public long residentWeightBytes() {
        long bytes = 0;
        for (MemorySegment vector : vectors.values()) {
            bytes += vector.byteSize();
        }
        bytes += embedding.elementCount() * 2;
        for (WeightUnit layer : layers) {
            bytes += layer.elementCount() * 2;
        }
        if (output != embedding) {
            bytes += output.elementCount() * 2;
        }
        return bytes;
    }

    @Override
    public void close() {
        source.close();
    }
}
