package dev.df11.runtime.llama2c;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the cached stories15M model (scripts/fetch-stories15M.sh): env DF11_STORIES15M_DIR, else the script's cache.
 * Missing model: the test fails under CI=true and is skipped locally.
 */
public final class Stories15M {

    private Stories15M() { }

    public static Path dir() {
        String env = System.getenv("DF11_STORIES15M_DIR");
        String cache = System.getenv().getOrDefault("DF11_CACHE", System.getProperty("user.home") + "/.cache/df11");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(cache, "stories15M");
        boolean present = Files.isRegularFile(dir.resolve("stories15M.bin"))
                && Files.isRegularFile(dir.resolve("tokenizer.bin"));
        if (!present) {
            String why = "stories15M not found in " + dir + " (run scripts/fetch-stories15M.sh)";
            // The test command (scripts/test.sh) names the folder: then a missing model is a failure, not a skip.
            if ("true".equals(System.getenv("CI")) || (env != null && !env.isBlank())) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        return dir;
    }

    public static Path model() {
        return dir().resolve("stories15M.bin");
    }

    public static Path tokenizer() {
        return dir().resolve("tokenizer.bin");
    }
}
