package dev.df11.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Checksums of a model's original tensors, which df11 records at compress time so that a DF11 folder can be verified
 * without the BF16 folder it came from.
 *
 * <p>For every tensor of the original folder (each matrix of a compressed unit under its original weight name, and
 * every tensor copied through unchanged) the entry holds its dtype, its shape and the CRC-32C of its bytes as they
 * lie in a BF16 safetensors file (little-endian elements, row-major). Each shard's {@code __metadata__} holds, under
 * {@link #METADATA_KEY}, the entries of the tensors whose data lies in that shard (for a unit: the shard holding its
 * {@code encoded_exponent}), as one JSON value:
 * <pre>
 * {"version": 1, "algorithm": "crc32c",
 *  "tensors": {"model.layers.0.self_attn.q_proj.weight": {"dtype": "BF16", "shape": [288, 288], "crc32c": "1a2b3c4d"}}}
 * </pre>
 * Official loaders ignore metadata they do not know, so the files stay what the official tools expect.
 *
 * <p>CRC-32C is {@link CRC32C} of the JDK (a hardware intrinsic on x86 and ARM). It guards against damage (a flipped
 * byte, exchanged table entries, a changed pattern_dict order or recorded shape), not against deliberate tampering:
 * whoever rewrites a tensor can rewrite its checksum too.
 */
public final class TensorChecksums {

    /** {@code __metadata__} key holding the checksums. */
    public static final String METADATA_KEY = "df11.checksums";

    /** Version of the checksum record this class writes and reads. */
    public static final int VERSION = 1;

    /** The only algorithm of version 1. */
    public static final String ALGORITHM = "crc32c";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final long CHUNK = 1 << 24;

    /** What is recorded for one tensor. */
    public record Entry(DType dtype, long[] shape, int crc32c) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The checksum as recorded, eight hex digits. */
        public String hex() {
            return HEX.toHexDigits(crc32c);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && dtype == e.dtype && Arrays.equals(shape, e.shape) && crc32c == e.crc32c;
        }

