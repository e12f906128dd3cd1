package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input/output separation check compares real paths. */
class ModelPathsTest {

    @TempDir
    Path tmp;

    @Test
    void outputAboveASymlinkedInputIsRefused() throws IOException {
        Path input = Files.createDirectories(tmp.resolve("proj/bf16"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), input);
        IOException e = assertThrows(IOException.class, () -> ModelPaths.requireSeparate(link, tmp.resolve("proj")));
        assertTrue(e.getMessage().contains("must not be, contain or lie inside the input " + link), e.getMessage());
        assertTrue(e.getMessage().contains("once symbolic links are followed"), e.getMessage());
    }

    @Test
    void outputThroughASymlinkToTheInputIsRefused() throws IOException {
        Path input = Files.createDirectories(tmp.resolve("bf16"));
        Path link = Files.createSymbolicLink(tmp.resolve("same"), input);
        assertThrows(IOException.class, () -> ModelPaths.requireSeparate(input, link));
        assertThrows(IOException.class, () -> ModelPaths.requireSeparate(input, link.resolve("new/out")));
    }

    @Test
    void separateFoldersPass() throws IOException {
        Path input = Files.createDirectories(tmp.resolve("bf16"));
        assertDoesNotThrow(() -> ModelPaths.requireSeparate(input, tmp.resolve("bf16-df11")));
        assertDoesNotThrow(() -> ModelPaths.requireSeparate(input, tmp.resolve("not/yet/there")));
    }

    @Test
    void realPathOfAMissingPathResolvesItsExistingPart() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertEquals(real.toRealPath().resolve("a/b"), ModelPaths.realPath(link.resolve("a/b")));
    }
}
