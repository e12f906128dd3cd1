package dev.df11.format.model;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Guards against writing a model folder over its own input, or where no folder can be. */
public final class ModelPaths {

    private ModelPaths() { }

    /**
     * Fails when {@code out} is {@code in}, or one lies inside the other, compared as real paths: a symbolic link
     * to the input (or to a folder above or inside it) is the input.
     */
    static void requireSeparate(Path in, Path out) throws IOException {
        Path a = realPath(in);
        Path b = realPath(out);
        if (a.startsWith(b) || b.startsWith(a)) {
            String through = a.equals(in.toAbsolutePath().normalize()) && b.equals(out.toAbsolutePath().normalize())
                    ? "" : " (" + (b.startsWith(a) ? b : a) + " once symbolic links are followed)";
            throw new IOException(out + ": the output folder must not be, contain or lie inside the input " + in
                    + through + "; choose an output folder elsewhere");
        }
    }

    /**
     * Fails when the input file {@code in} lies inside {@code out} (real paths): replacing {@code out} would delete
     * it.
     */
    public static void requireOutside(Path in, Path out) throws IOException {
        if (realPath(in).startsWith(realPath(out))) {
            throw new IOException(out + ": the output folder must not contain the input " + in
                    + " (replacing the folder would delete it); choose an output folder elsewhere");
        }
    }

    /**
     * The real path of {@code p}: its longest existing part resolved through symbolic links
     * ({@link Path#toRealPath}), the rest appended.
     */
    static Path realPath(Path p) throws IOException {
        Path existing = p.toAbsolutePath();
        Deque<Path> rest = new ArrayDeque<>();
        while (existing != null && !Files.exists(existing)) {
            if (existing.getFileName() != null) {
                rest.push(existing.getFileName());
            }
            existing = existing.getParent();
        }
        if (existing == null) {
            return p.toAbsolutePath().normalize();
        }
        Path real = existing.toRealPath();
        while (!rest.isEmpty()) {
            real = real.resolve(rest.pop());
        }
        return real.normalize();
    }

    /**
     * Fails, naming the culprit, when a folder cannot be created at {@code target} because its parent path runs
     * through something that is not a folder.
     */
    static void requireFolderParent(Path target, Path parent) throws IOException {
        for (Path p = parent; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new FileAlreadyExistsException(p.toString(), null, "is a file, so the output folder "
                            + target + " cannot be created inside it (choose an output path whose parent is a "
                            + "folder)");
                }
                return;
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(p.toString(), null, "is a broken symbolic link, so the output "
                        + "folder " + target + " cannot be created there (choose another output path)");
            }
        }
    }
}
