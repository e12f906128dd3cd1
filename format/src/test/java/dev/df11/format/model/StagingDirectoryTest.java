package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
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
        Files.writeString(target.resolve("config.json"), "{}");
        Files.writeString(target.resolve("model.safetensors"), "");
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

    @Test
    void failedRunRemovesTheParentFoldersItCreated() throws IOException {
        Files.createDirectory(tmp.resolve("models"));
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("models/new/deeper/model"), false)) {
            assertTrue(Files.isDirectory(tmp.resolve("models/new/deeper")));
        }
        assertEquals(List.of("models"), names());
        try (var s = Files.list(tmp.resolve("models"))) {
            assertEquals(0, s.count());
        }
    }

    // --force replaces only a model folder or an empty one

    @Test
    void forceRefusesAFolderThatIsNotAModelFolder() throws IOException {
        Path important = Files.createDirectories(tmp.resolve("victim/important"));
        Files.writeString(important.resolve("thesis.tex"), "years of work");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> StagingDirectory.create(important, true));
        assertEquals(important.toString(), e.getFile());
        assertTrue(e.getReason().contains("neither empty nor a model folder"), e.getReason());
        assertEquals("years of work", Files.readString(important.resolve("thesis.tex")));
        assertEquals(List.of("victim"), names());
    }

    @Test
    void forceRefusesAFolderWithConfigJsonButNoWeights() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("model"));
        Files.writeString(dir.resolve("config.json"), "{}");
        assertThrows(FileAlreadyExistsException.class, () -> StagingDirectory.create(dir, true));
        assertTrue(Files.exists(dir.resolve("config.json")));
    }

    @Test
    void forceRefusesAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("model"), "not a folder");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> StagingDirectory.create(file, true));
        assertTrue(e.getReason().startsWith("is a file, not a folder"), e.getReason());
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void forceReplacesAnEmptyFolder() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("model"));
        try (StagingDirectory staging = StagingDirectory.create(target, true)) {
            Files.writeString(staging.path().resolve("new.txt"), "new");
            staging.commit();
        }
        assertEquals(List.of("model"), names());
        assertTrue(Files.exists(target.resolve("new.txt")));
    }

    @Test
    void forceRefusesATargetThatBecameSomethingElseBeforeCommit() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("model"));
        try (StagingDirectory staging = StagingDirectory.create(target, true)) {
            Files.writeString(target.resolve("notes.txt"), "written meanwhile");
            assertThrows(FileAlreadyExistsException.class, staging::commit);
        }
        assertEquals(List.of("model"), names());
        assertEquals("written meanwhile", Files.readString(target.resolve("notes.txt")));
    }

    @Test
    void forceThroughASymbolicLinkReplacesTheLinkNotTheFolderBehindIt() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Files.writeString(real.resolve("config.json"), "{}");
        Files.writeString(real.resolve("model.safetensors"), "");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        try (StagingDirectory staging = StagingDirectory.create(link, true)) {
            staging.commit();
        }
        assertFalse(Files.isSymbolicLink(link));
        assertTrue(Files.exists(real.resolve("config.json")), "the folder behind the link is untouched");
    }

    @Test
    void outputInsideAFileNamesTheFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> StagingDirectory.create(file.resolve("out"), false));
        assertEquals(file.toString(), e.getFile());
        assertTrue(e.getReason().startsWith("is a file, so the output folder"), e.getReason());
        assertEquals(List.of("notes.txt"), names());
    }

    // partial folders of killed runs

    @Test
    void leavesALockFileBesideTheStagingFolderAndRemovesItWithTheFolder() throws IOException {
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("model"), false)) {
            Path lock = StaleStaging.lockFileOf(staging.path());
            assertTrue(Files.isRegularFile(lock));
            assertTrue(Files.readString(lock).contains("process " + ProcessHandle.current().pid()));
        }
        assertEquals(List.of(), names());
    }

    @Test
    void partialFolderOfAKilledRunIsRemovedByTheNextRunIntoTheSameParent() throws Exception {
        ChildJvm.Running child = ChildJvm.start(tmp, List.of(), StagingChild.class, "die", tmp.resolve("a"));
        Path leftover = Path.of(child.readLine());
        ChildJvm.Result result = child.finish();
        assertEquals(137, result.exitCode(), result.output());
        assertTrue(Files.isDirectory(leftover), "the killed run could not clean up");
        assertTrue(Files.exists(StaleStaging.lockFileOf(leftover)));
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("b"), false)) {
            assertEquals(List.of(leftover), staging.removedStale());
            assertFalse(Files.exists(leftover));
            assertFalse(Files.exists(StaleStaging.lockFileOf(leftover)));
        }
        assertEquals(List.of(), names());
    }

    @Test
    void partialFolderOfALiveProcessIsKept() throws Exception {
        ChildJvm.Running child = ChildJvm.start(tmp, List.of(), StagingChild.class, "hold", tmp.resolve("a"));
        try {
            Path live = Path.of(child.readLine());
            try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("b"), false)) {
                assertEquals(List.of(), staging.removedStale());
            }
            assertTrue(Files.isDirectory(live));
            ChildJvm.Result result = child.finish();
            assertEquals(0, result.exitCode(), result.output());
            assertFalse(Files.exists(live), "the live run cleaned up after itself");
        } finally {
            child.kill();
        }
        assertEquals(List.of(), names());
    }

    @Test
    void partialFolderOfThisJvmIsKept() throws IOException {
        try (StagingDirectory first = StagingDirectory.create(tmp.resolve("a"), false);
                StagingDirectory second = StagingDirectory.create(tmp.resolve("b"), false)) {
            assertEquals(List.of(), second.removedStale());
            assertTrue(Files.isDirectory(first.path()));
        }
    }

    @Test
    void partialFolderWithoutALockFileIsKept() throws IOException {
        Path old = Files.createDirectory(tmp.resolve(".model.partial-0123abcd"));
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("model"), false)) {
            assertEquals(List.of(), staging.removedStale());
        }
        assertTrue(Files.isDirectory(old), "without a lock file nothing proves it abandoned");
    }

    @Test
    void lookalikesOfPartialFoldersAreNeverTouched() throws IOException {
        Path notHex = Files.createDirectory(tmp.resolve(".model.partial-mine"));
        Files.writeString(tmp.resolve(".model.partial-mine.lock"), "");
        Path visible = Files.createDirectory(tmp.resolve("model.partial-00ff"));
        Files.writeString(tmp.resolve("model.partial-00ff.lock"), "");
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("model"), false)) {
            assertEquals(List.of(), staging.removedStale());
        }
        assertTrue(Files.isDirectory(notHex));
        assertTrue(Files.isDirectory(visible));
    }

    @Test
    void outputBeingReplacedWhenItsRunWasKilledIsRemovedWithTheRest() throws IOException {
        // killed after moving the old output aside and the new one into place, while deleting the old one
        Path replaced = Files.createDirectory(tmp.resolve(".model.partial-00aa.old"));
        Files.writeString(replaced.resolve("config.json"), "{}");
        Files.writeString(tmp.resolve(".model.partial-00aa.lock"), "");
        Files.createDirectory(tmp.resolve("model"));
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("other"), false)) {
            assertEquals(List.of(replaced), staging.removedStale());
        }
        assertEquals(List.of("model"), names());
    }

    @Test
    void outputBeingReplacedWhenItsRunWasKilledBetweenTheRenamesIsPutBack() throws IOException {
        // killed after moving the old output aside, before moving the new one into place
        Path replaced = Files.createDirectory(tmp.resolve(".model.partial-00aa.old"));
        Files.writeString(replaced.resolve("config.json"), "{\"old\": true}");
        Path partial = Files.createDirectory(tmp.resolve(".model.partial-00aa"));
        Files.writeString(tmp.resolve(".model.partial-00aa.lock"), "");
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("other"), false)) {
            assertEquals(List.of(partial), staging.removedStale());
        }
        assertEquals(List.of("model"), names());
        assertEquals("{\"old\": true}", Files.readString(tmp.resolve("model/config.json")));
    }

    @Test
    void replacingLeavesNoTraceBesideTheNewOutput() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("model"));
        try (StagingDirectory staging = StagingDirectory.create(target, true)) {
            staging.commit();
        }
        assertEquals(List.of("model"), names());
    }

    @Test
    void lockFileLeftWithoutItsFolderIsRemoved() throws IOException {
        Path lock = Files.writeString(tmp.resolve(".model.partial-00ff.lock"), "");
        try (StagingDirectory staging = StagingDirectory.create(tmp.resolve("other"), false)) {
            assertFalse(Files.exists(lock));
        }
        assertThrows(NoSuchFileException.class, () -> Files.readString(lock));
    }
}
