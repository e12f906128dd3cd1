package dev.df11.lab.bench;

import dev.df11.format.model.CompressOptions;
import dev.df11.format.model.Df11Compressor;
import dev.df11.format.model.ProgressListener;
import dev.df11.runtime.synthetic.SyntheticDf11Weights;
import dev.df11.runtime.synthetic.SyntheticModelWriter;
import dev.df11.runtime.synthetic.SyntheticShape;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The model folders a generation benchmark runs: a synthetic Llama-shaped BF16 folder (random N(0, 0.02) weights, the
 * real shapes) and its DF11 compression, made once in a work folder and reused by later runs.
 *
 * @param bf16 the BF16 folder
 * @param df11 the DF11 folder
 */
record BenchModels(Path bf16, Path df11) {

    /** The folders of {@code shapeId} under {@code workDir}, written first where missing. */
    static BenchModels synthetic(String shapeId, Path workDir, int threads, PrintStream log) throws IOException {
        SyntheticShape shape = SyntheticShape.byId(shapeId);
        Path bf16 = workDir.resolve(shape.id() + "-bf16");
        Path df11 = workDir.resolve(shape.id() + "-df11");
        if (!Files.isRegularFile(bf16.resolve("config.json"))) {
            log.printf("writing synthetic %s BF16 weights to %s ...%n", shape.id(), bf16);
            SyntheticModelWriter.write(shape, 0, bf16, true, threads, 5_000_000_000L, (bytes, tensor) -> { });
        }
        if (!Files.isRegularFile(df11.resolve("config.json"))) {
            log.printf("compressing %s to DF11 in %s ...%n", bf16, df11);
            Df11Compressor.compress(bf16, df11, CompressOptions.defaults().withThreads(threads)
                    .withReplaceExisting(true), ProgressListener.NONE);
        }
        return new BenchModels(bf16, df11);
    }

    /**
     * The in-memory DF11 model of {@code shapeId} (nothing made yet: the store makes it), with {@code distinct}
     * distinct layers (null: as many as fit 60% of the heap), refused with the setting to change when its units would
     * not fit the heap.
     */
    static SyntheticDf11Weights inMemory(String shapeId, Integer distinct, int threads, PrintStream log) {
        SyntheticShape shape = SyntheticShape.byId(shapeId);
        long heap = Runtime.getRuntime().maxMemory();
        int layers = distinct != null ? distinct : SyntheticDf11Weights.distinctLayersFitting(shape, (long) (0.6 * heap));
        SyntheticDf11Weights weights = SyntheticDf11Weights.of(shape, 0, layers, threads, log);
        if (weights.heapEstimate() > heap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--in-memory %s with %d distinct layers"
                    + " needs about %.1f GiB of heap, the JVM has %.1f GiB: raise it (bundle launchers: DF11_HEAP,"
                    + " e.g. DF11_HEAP=%dg) or give fewer --distinct-layers", shape.id(), layers,
                    weights.heapEstimate() / 1073741824.0, heap / 1073741824.0,
                    (long) Math.ceil(weights.heapEstimate() / 1073741824.0 * 1.25)));
        }
        log.printf(Locale.ROOT, "%s in memory: %d distinct of %d layers (host heap %.1f GiB)%n", shape.id(), layers,
                weights.config().layerCount(), heap / 1073741824.0);
        return weights;
    }
}
