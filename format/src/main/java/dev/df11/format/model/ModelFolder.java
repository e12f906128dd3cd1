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
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "no such model folder");
            }
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

    /** Writes {@code config} as pretty-printed JSON. */
    public static void writeConfig(JsonNode config, Path dir) throws IOException {
        Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(config) + "\n");
    }

    /**
     * Copies the folder's other top-level files (tokenizer, generation config, README, ...) into {@code to}: every
     * regular file except config.json, safetensors files, the shard index and hidden files.
     *
     * @return names of skipped subfolders (not copied: they hold other formats of the weights, such as
     *         {@code original/}, rather than files the model needs)
     */
    public static List<String> copyOtherFiles(Path from, Path to) throws IOException {
        List<String> skippedFolders = new ArrayList<>();
        try (Stream<Path> list = Files.list(from)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || name.equals(CONFIG) || name.endsWith(".safetensors")
                        || name.equals(SafetensorsDirectory.INDEX_FILE)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    skippedFolders.add(name);
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, to.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return skippedFolders;
    }
}
