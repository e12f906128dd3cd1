package dev.df11.bench.codec;

import dev.df11.format.bf16.Bf16;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * The BF16 tensors the codec benchmarks run on:
 * <ul>
 * <li>{@code gaussian16M}: 16M weights from N(0, 0.02^2), seed 42 (the official project's benchmark shape, smaller);</li>
 * <li>{@code stories15M}: every float of the TinyStories 15M checkpoint (llama2.c format) rounded to BF16, taken from
 * {@code $DF11_STORIES15M_DIR/stories15M.bin} (default {@code ~/.cache/df11/stories15M}; fetch it with
 * {@code scripts/fetch-stories15M.sh}).</li>
 * </ul>
 */
public final class BenchData {

    /** Elements of the Gaussian tensor. */
    public static final int GAUSSIAN_ELEMENTS = 16 << 20;
    private static final int LLAMA2C_HEADER_BYTES = 7 * Integer.BYTES;

    private BenchData() {
    }

    /** The named tensor as little-endian BF16 in a shared off-heap segment. */
    public static MemorySegment load(String name) {
        return switch (name) {
            case "gaussian16M" -> gaussian(42, GAUSSIAN_ELEMENTS, 0.02);
            case "stories15M" -> stories15M();
            default -> throw new IllegalArgumentException("unknown benchmark data set '" + name
                    + "' (gaussian16M or stories15M)");
        };
    }

    static MemorySegment gaussian(long seed, int n, double sigma) {
        MemorySegment out = Arena.ofShared().allocate(2L * n, 64);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double g = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, Bf16.fromFloat((float) (g * sigma)));
        }
        return out;
    }

    static MemorySegment stories15M() {
        String dir = System.getenv("DF11_STORIES15M_DIR");
        Path file = (dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "df11", "stories15M"))
                .resolve("stories15M.bin");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: run scripts/fetch-stories15M.sh or set DF11_STORIES15M_DIR");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            long floats = (mapped.byteSize() - LLAMA2C_HEADER_BYTES) / Float.BYTES;
            MemorySegment out = Arena.ofShared().allocate(2 * floats, 64);
            ValueLayout.OfFloat le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < floats; i++) {
                float f = mapped.get(le, LLAMA2C_HEADER_BYTES + i * Float.BYTES);
                out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, Bf16.fromFloat(f));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Stored bytes of a unit (everything but the 1-4 KiB of tables), over its BF16 bytes. */
    public static double ratio(dev.df11.format.codec.Df11Unit unit) {
        long stored = unit.encodedExponent().byteSize() + unit.signMantissa().byteSize()
                + unit.outputPositions().byteSize() + unit.gaps().byteSize() + unit.luts().byteSize();
        return stored / (2.0 * unit.elementCount());
    }
}
