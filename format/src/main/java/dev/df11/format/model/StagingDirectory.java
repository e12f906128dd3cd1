package dev.df11.format.model;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An output folder built under a hidden temporary sibling ({@code .<name>.partial-XXXX}) and renamed to its real
 * name only by {@link #commit()}. Closing an uncommitted staging folder deletes it, and so does a JVM shutdown (for
 * instance Ctrl-C) that interrupts the work, so a failed or interrupted run never leaves a folder that looks finished.
 */
public final class StagingDirectory implements AutoCloseable {

    private final Path target;
    private final Path staging;
    private final boolean replaceExisting;
    private final Thread cleanupHook;
    private boolean committed;
    private boolean closed;

    private StagingDirectory(Path target, Path staging, boolean replaceExisting) {
        this.target = target;
        this.staging = staging;
        this.replaceExisting = replaceExisting;
        this.cleanupHook = new Thread(() -> deleteQuietly(staging), "df11-staging-cleanup");
    }

    /**
     * Creates the staging folder beside {@code target}.
     *
     * @param replaceExisting when false, an existing {@code target} is an error (checked now and again at commit)
     * @throws FileAlreadyExistsException when {@code target} exists and may not be replaced
     */
    public static StagingDirectory create(Path target, boolean replaceExisting) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        if (absolute.getParent() == null) {
            throw new IOException(target + ": cannot write a model folder at the file system root");
        }
        if (Files.exists(absolute) && !replaceExisting) {
            throw new FileAlreadyExistsException(target.toString(), null, "already exists (use --force to replace it)");
        }
        Files.createDirectories(absolute.getParent());
        // createDirectory, not createTempDirectory: the folder gets the usual permissions (umask), not owner-only
        Path staging = Files.createDirectory(absolute.resolveSibling("." + absolute.getFileName() + ".partial-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())));
        StagingDirectory dir = new StagingDirectory(absolute, staging, replaceExisting);
        Runtime.getRuntime().addShutdownHook(dir.cleanupHook);
        return dir;
    }

    /** Where to write the folder's files. */
    public Path path() {
        return staging;
    }

    /** The final folder. */
    public Path target() {
        return target;
    }

    /** Moves the finished folder into place, replacing an existing one if that was allowed. */
    public void commit() throws IOException {
        if (committed || closed) {
            throw new IllegalStateException("staging folder already committed or closed: " + staging);
        }
        Path old = null;
        if (Files.exists(target)) {
            if (!replaceExisting) {
                throw new FileAlreadyExistsException(target.toString(), null, "appeared while writing; not replaced");
            }
            old = target.resolveSibling("." + target.getFileName() + ".old-" + Long.toHexString(System.nanoTime()));
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        removeHook();
        if (old != null) {
            deleteRecursively(old);
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
            deleteRecursively(staging);
            removeHook();
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; nothing to remove
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
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
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
