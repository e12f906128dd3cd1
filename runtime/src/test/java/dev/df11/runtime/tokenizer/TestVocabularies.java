package dev.df11.runtime.tokenizer;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real vocabularies used by the tests are: cached outside the repository by {@code scripts/fetch-*.sh},
 * found through the environment that {@code scripts/test.sh} exports or the default cache folder. Locally a missing
 * vocabulary skips the test; under {@code CI=true} it fails, so a broken fetch cannot turn the suite green.
 */
public final class TestVocabularies {

    private TestVocabularies() {
    }

    /** The folder holding llama2.c's {@code tokenizer.bin} for stories15M. */
    public static Path stories15M() {
        return require("DF11_STORIES15M_DIR", "stories15M", "tokenizer.bin", "scripts/fetch-stories15M.sh");
    }

    /** The folder holding {@code tokenizer.json} and {@code tokenizer_config.json} of {@code name} (mistral, llama3, qwen3, gemma3, gemma2, cl100k). */
    public static Path huggingFace(String name) {
        Path root = require("DF11_TOKENIZERS_DIR", "tokenizers", name + "/tokenizer.json",
                "scripts/fetch-tokenizers.sh");
        return root.resolve(name);
    }

    private static Path require(String env, String cacheFolder, String file, String script) {
        String configured = System.getenv(env);
        Path dir;
        if (configured != null && !configured.isBlank()) {
            dir = Path.of(configured);
        } else {
            String cache = System.getenv("DF11_CACHE");
            dir = (cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "df11"))
                    .resolve(cacheFolder);
        }
        boolean present = Files.isRegularFile(dir.resolve(file));
        String message = dir.resolve(file) + " is missing: run " + script + " (or set " + env + ")";
        // The test command (scripts/test.sh) names the folder: then a missing file is a failure, not a skip.
        if ("true".equals(System.getenv("CI")) || (configured != null && !configured.isBlank())) {
            if (!present) {
                throw new AssertionError(message);
            }
        } else {
            Assumptions.assumeTrue(present, message);
        }
        return dir;
    }
}
