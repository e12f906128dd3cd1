package dev.df11.format.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves staging folders abandoned and removes them.
 *
 * <p>Every staging folder {@code .<name>.partial-<hex>} is created only after its lock file
 * {@code .<name>.partial-<hex>.lock} has been created and locked ({@link FileChannel#tryLock()}, an advisory
 * {@code fcntl} lock on Linux), and the lock is released only after the folder is renamed or deleted. The operating
 * system drops a process's locks when it dies, however it dies, so a partial folder whose lock file exists and can be
 * locked by someone else belongs to a dead run: {@link #sweep} deletes it, and {@code .<name>.partial-<hex>.old},
 * the output that run was replacing when it died (it had been told to replace it), unless {@code <name>} is missing:
 * then the run died between its two renames, and the old output is moved back. A partial folder without a lock file (from
 * an older df11) is never touched, nor is one whose lock cannot be tested (a file system without locks).
 *
 * <p>Within one JVM the lock cannot prove anything (and opening and closing another channel on a locked file would
 * release the lock, see {@link FileLock}), so the staging folders of this JVM are kept in {@link #LIVE} and skipped.
 */
final class StaleStaging {

    /** Infix of staging folder names. */
    static final String PARTIAL = ".partial-";
    static final String LOCK_SUFFIX = ".lock";
    static final String OLD_SUFFIX = ".old";

    /** A staging folder, its lock file, or the folder its run is replacing; group 1 is the staging folder's name. */
    private static final Pattern ENTRY_NAME = Pattern.compile("(\\..+\\.partial-[0-9a-f]+)(\\.lock|\\.old)?");
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private StaleStaging() { }

    /** The held lock of a live staging folder. */
    static final class Lock {
        private final Path folder;
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(Path folder, Path file, FileChannel channel, FileLock lock) {
            this.folder = folder;
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        /**
         * Creates and locks the lock file of the staging folder {@code folder} (before the folder exists).
         *
         * @return null when a sweep of another process locked the new file first (take another name)
         */
        static Lock acquire(Path folder) throws IOException {
            Path file = lockFileOf(folder);
            Path key = folder.toAbsolutePath().normalize();
            LIVE.add(key);      // first, so that no sweep of this JVM opens (and by closing, unlocks) the file
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = tryLock(channel);
                } catch (IOException unsupported) {
                    // no locks on this file system: without a lock file the folder is never swept, which is safe
                    channel.close();
                    Files.deleteIfExists(file);
                    return new Lock(folder, null, null, null);
                }
                if (lock == null) {
                    channel.close();
                    LIVE.remove(key);
                    return null;
                }
                channel.write(ByteBuffer.wrap(("df11 staging folder of process " + ProcessHandle.current().pid()
                        + "; removed by the next df11 run into this folder once that process is gone\n")
                        .getBytes(StandardCharsets.UTF_8)));
                return new Lock(folder, file, channel, lock);
            } catch (IOException | RuntimeException e) {
                LIVE.remove(key);
                if (channel != null) {
                    channel.close();
                    Files.deleteIfExists(file);
                }
                throw e;
            }
        }

        /** Releases the lock and deletes its file; call once the folder is renamed or deleted. */
        void releaseAndDelete() {
            LIVE.remove(folder.toAbsolutePath().normalize());
            if (file == null) {
                return;
            }
            try {
                Files.deleteIfExists(file);     // delete while still locked: no sweep can take it for a dead run's
            } catch (IOException ignored) {
                // a leftover lock file without its folder is removed by the next sweep
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel drops the lock in any case
            }
        }
    }

    /** The lock file of a staging folder. */
    static Path lockFileOf(Path stagingFolder) {
        return stagingFolder.resolveSibling(stagingFolder.getFileName() + LOCK_SUFFIX);
    }

    /** The output a staging folder {@code .<name>.partial-<hex>} is for: {@code <name>}. */
    static Path targetOf(Path stagingFolder) {
        String name = stagingFolder.getFileName().toString();
        return stagingFolder.resolveSibling(name.substring(1, name.lastIndexOf(PARTIAL)));
    }

    /** The folder a replaced output is moved to while its staging folder takes its place. */
    static Path replacedOf(Path stagingFolder) {
        return stagingFolder.resolveSibling(stagingFolder.getFileName() + OLD_SUFFIX);
    }

    /**
     * Deletes the abandoned staging folders in {@code parent}, with the replaced outputs ({@code .old}) and lock files
     * of their runs.
     *
     * @return the folders deleted
     */
    static List<Path> sweep(Path parent) throws IOException {
        Set<Path> bases = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, ".*" + PARTIAL + "*")) {
            for (Path p : entries) {
                Matcher m = ENTRY_NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    bases.add(p.resolveSibling(m.group(1)));
                }
            }
        } catch (NoSuchFileException gone) {
            return List.of();
        }
        List<Path> removed = new ArrayList<>();
        for (Path base : bases) {
            removed.addAll(removeIfAbandoned(base));
        }
        return removed;
    }

    /**
     * Deletes the staging folder {@code folder}, its {@code .old} and its lock file when the lock file exists and no
     * one holds it; returns the folders deleted.
     */
    private static List<Path> removeIfAbandoned(Path folder) throws IOException {
        if (LIVE.contains(folder.toAbsolutePath().normalize())) {
            return List.of();
        }
        Path lockFile = lockFileOf(folder);
        if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();                   // no proof either way: leave it
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException finishedMeanwhile) {
            return List.of();
        }
        try (channel) {
            FileLock lock;
            try {
                lock = tryLock(channel);
            } catch (IOException noLocks) {
                return List.of();
            }
            if (lock == null) {
                return List.of();               // its run is alive
            }
            List<Path> removed = new ArrayList<>();
            Path replaced = replacedOf(folder);
            Path target = targetOf(folder);
            if (Files.isDirectory(replaced, LinkOption.NOFOLLOW_LINKS)
                    && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // died between moving the old output aside and moving the new one in: put the old one back
                Files.move(replaced, target, StandardCopyOption.ATOMIC_MOVE);
            }
            for (Path dir : List.of(folder, replaced)) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    StagingDirectory.deleteRecursively(dir);
                    removed.add(dir);
                }
            }
            Files.deleteIfExists(lockFile);
            return removed;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }
}
