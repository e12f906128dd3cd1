package dev.df11.format.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Streams tensors into a model folder, starting a new shard whenever the next tensor would push the current one past
 * a size limit; memory use is bounded by one shard, since each shard is written and released as soon as it is full.
 *
 * <p>Naming follows Hugging Face: a single shard is {@code <base>.safetensors}; several are
 * {@code <base>-00001-of-0000N.safetensors} with {@code <base>.safetensors.index.json} mapping each tensor to its
 * file ({@code {"metadata": {"total_size": bytes}, "weight_map": {name: file}}}). Shards are written under temporary
 * names and renamed by {@link #finish()}, because their count is known only at the end; write into a fresh (staging)
 * folder.
 */
public final class ShardedSafetensorsWriter {

    /** Default shard limit, as Hugging Face's save_pretrained uses. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private final Path dir;
    private final String baseName;
    private final long maxShardBytes;
    private final Map<String, String> commonMetadata = new TreeMap<>();
    private Function<Set<String>, Map<String, String>> shardMetadata = names -> Map.of();
    private final List<Path> writtenShards = new ArrayList<>();
    private final List<Set<String>> shardNames = new ArrayList<>();
    private final Set<String> allNames = new java.util.HashSet<>();
    private SafetensorsWriter current = new SafetensorsWriter();
    private long totalBytes;
    private boolean finished;

    /**
     * @param dir           folder to write into (must exist)
     * @param baseName      file name stem, usually {@code model}
     * @param maxShardBytes start a new shard before a tensor that would make the current one larger than this; a
     *                      tensor larger than the limit gets a shard of its own
     */
    public ShardedSafetensorsWriter(Path dir, String baseName, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        }
        this.dir = dir;
        this.baseName = baseName;
        this.maxShardBytes = maxShardBytes;
    }

    /** Metadata written into every shard. */
    public ShardedSafetensorsWriter putMetadata(String key, String value) {
        commonMetadata.put(key, value);
        return this;
    }

    /** Extra metadata for a shard, computed from the names of the tensors it holds when it is written. */
    public ShardedSafetensorsWriter shardMetadata(Function<Set<String>, Map<String, String>> perShard) {
        this.shardMetadata = perShard;
        return this;
    }

    /** Adds a tensor, first writing out the current shard if the tensor would not fit in it. */
    public void add(String name, DType dtype, long[] shape, MemorySegment data) throws IOException {
        if (finished) {
            throw new IllegalStateException("writer already finished");
        }
        if (!allNames.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        if (current.tensorCount() > 0 && current.dataBytes() + data.byteSize() > maxShardBytes) {
            flush();
        }
        current.add(name, dtype, shape, data);
        totalBytes += data.byteSize();
    }

    /** Bytes of tensor data added so far. */
    public long totalBytes() {
        return totalBytes;
    }

    private void flush() throws IOException {
        Set<String> names = Set.copyOf(current.names());
        current.putMetadata(commonMetadata).putMetadata(shardMetadata.apply(Collections.unmodifiableSet(names)));
        Path shard = dir.resolve(String.format(".%s.shard-%05d.partial", baseName, writtenShards.size() + 1));
        current.write(shard);
        writtenShards.add(shard);
        shardNames.add(names);
        current = new SafetensorsWriter();
    }

    /**
     * Writes the last shard, gives every shard its final name and writes the index when there are several.
     *
     * @return the files written, in shard order
     */
    public List<Path> finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("writer already finished");
        }
        if (current.tensorCount() > 0 || writtenShards.isEmpty()) {
            flush();
        }
        finished = true;
        int count = writtenShards.size();
        List<Path> finals = new ArrayList<>(count);
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String fileName = count == 1 ? baseName + ".safetensors"
                    : String.format("%s-%05d-of-%05d.safetensors", baseName, i + 1, count);
            Path target = dir.resolve(fileName);
            Files.move(writtenShards.get(i), target, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            finals.add(target);
            for (String n : shardNames.get(i)) {
                weightMap.put(n, fileName);
            }
        }
        if (count > 1) {
            writeIndex(weightMap);
        }
        return finals;
    }

    private void writeIndex(Map<String, String> weightMap) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.putObject("metadata").put("total_size", totalBytes);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        Path index = dir.resolve(baseName + ".safetensors.index.json");
        WriteFailures.writeString(index, json.writeValueAsString(root) + "\n");
    }
}
