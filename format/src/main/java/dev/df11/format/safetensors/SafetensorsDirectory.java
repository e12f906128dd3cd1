package dev.df11.format.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The safetensors files of a model folder, seen as one set of uniquely named tensors.
 *
 * <p>Which files: every {@code *.safetensors} file of the folder (hidden files excepted). When
 * {@code model.safetensors.index.json} is present its {@code weight_map} is checked against them: each file it names
 * must exist and hold the tensors it lists there. Files the index does not mention are still read, because official
 * DFloat11 folders store compressed units in per-unit files beside the shards that {@code save_pretrained} indexed.
 * A tensor name found in two files is an error.
 */
public final class SafetensorsDirectory implements AutoCloseable {

    /** File name of the Hugging Face shard index. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> owner;

    private SafetensorsDirectory(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> owner) {
        this.dir = dir;
        this.files = List.copyOf(files);
        this.owner = Collections.unmodifiableMap(owner);
    }

    /**
     * Opens every safetensors file of {@code dir} and checks names are unique and agree with the index, if any.
     *
     * @throws SafetensorsFormatException on a malformed file or index, a duplicate name or no safetensors file
     */
    public static SafetensorsDirectory open(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such model folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        List<Path> paths;
        try (Stream<Path> list = Files.list(dir)) {
            paths = list.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
        Path indexPath = dir.resolve(INDEX_FILE);
        Map<String, String> weightMap = Files.isRegularFile(indexPath) ? readWeightMap(indexPath) : Map.of();
        if (paths.isEmpty()) {
            throw new SafetensorsFormatException(dir, null, "no .safetensors files in this folder");
        }
        List<SafetensorsFile> opened = new ArrayList<>();
        Map<String, SafetensorsFile> owner = new TreeMap<>();
        try {
            for (Path p : paths) {
                SafetensorsFile f = SafetensorsFile.open(p);
                opened.add(f);
                for (TensorInfo t : f.tensors()) {
                    SafetensorsFile previous = owner.putIfAbsent(t.name(), f);
                    if (previous != null) {
                        throw new SafetensorsFormatException(p, t.name(),
                                "also stored in " + previous.path().getFileName());
                    }
                }
            }
            checkIndex(dir, indexPath, weightMap, owner);
            return new SafetensorsDirectory(dir, opened, owner);
        } catch (IOException | RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path indexPath) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(indexPath.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SafetensorsFormatException(indexPath, null, "malformed JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new SafetensorsFormatException(indexPath, null, "no weight_map object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException(indexPath, e.getKey(), "weight_map entry is not a file name");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static void checkIndex(Path dir, Path indexPath, Map<String, String> weightMap,
            Map<String, SafetensorsFile> owner) throws SafetensorsFormatException {
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            String fileName = e.getValue();
            if (fileName.contains("/") || fileName.contains("\\") || !Files.isRegularFile(dir.resolve(fileName))) {
                throw new SafetensorsFormatException(indexPath, e.getKey(), "indexed file '" + fileName
                        + "' is missing");
            }
            SafetensorsFile f = owner.get(e.getKey());
            if (f == null || !f.path().getFileName().toString().equals(fileName)) {
                throw new SafetensorsFormatException(indexPath, e.getKey(), "not found in indexed file '"
                        + fileName + "'");
            }
        }
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** The opened files, sorted by name. */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** Every tensor name, sorted. */
    public Set<String> tensorNames() {
        return Collections.unmodifiableSet(new TreeSet<>(owner.keySet()));
    }

    /** Whether a tensor of this name is stored in the folder. */
    public boolean contains(String name) {
        return owner.containsKey(name);
    }

    /** The tensor called {@code name}; throws {@link IllegalArgumentException} naming the folder if absent. */
    public TensorInfo tensor(String name) {
        return fileFor(name).tensor(name);
    }

    /** A read-only mapped slice holding the tensor's bytes. */
    public MemorySegment data(String name) {
        return fileFor(name).data(name);
    }

    /** The file that stores the tensor. */
    public Path fileOf(String name) {
        return fileFor(name).path();
    }

    /** The opened file that stores the tensor. */
    public SafetensorsFile fileFor(String name) {
        SafetensorsFile f = owner.get(name);
        if (f == null) {
            throw new IllegalArgumentException(dir + ": no tensor '" + name + "'");
        }
        return f;
    }

    /** Sum of all tensors' data bytes. */
    public long dataBytes() {
        long sum = 0;
        for (SafetensorsFile f : files) {
            for (TensorInfo t : f.tensors()) {
                sum += t.byteSize();
            }
        }
        return sum;
    }

    /** Fails, naming the file, when one of the files changed size since it was opened (see {@link MappedFiles}). */
    public void requireUnchanged() throws MappedFileChangedException {
        for (SafetensorsFile f : files) {
            f.requireUnchanged();
        }
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
