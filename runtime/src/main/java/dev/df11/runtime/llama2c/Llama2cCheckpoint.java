package dev.df11.runtime.llama2c;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A llama2.c {@code model.bin}, memory-mapped: the header, then float32 arrays in this order: token_embedding
 * [vocab][dim], rms_att [L][dim], wq [L][dim][dim], wk [L][kv_dim][dim], wv [L][kv_dim][dim], wo [L][dim][dim],
 * rms_ffn [L][dim], w1 [L][hidden][dim], w2 [L][dim][hidden], w3 [L][hidden][dim], rms_final [dim], freq_cis_real
 * and freq_cis_imag [seq_len * head_size / 2] each, and wcls [vocab][dim] only when the classifier is not shared.
 * The file size must match the header exactly, which catches truncated and foreign files.
 */
public final class Llama2cCheckpoint implements AutoCloseable {

    /** Little-endian float32, unaligned (slices of a mapping). */
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Llama2cHeader header;
    private final Arena arena;
    private final MemorySegment file;
    private final long[] offsets = new long[Part.values().length];

    /** The arrays of the file, in file order. */
    public enum Part { TOKEN_EMBEDDING, RMS_ATT, WQ, WK, WV, WO, RMS_FFN, W1, W2, W3, RMS_FINAL, FREQ_REAL, FREQ_IMAG, WCLS }

    private Llama2cCheckpoint(Path path, Llama2cHeader header, Arena arena, MemorySegment file) {
        this.path = path;
        this.header = header;
        this.arena = arena;
        this.file = file;
        long offset = Llama2cHeader.BYTES;
        for (Part p : Part.values()) {
            offsets[p.ordinal()] = offset;
            offset += partFloats(p) * Float.BYTES;
        }
    }

    /** Maps {@code file} and checks its header against its size. */
    public static Llama2cCheckpoint open(Path file) throws IOException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new Llama2cFormatException(file, "is a folder; give the llama2.c checkpoint file (model.bin) itself");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Llama2cHeader.BYTES) {
                throw new Llama2cFormatException(file, "too short for a llama2.c checkpoint (" + size + " bytes)");
            }
            Arena arena = Arena.ofShared();
            try {
                MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                dev.df11.format.safetensors.MappedFiles.opened(dev.df11.format.safetensors.MappedFiles.Snapshot.of(file));
                int[] raw = new int[7];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = mapping.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i);
                }
                Llama2cHeader header = Llama2cHeader.of(file, raw);
                if (header.expectedFileBytes() != size) {
                    throw new Llama2cFormatException(file, String.format("the header (dim %d, %d layers, vocab %d, "
                            + "%s classifier) needs a file of %d bytes but this one has %d: truncated or not a "
                            + "llama2.c checkpoint", header.dim(), header.layers(), header.vocabSize(),
                            header.sharedClassifier() ? "shared" : "separate", header.expectedFileBytes(), size));
                }
                return new Llama2cCheckpoint(file, header, arena, mapping);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    private long partFloats(Part p) {
        long d = header.dim();
        long l = header.layers();
        return switch (p) {
            case TOKEN_EMBEDDING -> header.vocabSize() * d;
            case RMS_ATT, RMS_FFN -> l * d;
            case WQ, WO -> l * d * d;
            case WK, WV -> l * header.kvDim() * d;
            case W1, W2, W3 -> l * header.hiddenDim() * d;
            case RMS_FINAL -> d;
            case FREQ_REAL, FREQ_IMAG -> (long) header.seqLen() * header.headSize() / 2;
            case WCLS -> header.sharedClassifier() ? 0 : header.vocabSize() * d;
        };
    }

    /** The checkpoint file. */
    public Path path() {
        return path;
    }

    /** Its header. */
    public Llama2cHeader header() {
        return header;
    }

    /** The whole array {@code part} (all layers for per-layer arrays). */
    public MemorySegment part(Part part) {
        return file.asSlice(offsets[part.ordinal()], partFloats(part) * Float.BYTES);
    }

    /** Layer {@code layer}'s slice of a per-layer array. */
    public MemorySegment layer(Part part, int layer) {
        if (part.compareTo(Part.RMS_ATT) < 0 || part.compareTo(Part.W3) > 0) {
            throw new IllegalArgumentException(part + " is not a per-layer array");
        }
        java.util.Objects.checkIndex(layer, header.layers());
        long perLayer = partFloats(part) / header.layers();
        return file.asSlice(offsets[part.ordinal()] + layer * perLayer * Float.BYTES, perLayer * Float.BYTES);
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
