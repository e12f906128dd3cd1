package dev.df11.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files truncated or replaced under their memory map, read by Java code in this JVM (where a fault is an error). */
class MappedFileSafetyTest {

    private static final long BYTES = 1 << 20;

    @TempDir
    Path tmp;

    private Path writeFile(String name) throws IOException {
        Path file = tmp.resolve(name);
        new SafetensorsWriter().add("w", DType.U8, new long[] {BYTES}, Arena.ofAuto().allocate(BYTES)).write(file);
        return file;
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    @Test
    void fileTruncatedWhileMappedFailsTheReadWithAnErrorNamingIt() throws IOException {
        Path file = writeFile("model.safetensors");
        MappedFileChangedException e = assertThrows(MappedFileChangedException.class, () -> MappedFiles.guard(() -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                MemorySegment w = f.data("w");
                truncate(file, 4096);
                long sum = 0;
                for (long i = 0; i < w.byteSize(); i += 4096) {
                    sum += w.get(ValueLayout.JAVA_BYTE, i);     // faults past the new end: InternalError
                }
                return sum;
            }
        }));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": the file changed while df11 was reading it"), e.getMessage());
        assertTrue(e.getCause() instanceof InternalError, String.valueOf(e.getCause()));
    }

    @Test
    void fileTruncatedWhileMappedIsCaughtBeforeOutputIsDeclaredDone() throws IOException {
        Path file = writeFile("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            f.requireUnchanged();
            truncate(file, BYTES / 2);
            MappedFileChangedException e = assertThrows(MappedFileChangedException.class, f::requireUnchanged);
            assertEquals(file, e.file());
        }
    }

    @Test
    void fileReplacedByRenameIsNotAChange() throws IOException {
        Path file = writeFile("model.safetensors");
        Path other = writeFile("other.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            truncate(other, 100);
            Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
            f.requireUnchanged();   // the mapping still holds the old file, whole
            assertEquals(0, f.data("w").get(ValueLayout.JAVA_BYTE, BYTES - 1));
        }
    }

    @Test
    void failureWithNoChangedFileIsRethrownAsItIs() throws IOException {
        Path file = writeFile("model.safetensors");
        IllegalStateException bug = new IllegalStateException("a bug");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MappedFiles.guard(() -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                throw bug;
            }
        }));
        assertSame(bug, e);
    }

    @Test
    void fileDeletedWhileMappedIsNotAChange() throws IOException {
        Path file = writeFile("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Files.delete(file);
            f.requireUnchanged();
            assertNull(MappedFiles.check(MappedFiles.Snapshot.of(writeFile("x.safetensors")), null));
        }
    }
}
