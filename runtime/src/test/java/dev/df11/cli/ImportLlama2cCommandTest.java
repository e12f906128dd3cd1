package dev.df11.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.runtime.llama2c.SyntheticCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportLlama2cCommandTest {

    @TempDir
    Path tmp;

    @Test
    void importsAndSummarises() throws IOException {
        Path bin = SyntheticCheckpoint.write(tmp.resolve("m.bin"), 16, 24, 2, 4, 4, 10, 8);
        Path tok = Files.write(tmp.resolve("tok.bin"), new byte[] {8, 0, 0, 0});
        Path out = tmp.resolve("hf");
        CliRun run = CliRun.of("import-llama2c", bin, tok, out);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("tensors: 20"), run.toString());
        try (SafetensorsDirectory st = SafetensorsDirectory.open(out)) {
            assertEquals(20, st.tensorNames().size());
        }
        CliRun again = CliRun.of("import-llama2c", "--no-progress", bin, tok, out);
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already exists (use --force"), again.toString());
        assertEquals(0, CliRun.of("import-llama2c", "--force", bin, tok, out).exitCode());
    }

    @Test
    void reportsBadInputWithoutStackTrace() throws IOException {
        Path bin = Files.write(tmp.resolve("broken.bin"), new byte[100]);
        Path tok = Files.write(tmp.resolve("tok.bin"), new byte[] {8, 0, 0, 0});
        CliRun run = CliRun.of("import-llama2c", bin, tok, tmp.resolve("hf"));
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("df11 import-llama2c: error: ") && run.err().contains("broken.bin"),
                run.toString());
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose");
        CliRun verbose = CliRun.of("import-llama2c", "-v", bin, tok, tmp.resolve("hf"));
        assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose");
        CliRun missing = CliRun.of("import-llama2c", tmp.resolve("nope.bin"), tok, tmp.resolve("hf"));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no such file or folder: ") && missing.err().contains("nope.bin"),
                missing.toString());
        assertFalse(Files.exists(tmp.resolve("hf")));
    }
}
