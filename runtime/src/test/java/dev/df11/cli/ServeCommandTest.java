package dev.df11.cli;

import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code df11 serve}'s options are checked before anything loads; each message names the option. */
class ServeCommandTest {

    private static void refused(String option, Object... args) {
        CliRun run = CliRun.of(args);
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains(option), run.toString());
        assertTrue(run.out().isEmpty(), run.toString());
    }

    @Test
    void maxBatchOfZeroIsRefused() throws Exception {
        refused("--max-batch", "serve", "--model", TestModels.stories15MDf11(), "--max-batch", "0");
    }

    @Test
    void maxQueueOfZeroIsRefused() throws Exception {
        refused("--max-queue", "serve", "--model", TestModels.stories15MDf11(), "--max-queue", "0");
    }

    @Test
    void portOutOfRangeIsRefused() throws Exception {
        refused("--port", "serve", "--model", TestModels.stories15MDf11(), "--port", "70000");
    }

    @Test
    void contextBeyondTheModelIsRefused() throws Exception {
        refused("--context", "serve", "--model", TestModels.stories15MDf11(), "--context", "100000");
    }

    @Test
    void emptyApiKeyIsRefused() throws Exception {
        refused("--api-key", "serve", "--model", TestModels.stories15MDf11(), "--api-key", " ");
    }

    @Test
    void modelWithoutATokenizerIsRefused() throws Exception {
        Path copy = TestModels.newFolder("no-tokenizer");
        try (var files = Files.list(TestModels.stories15MDf11())) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("tokenizer")) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        refused("tokenizer", "serve", "--model", copy, "--port", "0");
    }
}
