package dev.df11.format.safetensors;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Collects tensors (as {@link MemorySegment}s, which may be heap, off-heap or mapped) and streams them into one
 * safetensors file, laid out as the reference writer lays them out: tensors ordered by descending dtype then by name
 * (UTF-8 byte order), compact JSON header padded with spaces to a multiple of 8 bytes, metadata keys sorted. The same
 * tensors therefore always give the same bytes.
 *
 * <p>The file is written beside its destination under a hidden temporary name and moved into place only when
 * complete, so a reader never sees half a file. The segments must stay readable until {@link #write(Path)} returns.
 */
public final class SafetensorsWriter {

    private static final long CHUNK = 1 << 26;

    private record Pending(String name, DType dtype, long[] shape, MemorySegment data) { }

    private final Map<String, String> metadata = new TreeMap<>();
    private final Map<String, Pending> tensors = new LinkedHashMap<>();
    private long dataBytes;

    /** Adds an entry to {@code __metadata__}. */
    public SafetensorsWriter putMetadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds every entry of {@code entries} to {@code __metadata__}. */
    public SafetensorsWriter putMetadata(Map<String, String> entries) {
        metadata.putAll(entries);
        return this;
    }

    /**
     * Adds a tensor. {@code data} must hold exactly {@code product(shape) * dtype.byteSize()} bytes, little-endian.
     *
     * @throws IllegalArgumentException on a duplicate or reserved name, a negative dimension or a size mismatch
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, MemorySegment data) {
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + name + "' is reserved and cannot name a tensor");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension " + d);
            }
            elements = Math.multiplyExact(elements, d);
        }
        long expected = Math.multiplyExact(elements, (long) dtype.byteSize());
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + Arrays.toString(shape) + " needs "
                    + expected + " bytes, got " + data.byteSize());
        }
        tensors.put(name, new Pending(name, dtype, shape.clone(), data));
        dataBytes += expected;
        return this;
    }

    /** Bytes of tensor data added so far. */
    public long dataBytes() {
        return dataBytes;
    }

    /** Number of tensors added so far. */
    public int tensorCount() {
        return tensors.size();
    }

    /** Names added so far, in the order they were added. */
    public Set<String> names() {
        return java.util.Collections.unmodifiableSet(tensors.keySet());
    }

    /** Writes everything to {@code file}, replacing any existing file only once the new one is complete. */
    public void write(Path file) throws IOException {
        List<Pending> ordered = layoutOrder();
        List<HeaderJson.Entry> entries = new ArrayList<>(ordered.size());
        long offset = 0;
        for (Pending p : ordered) {
            entries.add(new HeaderJson.Entry(p.name(), p.dtype(), p.shape(), offset, offset + p.data().byteSize()));
            offset += p.data().byteSize();
        }
        byte[] header = HeaderJson.encode(metadata, entries);
        Path dir = file.toAbsolutePath().getParent();
        // createFile, not createTempFile: the file gets the usual permissions (umask), not owner-only ones
        Path temp = Files.createFile(dir.resolve("." + file.getFileName() + "."
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp"));
        boolean done = false;
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                length.putLong(0, header.length);
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                for (Pending p : ordered) {
                    writeSegment(out, p.data());
                }
                out.force(false);
            } catch (IOException e) {
                throw WriteFailures.named(file, e);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private List<Pending> layoutOrder() {
        List<Pending> ordered = new ArrayList<>(tensors.values());
        ordered.sort(Comparator.comparing(Pending::dtype, Comparator.reverseOrder())
                .thenComparing((a, b) -> Arrays.compareUnsigned(
                        a.name().getBytes(StandardCharsets.UTF_8), b.name().getBytes(StandardCharsets.UTF_8))));
        return ordered;
    }

    private static void writeSegment(FileChannel out, MemorySegment data) throws IOException {
        boolean viewable = data.heapBase().map(base -> base instanceof byte[]).orElse(true);
        byte[] staging = viewable ? null : new byte[(int) Math.min(CHUNK, data.byteSize())];
        for (long pos = 0; pos < data.byteSize(); pos += CHUNK) {
            long len = Math.min(CHUNK, data.byteSize() - pos);
            MemorySegment chunk = data.asSlice(pos, len);
            if (viewable) {
                writeFully(out, chunk.asByteBuffer());
            } else {
                MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, staging, 0, (int) len);
                writeFully(out, ByteBuffer.wrap(staging, 0, (int) len));
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
