package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirectoryTest {

    @TempDir
    Path tmp;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void buildsInAHiddenSiblingAndRenamesOnCommit() throws IOException {
        Path target = tmp.resolve("model");
        try (StagingDirectory staging = StagingDirectory.create(target, false)) {
            assertTrue(staging.path().getFileName().toString().startsWith(".model.partial-"));
            Files.writeString(staging.path().resolve("a.txt"), "x");
            assertFalse(Files.exists(target));
            staging.commit();
        }
        assertEquals(List.of("model"), names());
        assertEquals("x", Files.readString(target.resolve("a.txt")));
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("model"), false)) {
            Files.createDirectories(staging.path().resolve("sub"));
            Files.writeString(staging.path().resolve("sub/a.txt"), "x");
        }
        assertEquals(List.of(), names());
    }

    @Test
    void replacesOnlyWhenAllowed() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("model"));
        Files.writeString(target.resolve("old.txt"), "old");
        assertThrows(FileAlreadyExistsException.class, () -> StagingDirectory.create(target, false));
        try (StagingDirectory staging = StagingDirectory.create(target, true)) {
            Files.writeString(staging.path().resolve("new.txt"), "new");
            staging.commit();
        }
        assertEquals(List.of("model"), names());
        assertFalse(Files.exists(target.resolve("old.txt")));
        assertTrue(Files.exists(target.resolve("new.txt")));
    }

    @Test
    void refusesATargetThatAppearedMeanwhile() throws IOException {
        Path target = tmp.resolve("model");
        try (StagingDirectory staging = StagingDirectory.create(target, false)) {
            Files.createDirectory(target);
            assertThrows(FileAlreadyExistsException.class, staging::commit);
        }
        assertEquals(List.of("model"), names());
    }
}
