package dev.df11.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Write failures name the file (issue 11: "disk full names no path"). {@code FileChannel.write}, which writes every
 * shard ({@link SafetensorsWriter}), reports a full disk as a bare {@code IOException("No space left on device")};
 * the config.json path through {@code /dev/full} is tested in ModelFolderTest.
 */
class WriteFailuresTest {

    private static final Path SHARD = Path.of("/models/out/model-00001-of-00002.safetensors");

    @Test
    void fullDiskDuringAShardWriteNamesTheShardAndSaysWhatToDo() {
        IOException bare = new IOException("No space left on device");
        IOException named = WriteFailures.named(SHARD, bare);
        FileSystemException f = assertInstanceOf(FileSystemException.class, named);
        assertEquals(SHARD.toString(), f.getFile());
        assertEquals(SHARD + ": cannot write: No space left on device (free some space, or write the output to"
                + " another disk)", f.getMessage());
        assertSame(bare, f.getCause());
    }

    @Test
    void quotaExceededGetsTheSameAdvice() {
        IOException named = WriteFailures.named(SHARD, new IOException("Disk quota exceeded"));
        assertTrue(named.getMessage().startsWith(SHARD + ": cannot write: Disk quota exceeded"), named.getMessage());
        assertTrue(named.getMessage().endsWith("(free some space, or write the output to another disk)"),
                named.getMessage());
    }

    @Test
    void otherFailuresAreNamedWithoutAdvice() {
        IOException named = WriteFailures.named(SHARD, new IOException("Input/output error"));
        assertEquals(SHARD + ": cannot write: Input/output error", named.getMessage());
        assertEquals(SHARD + ": cannot write: IOException", WriteFailures.named(SHARD, new IOException()).getMessage());
    }

    @Test
    void anErrorThatAlreadyNamesAFileIsKept() {
        NoSuchFileException already = new NoSuchFileException("/models/out");
        assertSame(already, WriteFailures.named(SHARD, already));
    }
}