        @Override
        public int hashCode() {
            return (dtype.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + crc32c;
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape) + " crc32c " + hex();
        }
    }

    private TensorChecksums() { }

    /** The entry of a tensor with these properties and bytes. */
    public static Entry of(DType dtype, long[] shape, MemorySegment data) {
        return new Entry(dtype, shape, crc32c(data));
    }

    /** CRC-32C of a segment's bytes (native, mapped or heap, of any size). */
    public static int crc32c(MemorySegment data) {
        CRC32C crc = new CRC32C();
        long size = data.byteSize();
        if (data.isNative()) {
            for (long at = 0; at < size; at += CHUNK) {
                crc.update(data.asSlice(at, Math.min(CHUNK, size - at)).asByteBuffer());
            }
        } else {
            // heap segments over short[] etc. have no ByteBuffer view; copy through a byte[]
            byte[] buffer = new byte[(int) Math.min(CHUNK, size)];
            for (long at = 0; at < size; at += CHUNK) {
                int n = (int) Math.min(CHUNK, size - at);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, buffer, 0, n);
                crc.update(buffer, 0, n);
            }
        }
        return (int) crc.getValue();
    }

    /**
     * CRC-32C of each segment, computed in parallel on up to {@code threads} threads, one segment per thread. One
     * CRC-32C stream cannot be split, and one thread computing the checksums of a whole unit would cost a
     * multi-threaded decode much of its speed; a unit's matrices are independent.
     *
     * @param segments segments any thread may read (shared, automatic or global arenas, or heap)
     */
    public static int[] crc32c(List<MemorySegment> segments, int threads) {
        int[] crcs = new int[segments.size()];
        int workers = Math.max(1, Math.min(threads, segments.size()));
        if (workers == 1) {
            for (int i = 0; i < crcs.length; i++) {
                crcs[i] = crc32c(segments.get(i));
            }
            return crcs;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> pending = new ArrayList<>();
            for (int i = 0; i < crcs.length; i++) {
                int at = i;
                pending.add(pool.submit(() -> crcs[at] = crc32c(segments.get(at))));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing checksums", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("computing a checksum failed", e.getCause());
        }
        return crcs;
    }

    /** The {@link #METADATA_KEY} value for these entries (sorted by name). */
    public static String toMetadata(Map<String, Entry> entries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("algorithm", ALGORITHM);
        ObjectNode tensors = root.putObject("tensors");
        Map<String, Entry> sorted = new TreeMap<>(NaturalOrder.INSTANCE);
        sorted.putAll(entries);
        sorted.forEach((name, e) -> {
            ObjectNode t = tensors.putObject(name);
            t.put("dtype", e.dtype().name());
            var shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            t.put("crc32c", e.hex());
        });
        return root.toString();
    }

    /**
     * The checksums recorded in the folder's files, merged; empty when no file has any (an official DFloat11 folder,
     * or one written before df11 recorded them).
     *
     * @throws Df11ModelException naming the file when a record is malformed, of an unknown version or algorithm, or
     *                            when two files record different checksums for one tensor
     */
    public static Optional<Map<String, Entry>> read(SafetensorsDirectory dir) throws Df11ModelException {
        Map<String, Entry> all = new TreeMap<>(NaturalOrder.INSTANCE);
        boolean any = false;
        for (SafetensorsFile f : dir.files()) {
            String value = f.metadata().get(METADATA_KEY);
            if (value == null) {
                continue;
            }
            any = true;
            for (Map.Entry<String, Entry> e : parse(f.path(), value).entrySet()) {
                Entry previous = all.putIfAbsent(e.getKey(), e.getValue());
                if (previous != null && !previous.equals(e.getValue())) {
                    throw new Df11ModelException(f.path(), METADATA_KEY + " records " + e.getValue() + " for '"
                            + e.getKey() + "', another file records " + previous);
                }
            }
        }
        return any ? Optional.of(Collections.unmodifiableMap(all)) : Optional.empty();
    }

    /** Parses one file's {@link #METADATA_KEY} value. */
    static Map<String, Entry> parse(Path file, String value) throws Df11ModelException {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw bad(file, "is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "is not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber()) {
            throw bad(file, "has no integer \"version\"");
        }
        if (version.asLong() != VERSION) {
            throw bad(file, "has version " + version + "; this df11 reads version " + VERSION
                    + " (a newer df11 wrote the folder: update df11 to verify it)");
        }
        JsonNode algorithm = root.get("algorithm");
        if (algorithm == null || !ALGORITHM.equals(algorithm.asText(null))) {
            throw bad(file, "names algorithm " + algorithm + "; version " + VERSION + " uses \"" + ALGORITHM + "\"");
        }
        JsonNode tensors = root.get("tensors");
        if (tensors == null || !tensors.isObject()) {
            throw bad(file, "has no \"tensors\" object");
        }
        Map<String, Entry> entries = new TreeMap<>(NaturalOrder.INSTANCE);
        for (Map.Entry<String, JsonNode> t : tensors.properties()) {
            entries.put(t.getKey(), entry(file, t.getKey(), t.getValue()));
        }
        return entries;
    }

    private static Entry entry(Path file, String name, JsonNode node) throws Df11ModelException {
        if (!node.isObject()) {
            throw bad(file, "entry of '" + name + "' is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        DType dtype = dtypeNode == null || !dtypeNode.isTextual() ? null
                : DType.fromName(dtypeNode.asText()).orElse(null);
        if (dtype == null) {
            throw bad(file, "entry of '" + name + "' has no known dtype: " + dtypeNode);
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw bad(file, "entry of '" + name + "' has no shape list");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw bad(file, "entry of '" + name + "' has a bad size " + d + " in its shape");
            }
            shape[i] = d.longValue();
        }
        JsonNode crcNode = node.get("crc32c");
        String crc = crcNode == null || !crcNode.isTextual() ? "" : crcNode.asText();
        if (crc.length() != 8 || !crc.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw bad(file, "entry of '" + name + "' has no crc32c of eight hex digits: " + crcNode);
        }
        return new Entry(dtype, shape, HEX.fromHexDigits(crc));
    }

    private static Df11ModelException bad(Path file, String problem) {
        return new Df11ModelException(file, "the checksum record (" + METADATA_KEY + ") " + problem
                + "; the record is damaged, so the folder cannot be verified by itself (use verify --against the"
                + " original folder)");
    }
}
