package dev.df11.format.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Files that change under their memory map.
 *
 * <p>df11 reads weights through read-only memory maps. When another program truncates a mapped file, touching a page
 * past its new end raises SIGBUS. HotSpot turns that into {@code InternalError: a fault occurred in an unsafe memory
 * access operation} for reads by Java code (plain {@code MemorySegment} accesses and copies, on any tier), and
 * {@code FileChannel.write} from such a page fails with an {@code IOException} ("Bad address"); but a fault in a
 * C2-compiled Vector API load ({@code ByteVector.fromMemorySegment}) kills the JVM, so df11's codec never points a
 * vector load at a mapped segment (see the decoder's word merge).
 *
 * <p>{@link #guard} runs a job and, when it fails, checks the files mapped meanwhile (each {@link SafetensorsFile}
 * reports itself through {@link #opened}): when one of them changed size since it was mapped, the failure is
 * replaced by a {@link MappedFileChangedException} naming the file. {@link #check} tells whether one file still has
 * the size and identity it had when mapped; writers call it before declaring their output complete.
 */
public final class MappedFiles {

    /** A file as it was when mapped: its size and its identity (inode), to tell a truncation from a replacement. */
    public record Snapshot(Path path, long size, Object fileKey) {

        /** Takes the snapshot of {@code file} now. */
        public static Snapshot of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Snapshot(file, a.size(), a.fileKey());
        }
    }

    /** A job that may throw {@code E}. */
    @FunctionalInterface
    public interface Job<T, E extends Exception> {
        T run() throws E;
    }

    private static final ThreadLocal<List<Snapshot>> OPENED = new ThreadLocal<>();

    private MappedFiles() { }

    /**
     * Runs {@code job}; when it throws and a file mapped by this thread during the job has changed size meanwhile,
     * throws a {@link MappedFileChangedException} naming that file instead (the original failure as its cause).
     * Guards nest.
     */
    public static <T, E extends Exception> T guard(Job<T, E> job) throws E, MappedFileChangedException {
        List<Snapshot> outer = OPENED.get();
        List<Snapshot> mine = new ArrayList<>();
        OPENED.set(mine);
        try {
            return job.run();
        } catch (Exception | InternalError e) {
            for (Snapshot s : mine) {
                MappedFileChangedException changed = check(s, e);
                if (changed != null) {
                    throw changed;
                }
            }
            throw e;
        } finally {
            if (outer == null) {
                OPENED.remove();
            } else {
                outer.addAll(mine);
                OPENED.set(outer);
            }
        }
    }

    /** Records a file mapped by this thread, for the enclosing {@link #guard} if any. */
    public static void opened(Snapshot file) {
        List<Snapshot> list = OPENED.get();
        if (list != null) {
            list.add(Objects.requireNonNull(file));
        }
    }

    /**
     * Whether the file of {@code s} has changed size since the snapshot: null when it has not (or when the path now
     * names another file, or none: the mapping still holds the old file, whole), else the error to report.
     */
    public static MappedFileChangedException check(Snapshot s, Throwable cause) {
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(s.path(), BasicFileAttributes.class);
        } catch (IOException deletedOrUnreadable) {
            return null;
        }
        if (s.fileKey() != null && !s.fileKey().equals(now.fileKey())) {
            return null;
        }
        return now.size() == s.size() ? null : new MappedFileChangedException(s.path(), s.size(), now.size(), cause);
    }
}
