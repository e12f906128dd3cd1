package dev.df11.format.model;

import dev.df11.format.safetensors.SafetensorsDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code --force} may replace: an empty folder, or a model folder, that is one with a regular
 * {@code config.json} and at least one regular {@code *.safetensors} file (or a shard index) beside it: what df11,
 * the official DFloat11 code and Hugging Face write. Anything else (a file, a folder of other things) is refused, so a
 * mistyped output path never costs the user data. A symbolic link is judged by the folder it points to; replacing it
 * replaces the link, never the folder behind it.
 */
final class ReplaceableFolder {

    private ReplaceableFolder() { }

    /** Throws, naming {@code target} and saying why, unless {@code target} may be replaced. */
    static void require(Path target) throws IOException {
        if (!Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "is a file, not a folder; --force "
                    + "replaces only an empty folder or a model folder (choose another output path, or remove the "
                    + "file yourself)");
        }
        if (!isEmpty(target) && !isModelFolder(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is neither empty nor a model "
                    + "folder (no config.json beside .safetensors files); --force replaces only those, so nothing "
                    + "was written (choose another output folder, or empty this one yourself)");
        }
    }

    /** Whether {@code dir} holds a regular config.json and a regular *.safetensors file or shard index. */
    static boolean isModelFolder(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(ModelFolder.CONFIG))) {
            return false;
        }
        if (Files.isRegularFile(dir.resolve(SafetensorsDirectory.INDEX_FILE))) {
            return true;
        }
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, "*.safetensors")) {
            for (Path p : shards) {
                if (Files.isRegularFile(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
