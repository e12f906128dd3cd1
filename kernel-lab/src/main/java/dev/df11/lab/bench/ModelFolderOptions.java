package dev.df11.lab.bench;

import dev.df11.runtime.synthetic.SyntheticShape;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The model folders a generation or serving benchmark runs, as options ({@code @Mixin}): {@code --bf16} and {@code
 * --df11} given together, or else the command's {@code --shape}, written and compressed once into {@code --work-dir}
 * ({@link BenchModels#synthetic}).
 */
final class ModelFolderOptions {

    @Option(names = "--work-dir", defaultValue = "bench-models",
            description = "Where the synthetic BF16 and DF11 folders are written once (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--bf16", description = "Use this BF16 folder instead of a synthetic one (needs --df11).")
    Path bf16;

    @Option(names = "--df11", description = "Use this DF11 folder instead of a synthetic one (needs --bf16).")
    Path df11;

    /** Whether folders were given, so that {@code --shape} plays no part. */
    boolean given() {
        return bf16 != null || df11 != null;
    }

    /** Refuses one of {@code --bf16}/{@code --df11} without the other, and an unknown {@code shape} when it is used. */
    void check(String shape) {
        if ((bf16 == null) != (df11 == null)) {
            throw new IllegalArgumentException("--bf16 and --df11 go together");
        }
        if (!given()) {
            SyntheticShape.byId(shape);   // an unknown --shape is refused with the known ones
        }
    }

    /** The folders given, else those of {@code shape} under {@code --work-dir}, written first where missing. */
    BenchModels resolve(String shape, int threads, PrintStream log) throws IOException {
        check(shape);
        return given() ? new BenchModels(bf16, df11) : BenchModels.synthetic(shape, workDir, threads, log);
    }
}
