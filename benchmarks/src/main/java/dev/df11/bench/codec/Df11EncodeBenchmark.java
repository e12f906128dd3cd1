package dev.df11.bench.codec;

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
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DF11 encode throughput. The {@code weights} counter is weights encoded per second; {@code threads = 0} means all
 * available processors. Run: {@code java -jar benchmarks/target/benchmarks.jar Df11EncodeBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Benchmark)
public class Df11EncodeBenchmark {

    @Param({"gaussian16M", "stories15M"})
    public String data;

    @Param({"1", "0"})
    public int threads;

    private MemorySegment weights;
    private Df11Encoder encoder;

    /** Weights encoded, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long weights;

        @Setup(Level.Iteration)
        public void reset() {
            weights = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        weights = BenchData.load(data);
        int parallelism = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        encoder = new Df11Encoder(parallelism);
        Df11Unit unit = encoder.encode(data, List.of(weights));
        System.out.printf("%n[df11] %s: %d weights, DF11 size %.4f of BF16 (%.2f bits/weight), %d tables%n", data,
                unit.elementCount(), BenchData.ratio(unit), 16 * BenchData.ratio(unit),
                unit.lookupTables().tableCount());
    }

    @Benchmark
    public Df11Unit encode(Counters counters) {
        Df11Unit unit = encoder.encode(data, List.of(weights));
        counters.weights += unit.elementCount();
        return unit;
    }
}
