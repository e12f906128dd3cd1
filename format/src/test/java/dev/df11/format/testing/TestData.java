package dev.df11.format.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared test data lives: system property {@code df11.testdata}, else env {@code DF11_TESTDATA}. */
public final class TestData {

    private TestData() {
    }

    /** The shared test-data folder; fails clearly when it is missing. */
    public static Path dir() {
        String dir = System.getProperty("df11.testdata", System.getenv("DF11_TESTDATA"));
        Path path = Path.of(dir == null ? "../shared/testdata" : dir);
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("test data folder " + path.toAbsolutePath() + " is missing; set system"
                    + " property df11.testdata or env DF11_TESTDATA to shared/testdata");
        }
        return path;
    }

    /** The folder of test vectors from the official DFloat11 encoder. */
    public static Path officialDf11() {
        return dir().resolve("official-df11");
    }
}
