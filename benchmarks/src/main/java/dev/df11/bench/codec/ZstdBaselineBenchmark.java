package dev.df11.bench.codec;

import com.github.luben.zstd.Zstd;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The general-purpose baseline on the same BF16 bytes: zstd (zstd-jni) at levels 3 and 19. Setup prints the
 * compressed size once; the benchmark measures single-threaded decompression ({@code bf16Bytes} = bytes of BF16 output
 * per second), to set beside {@link Df11DecodeBenchmark} with {@code threads = 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
@State(Scope.Benchmark)
public class ZstdBaselineBenchmark {

    @Param({"gaussian16M", "stories15M"})
    public String data;

    @Param({"3", "19"})
    public int level;

    private byte[] original;
    private byte[] compressed;
    private byte[] out;

    /** Bytes of BF16 decompressed, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bf16Bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bf16Bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        MemorySegment weights = BenchData.load(data);
        original = weights.toArray(ValueLayout.JAVA_BYTE);
        long start = System.nanoTime();
        compressed = Zstd.compress(original, level);
        double seconds = (System.nanoTime() - start) / 1e9;
        out = new byte[original.length];
        System.out.printf("%n[zstd-%d] %s: size %.4f of BF16, compressed in %.1f s (%.0f MB/s, one pass)%n", level, data,
                (double) compressed.length / original.length, seconds, original.length / seconds / 1e6);
    }

    @TearDown(Level.Trial)
    public void check() {
        if (!Arrays.equals(original, out)) {
            throw new IllegalStateException("zstd round trip failed");
        }
    }

    @Benchmark
    public byte[] decompress(Counters counters) {
        long n = Zstd.decompress(out, compressed);
        counters.bf16Bytes += n;
        return out;
    }
}
