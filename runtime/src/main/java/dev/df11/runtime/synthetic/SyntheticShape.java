package dev.df11.runtime.synthetic;

import dev.df11.runtime.model.RopeScaling;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shapes {@code df11 synthetic} can write: two real Llama 3 sizes (same tensors and config as the published
 * models, random weights), a 44B Llama shape that fits an 80 GB GPU only in DF11, and a tiny one for tests.
 */
public enum SyntheticShape {
    TINY("tiny", 64, 176, 2, 4, 2, 512, 512, 10000.0, null, false),
    LLAMA_3_2_1B("llama-3.2-1b", 2048, 8192, 16, 32, 8, 128256, 131072, 500000.0,
            new RopeScaling(32, 1, 4, 8192), true),
    LLAMA_3_1_8B("llama-3.1-8b", 4096, 14336, 32, 32, 8, 128256, 131072, 500000.0,
            new RopeScaling(8, 1, 4, 8192), false),
    /**
     * A Llama-shaped model whose BF16 weights (~88 GB) exceed an 80 GB GPU while its DF11 weights (~61 GB) fit: the
     * case DFloat11 exists for (about 44B parameters; Llama 3.1 70B's width with 48 layers).
     */
    LLAMA_44B("llama-44b", 8192, 28672, 48, 64, 8, 128256, 131072, 500000.0,
            new RopeScaling(8, 1, 4, 8192), false);

    final String id;
    final int hidden;
    final int intermediate;
    final int layers;
    final int heads;
    final int kvHeads;
    final int vocab;
    final int maxPositions;
    final double ropeTheta;
    final RopeScaling ropeScaling;
    final boolean tiedEmbeddings;

    SyntheticShape(String id, int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab,
                   int maxPositions, double ropeTheta, RopeScaling ropeScaling, boolean tiedEmbeddings) {
        this.id = id;
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.vocab = vocab;
        this.maxPositions = maxPositions;
        this.ropeTheta = ropeTheta;
        this.ropeScaling = ropeScaling;
        this.tiedEmbeddings = tiedEmbeddings;
    }

    /** The name used on the command line, e.g. "llama-3.2-1b". */
    public String id() {
        return id;
    }

    int headDim() {
        return hidden / heads;
    }

    public static SyntheticShape byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown shape '" + id + "'; known: "
                        + String.join(", ", Arrays.stream(values()).map(SyntheticShape::id).toList())));
    }
}
