package dev.df11.bench.runtime;

import dev.df11.format.model.CompressOptions;
import dev.df11.format.model.Df11Compressor;
import dev.df11.format.model.ProgressListener;
import dev.df11.runtime.llama2c.Llama2cImporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Model folders for the runtime benchmarks. "stories15M-bf16" and "stories15M-df11" are built on the fly from the
 * cached llama2.c stories15M (env DF11_STORIES15M_DIR, else ~/.cache/df11/stories15M: run
 * scripts/fetch-stories15M.sh); any other value is a model folder path, e.g. one made by
 * {@code df11 synthetic --shape llama-3.2-1b} and {@code df11 compress}.
 */
final class BenchModels {

    private BenchModels() {
    }

    static Path resolve(String model, Path scratch) throws IOException {
        return switch (model) {
            case "stories15M-bf16" -> stories15M(scratch);
            case "stories15M-df11" -> {
                Path out = scratch.resolve("stories15M-df11");
                Df11Compressor.compress(stories15M(scratch), out, CompressOptions.defaults(), ProgressListener.NONE);
                yield out;
            }
            default -> Path.of(model);
        };
    }

    private static Path stories15M(Path scratch) throws IOException {
        Path out = scratch.resolve("stories15M-bf16");
        if (Files.exists(out)) {
            return out;
        }
        String env = System.getenv("DF11_STORIES15M_DIR");
        Path source = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "df11", "stories15M");
        if (!Files.isRegularFile(source.resolve("stories15M.bin"))) {
            throw new IOException("stories15M not found in " + source + " (run scripts/fetch-stories15M.sh)");
        }
        Llama2cImporter.importModel(source.resolve("stories15M.bin"), source.resolve("tokenizer.bin"), out, false, null);
        return out;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir != null && Files.exists(dir)) {
            dev.df11.format.model.StagingDirectory.deleteRecursively(dir);
        }
    }
}
