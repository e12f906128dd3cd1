package dev.df11.runtime.testmodels;

import dev.df11.format.model.CompressOptions;
import dev.df11.format.model.Df11Compressor;
import dev.df11.format.model.ProgressListener;
import dev.df11.runtime.llama2c.Llama2cImporter;
import dev.df11.runtime.llama2c.Stories15M;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Model folders shared by the runtime tests: stories15M imported to a Hugging Face BF16 folder once per JVM (the
 * import takes a few seconds) and compressed to DF11 by the container's compressor, in a temporary folder removed
 * when the JVM exits.
 */
public final class TestModels {

    private static Path root;
    private static Path stories15M;
    private static Path stories15MDf11;

    private TestModels() {
    }

    /** stories15M as a BF16 Llama folder (skips, or fails under CI, when the model is not cached). */
    public static synchronized Path stories15M() throws IOException {
        Path model = Stories15M.model();
        if (stories15M == null) {
            Path out = root().resolve("stories15M-bf16");
            Llama2cImporter.importModel(model, Stories15M.tokenizer(), out, false, null);
            stories15M = out;
        }
        return stories15M;
    }

    /** stories15M compressed to a DF11 folder by the container's compressor. */
    public static synchronized Path stories15MDf11() throws IOException {
        if (stories15MDf11 == null) {
            stories15MDf11 = compress(stories15M());
        }
        return stories15MDf11;
    }

    /** A BF16 folder compressed to a new DF11 folder beside it (automatic Llama-family units). */
    public static Path compress(Path bf16Dir) throws IOException {
        Path out = newFolder("df11").resolve("model");
        Df11Compressor.compress(bf16Dir, out, CompressOptions.defaults().withThreads(2), ProgressListener.NONE);
        return out;
    }

    /** A fresh folder under the shared temporary root. */
    public static synchronized Path newFolder(String prefix) throws IOException {
        return Files.createTempDirectory(root(), prefix);
    }

    private static Path root() throws IOException {
        if (root == null) {
            root = Files.createTempDirectory("df11-runtime-tests");
            Path created = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(created)));
        }
        return root;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
