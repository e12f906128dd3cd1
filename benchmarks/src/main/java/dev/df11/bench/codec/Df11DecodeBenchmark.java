package dev.df11.bench.codec;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DF11 CPU decode throughput. The {@code bf16Bytes} counter is bytes of BF16 output per second (divide by 1e9 for
 * GB/s); {@code threads = 0} means all available processors. The output is off-heap and reused.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Benchmark)
public class Df11DecodeBenchmark {

    @Param({"gaussian16M", "stories15M"})
    public String data;

    @Param({"1", "0"})
    public int threads;

    private Df11Unit unit;
    private Df11Decoder decoder;
    private MemorySegment out;
    private MemorySegment original;

    /** Bytes of BF16 written, reported by JMH as a rate. */
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
        original = BenchData.load(data);
        unit = new Df11Encoder(Runtime.getRuntime().availableProcessors()).encode(data, List.of(original));
        decoder = new Df11Decoder(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        out = Arena.ofShared().allocate(original.byteSize(), 64);
        System.out.printf("%n[df11] %s: DF11 size %.4f of BF16%n", data, BenchData.ratio(unit));
    }

    @TearDown(Level.Trial)
    public void check() {
        if (out.mismatch(original) >= 0) {
            throw new IllegalStateException("decoded output differs from the original at byte " + out.mismatch(original));
        }
    }

    @Benchmark
    public MemorySegment decode(Counters counters) {
        decoder.decode(unit, out);
        counters.bf16Bytes += out.byteSize();
        return out;
    }
}
