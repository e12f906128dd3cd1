package dev.df11.format.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.df11.format.safetensors.SafetensorsDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The non-tensor parts of a Hugging Face style model folder: config.json and the small files beside it. */
public final class ModelFolder {

    /** The model configuration file. */
    public static final String CONFIG = "config.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ModelFolder() { }

    /** Parses {@code dir/config.json}, which must be a JSON object. */
    public static JsonNode readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            requireFolder(dir);
            throw new NoSuchFileException(file.toString(), null, "a model folder needs a config.json");
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Df11ModelException(file, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Df11ModelException(file, "not a JSON object");
        }
        return node;
    }

    /**
     * Checks that {@code dir} is a folder, so that a file or a missing path given as a model folder is reported as
     * such rather than as a missing {@code config.json} inside it.
     *
     * @throws Df11ModelException when {@code dir} is a file
     * @throws NoSuchFileException when nothing is at {@code dir}
     */
    public static void requireFolder(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            throw new Df11ModelException(dir, "is a file, not a model folder (give the folder that holds "
                    + "config.json and the .safetensors files)");
        }
        throw new NoSuchFileException(dir.toString(), null, "no such model folder");
    }

    /** Writes {@code config} as pretty-printed JSON. */
    public static void writeConfig(JsonNode config, Path dir) throws IOException {
        dev.df11.format.safetensors.WriteFailures.writeString(dir.resolve(CONFIG),
                JSON.writeValueAsString(config) + "\n");
    }

    /**
     * Copies the folder's other top-level files (tokenizer, generation config, README, ...) into {@code to}: every
     * regular file except config.json, safetensors files, the shard index and hidden files.
     *
     * <p>Symbolic links: a link whose real target is a regular file inside {@code from} (compared as real paths) is
     * copied as that file's content; a link that leads outside {@code from}, or nowhere, is not followed and not
     * copied, with a notice, so a model folder never carries a local file (say {@code README.md -> /etc/passwd})
     * into an output that may be published. Subfolders are not copied: they hold other formats of the weights, such
     * as {@code original/}, rather than files the model needs.
     *
     * @return notices for the user: each skipped subfolder and each skipped link, by name
     */
    public static List<String> copyOtherFiles(Path from, Path to) throws IOException {
        List<String> notices = new ArrayList<>();
        Path realFrom = from.toRealPath();
        try (Stream<Path> list = Files.list(from)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || name.equals(CONFIG) || name.endsWith(".safetensors")
                        || name.equals(SafetensorsDirectory.INDEX_FILE)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    String refused = copyLink(p, realFrom, to.resolve(name));
                    if (refused != null) {
                        notices.add("'" + name + "' not copied: " + refused);
                    }
                } else if (Files.isDirectory(p)) {
                    notices.add("subfolder '" + name + "' not copied");
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, to.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return notices;
    }

    /** Copies the file behind {@code link} when it lies inside {@code realFrom}; else returns why not. */
    private static String copyLink(Path link, Path realFrom, Path dest) throws IOException {
        Path target = Files.readSymbolicLink(link);
        Path real;
        try {
            real = link.toRealPath();
        } catch (IOException broken) {
            return "it is a symbolic link to " + target + ", which does not exist";
        }
        if (!real.startsWith(realFrom) || real.equals(realFrom)) {
            return "it is a symbolic link to " + real + ", outside the input folder; df11 does not copy files "
                    + "from outside the input (copy it into the output yourself if the model needs it)";
        }
        if (Files.isDirectory(real)) {
            return "it is a symbolic link to a folder (subfolders are not copied)";
        }
        if (!Files.isRegularFile(real)) {
            return "it is a symbolic link to " + real + ", which is not a regular file";
        }
        // copy the resolved file, not the link: the link could be changed between the check and the copy
        Files.copy(real, dest, StandardCopyOption.COPY_ATTRIBUTES);
        return null;
    }
}
