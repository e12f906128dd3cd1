package dev.df11.format.model;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output folder built under a hidden temporary sibling ({@code .<name>.partial-XXXX}) and renamed to its real
 * name only by {@link #commit()}. Closing an uncommitted staging folder deletes it (and the parent folders it had to
 * create), and so does a JVM shutdown (for instance Ctrl-C) that interrupts the work, so a failed or interrupted run
 * never leaves a folder that looks finished.
 *
 * <p>A run that is killed outright ({@code kill -9}, a JVM crash, a power cut) cannot clean up. So each staging folder
 * has a lock file beside it ({@code .<name>.partial-XXXX.lock}, see {@link StaleStaging}), held for as long as the
 * folder exists; the next staging folder created in the same parent removes the partial folders whose lock no one
 * holds any more.
 *
 * <p>Replacing: an existing target is replaced only when allowed and only when it is an empty folder or a model folder
 * (see {@link ReplaceableFolder}); anything else is refused, checked now and again at commit.
 */
public final class StagingDirectory implements AutoCloseable {

    private final Path target;
    private final Path staging;
    private final StaleStaging.Lock lock;
    private final boolean replaceExisting;
    private final List<Path> removedStale;
    /** Parent folders this run created, deepest first: removed again (when empty) if the run fails. */
    private final List<Path> createdParents;
    private final Thread cleanupHook;
    private boolean committed;
    private boolean closed;

    private StagingDirectory(Path target, Path staging, StaleStaging.Lock lock, boolean replaceExisting,
            List<Path> removedStale, List<Path> createdParents) {
        this.target = target;
        this.staging = staging;
        this.lock = lock;
        this.replaceExisting = replaceExisting;
        this.removedStale = List.copyOf(removedStale);
        this.createdParents = List.copyOf(createdParents);
        this.cleanupHook = new Thread(() -> {
            deleteQuietly(staging);
            lock.releaseAndDelete();
            deleteEmpty(this.createdParents);
        }, "df11-staging-cleanup");
    }

    /**
     * Creates the staging folder beside {@code target}, first removing abandoned partial folders of killed runs from
     * the same parent.
     *
     * @param replaceExisting when false, an existing {@code target} is an error (checked now and again at commit);
     *                        when true, only an empty folder or a model folder may be replaced
     * @throws FileAlreadyExistsException when {@code target} exists and may not be replaced
     */
    public static StagingDirectory create(Path target, boolean replaceExisting) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        if (absolute.getParent() == null) {
            throw new IOException(target + ": cannot write a model folder at the file system root");
        }
        ModelPaths.requireFolderParent(target, absolute.getParent());
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            if (!replaceExisting) {
                throw new FileAlreadyExistsException(target.toString(), null,
                        "already exists (use --force to replace it)");
            }
            ReplaceableFolder.require(target);
        }
        List<Path> createdParents = new java.util.ArrayList<>();
        for (Path p = absolute.getParent(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
                p = p.getParent()) {
            createdParents.add(p);
        }
        Files.createDirectories(absolute.getParent());
        List<Path> removed = StaleStaging.sweep(absolute.getParent());
        for (int attempt = 0; ; attempt++) {
            String name = "." + absolute.getFileName() + StaleStaging.PARTIAL
                    + Long.toHexString(ThreadLocalRandom.current().nextLong());
            Path staging = absolute.resolveSibling(name);
            StaleStaging.Lock lock = StaleStaging.Lock.acquire(staging);
            if (lock == null) {
                if (attempt < 3) {
                    continue;   // another run's sweep grabbed the fresh lock file; take another name
                }
                throw new IOException(staging + ": could not lock a new staging folder");
            }
            try {
                // createDirectory, not createTempDirectory: the folder gets the usual permissions (umask), not owner-only
                Files.createDirectory(staging);
            } catch (IOException | RuntimeException e) {
                lock.releaseAndDelete();
                deleteEmpty(createdParents);
                throw e;
            }
            StagingDirectory dir = new StagingDirectory(absolute, staging, lock, replaceExisting, removed,
                    createdParents);
            Runtime.getRuntime().addShutdownHook(dir.cleanupHook);
            return dir;
        }
    }

    /** Where to write the folder's files. */
    public Path path() {
        return staging;
    }

    /** The final folder. */
    public Path target() {
        return target;
    }

    /** Partial folders of killed runs that {@link #create} removed from the parent. */
    public List<Path> removedStale() {
        return removedStale;
    }

    /** Moves the finished folder into place, replacing an existing one if that was allowed. */
    public void commit() throws IOException {
        if (committed || closed) {
            throw new IllegalStateException("staging folder already committed or closed: " + staging);
        }
        Path old = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (!replaceExisting) {
                throw new FileAlreadyExistsException(target.toString(), null, "appeared while writing; not replaced");
            }
            ReplaceableFolder.require(target);
            // named after the staging folder, so that a sweep removes it with the lock file if this run dies now
            old = StaleStaging.replacedOf(staging);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        removeHook();
        try {
            if (old != null) {
                deleteRecursively(old);
            }
        } finally {
            lock.releaseAndDelete();
        }
    }

    /** Deletes the staging folder unless it was committed. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed) {
            try {
                deleteRecursively(staging);
            } finally {
                lock.releaseAndDelete();
                deleteEmpty(createdParents);
                removeHook();
            }
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; nothing to remove
        }
    }

    /** Deletes the folders in order while they are empty: a failed run leaves no new empty parents behind. */
    private static void deleteEmpty(List<Path> folders) {
        for (Path p : folders) {
            try {
                Files.delete(p);
            } catch (IOException notEmptyOrGone) {
                return;
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteRecursively(dir);
        } catch (IOException ignored) {
            // best effort while the JVM exits; the hidden .partial name still marks the folder as unfinished
        }
    }

    /** Deletes a file or a folder tree (symbolic links are removed, not followed). */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
