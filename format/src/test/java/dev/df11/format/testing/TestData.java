package dev.df11.format.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The format module's test data, kept in the repository ({@code format/src/test/data}) so that the tests pass on a
 * fresh clone with nothing beside it. Surefire runs in the module folder; the system property {@code df11.testdata}
 * (set by the pom to the same folder) lets a test run from elsewhere find it.
 */
public final class TestData {

    private TestData() {
    }

    /** The test-data folder; fails clearly when it is missing. */
    public static Path dir() {
        Path path = Path.of(System.getProperty("df11.testdata", "src/test/data"));
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("test data folder " + path.toAbsolutePath() + " is missing; run the"
                    + " tests from the format module (mvn -pl format test) or set system property df11.testdata"
                    + " to format/src/test/data");
        }
        return path;
    }

    /** The folder of test vectors from the official DFloat11 encoder. */
    public static Path officialDf11() {
        return dir().resolve("official-df11");
    }
}
