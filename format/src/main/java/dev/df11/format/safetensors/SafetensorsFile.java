package dev.df11.format.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, opened read-only: the header is parsed and checked up front, the data section is memory-mapped
 * and handed out as bounds-checked {@link MemorySegment} slices, never copied onto the heap.
 *
 * <p>Format: an unsigned 64-bit little-endian header length {@code N}; {@code N} bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data section) and
 * an optional {@code "__metadata__"} map of strings; then the data section, little-endian.
 *
 * <p>The mapping lives in a shared arena, so slices may be read from any thread until {@link #close()}; after that,
 * touching a slice throws {@link IllegalStateException}. Slices are not aligned: read them with the
 * {@code *_UNALIGNED} value layouts.
 */
public final class SafetensorsFile implements AutoCloseable {

    private final Path path;
    private final MappedFiles.Snapshot snapshot;
    private final Arena arena;
    private final MemorySegment mapping;
    private final Map<String, String> metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName;

    private SafetensorsFile(Path path, MappedFiles.Snapshot snapshot, Arena arena, MemorySegment mapping,
            SafetensorsHeader.Parsed header) {
        this.path = path;
        this.snapshot = snapshot;
        this.arena = arena;
        this.mapping = mapping;
        this.metadata = Collections.unmodifiableMap(header.metadata());
        this.tensors = List.copyOf(header.tensors());
        Map<String, TensorInfo> index = new LinkedHashMap<>();
        for (TensorInfo t : tensors) {
            index.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(index);
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws SafetensorsFormatException when the file does not follow the format (names file and tensor)
     * @throws IOException                when it cannot be read
     */
    public static SafetensorsFile open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Long.BYTES) {
                throw new SafetensorsFormatException(file, null,
                        "too short for a safetensors file (" + size + " bytes, need at least 8)");
            }
            long headerLength = readHeaderLength(channel);
            if (headerLength < 0 || headerLength > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new SafetensorsFormatException(file, null, "header length " + Long.toUnsignedString(headerLength)
                        + " is absurd (limit " + SafetensorsHeader.MAX_HEADER_BYTES + " bytes)");
            }
            if (headerLength > size - Long.BYTES) {
                throw new SafetensorsFormatException(file, null, "header length " + headerLength
                        + " runs past the end of the " + size + "-byte file");
            }
            byte[] json = readFully(channel, Long.BYTES, (int) headerLength, file);
            long dataStart = Long.BYTES + headerLength;
            SafetensorsHeader.Parsed header = SafetensorsHeader.parse(file, json, dataStart, size - dataStart);
            MappedFiles.Snapshot snapshot = new MappedFiles.Snapshot(file, size,
                    java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
                            .fileKey());
            Arena arena = Arena.ofShared();
            try {
                MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                MappedFiles.opened(snapshot);
                return new SafetensorsFile(file, snapshot, arena, mapping, header);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    private static long readHeaderLength(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (channel.read(buf, buf.position()) < 0) {
                break;
            }
        }
        return buf.getLong(0);
    }

    private static byte[] readFully(FileChannel channel, long position, int length, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new SafetensorsFormatException(file, null, "file ended inside the header");
            }
        }
        return buf.array();
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The header's {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor, in data-offset order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** Whether a tensor of that name is stored here. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The tensor called {@code name}; throws {@link IllegalArgumentException} naming the file if absent. */
    public TensorInfo tensor(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor '" + name + "'");
        }
        return t;
    }

    /** A read-only slice of the mapping holding the tensor's bytes (little-endian). */
    public MemorySegment data(String name) {
        return data(tensor(name));
    }

    /** A read-only slice of the mapping holding the bytes of {@code info}, a tensor of this file. */
    public MemorySegment data(TensorInfo info) {
        return mapping.asSlice(info.dataOffset(), info.byteSize()).asReadOnly();
    }

    /** Copies a tensor's bytes into a new heap array; for small tensors (indices, tables) only. */
    public byte[] readBytes(String name) {
        return data(name).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Fails with a {@link MappedFileChangedException} when the file changed size since it was mapped (another program
     * truncated or rewrote it, so what was read may be wrong). Writers call this before declaring their output done.
     */
    public void requireUnchanged() throws MappedFileChangedException {
        MappedFileChangedException changed = MappedFiles.check(snapshot, null);
        if (changed != null) {
            throw changed;
        }
    }

    /** Unmaps the file; slices handed out become unusable. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
