package dev.df11.format.model;

import dev.df11.format.safetensors.ShardedSafetensorsWriter;
import java.util.List;
import java.util.Map;

/**
 * How to compress a folder.
 *
 * @param patternDict     explicit units (regex to attribute list), or null to detect Llama-family units
 * @param threads         encoder parallelism (the output does not depend on it)
 * @param replaceExisting whether an existing output folder may be replaced
 * @param maxShardBytes   start a new safetensors file past this many bytes
 */
public record CompressOptions(Map<String, List<String>> patternDict, int threads, boolean replaceExisting,
        long maxShardBytes) {

    public CompressOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        }
    }

    /** Automatic units, all processors, no replacing, 5 GB shards. */
    public static CompressOptions defaults() {
        return new CompressOptions(null, Runtime.getRuntime().availableProcessors(), false,
                ShardedSafetensorsWriter.DEFAULT_MAX_SHARD_BYTES);
    }

    public CompressOptions withPatternDict(Map<String, List<String>> dict) {
        return new CompressOptions(dict, threads, replaceExisting, maxShardBytes);
    }

    public CompressOptions withThreads(int n) {
        return new CompressOptions(patternDict, n, replaceExisting, maxShardBytes);
    }

    public CompressOptions withReplaceExisting(boolean replace) {
        return new CompressOptions(patternDict, threads, replace, maxShardBytes);
    }

    public CompressOptions withMaxShardBytes(long bytes) {
        return new CompressOptions(patternDict, threads, replaceExisting, bytes);
    }
}
