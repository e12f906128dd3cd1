package dev.df11.runtime.synthetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes one safetensors file whose tensor data is produced in chunks, in parallel, straight into the file with
 * positional writes: memory use is one chunk buffer per thread however large the file. Layout: 8-byte little-endian
 * header length, the JSON header padded with spaces to a multiple of 8, then the tensors back to back in the order
 * given.
 */
final class ShardWriter {

    /** Elements per chunk (8 MiB of BF16). */
    static final int CHUNK_ELEMENTS = 1 << 22;

    /** Fills {@code out} (little-endian BF16) with elements {@code [first, first + count)} of a tensor. */
    interface ChunkFiller {
        void fill(TensorSpec tensor, long first, int count, ByteBuffer out);
    }

    /** Told the bytes written after each chunk. */
    interface Progress {
        void written(long bytes, String tensor);
    }

    private ShardWriter() {
    }

    static void write(Path file, List<TensorSpec> tensors, ChunkFiller filler, int threads, Progress progress)
            throws IOException {
        byte[] header = header(tensors);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            writeFully(channel, prefix, 0);
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "df11-synthetic-writer");
                t.setDaemon(true);
                return t;
            });
            ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(
                    () -> ByteBuffer.allocateDirect(2 * CHUNK_ELEMENTS).order(ByteOrder.LITTLE_ENDIAN));
            try {
                List<Future<?>> chunks = new ArrayList<>();
                long offset = 8 + header.length;
                for (TensorSpec tensor : tensors) {
                    long elements = tensor.elementCount();
                    for (long first = 0; first < elements; first += CHUNK_ELEMENTS) {
                        int count = (int) Math.min(CHUNK_ELEMENTS, elements - first);
                        long position = offset + 2 * first;
                        long chunkFirst = first;
                        chunks.add(pool.submit(() -> {
                            ByteBuffer buffer = buffers.get();
                            buffer.clear().limit(2 * count);
                            filler.fill(tensor, chunkFirst, count, buffer);
                            buffer.flip();
                            writeFully(channel, buffer, position);
                            progress.written(2L * count, tensor.name());
                            return null;
                        }));
                    }
                    offset += tensor.byteSize();
                }
                for (Future<?> chunk : chunks) {
                    chunk.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(file + ": interrupted while writing", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(file + ": writing failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The JSON header (offsets relative to the data section), padded with spaces to a multiple of 8 bytes. */
    static byte[] header(List<TensorSpec> tensors) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (TensorSpec tensor : tensors) {
            ObjectNode entry = root.putObject(tensor.name());
            entry.put("dtype", "BF16");
            var shape = entry.putArray("shape");
            for (long d : tensor.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + tensor.byteSize());
            offset += tensor.byteSize();
        }
        byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        java.util.Arrays.fill(header, (byte) ' ');
        System.arraycopy(text, 0, header, 0, text.length);
        return header;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }
}
