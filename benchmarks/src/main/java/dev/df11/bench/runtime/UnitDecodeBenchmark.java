package dev.df11.bench.runtime;

import dev.df11.runtime.cpu.HostWeights;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Per-block decode time of a DF11 model as the CPU backend sees it: {@code acquireLayer} acquires decoder layers in
 * turn from the backend's {@link HostWeights} (each acquire decodes one whole layer unit into the reused buffer),
 * reporting layers per second (per-block decode time = 1 / score) and the BF16 {@code bytes} produced per second.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar UnitDecodeBenchmark -p model=/m/1b-df11 -p threads=1,2</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class UnitDecodeBenchmark {

    @Param({"stories15M-df11"})
    public String model;

    @Param({"0"})
    public int threads;

    private Path scratch;
    private WeightStore weights;
    private HostWeights host;
    private int layer;

    /** BF16 bytes produced (rate per second). */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Output {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() throws IOException {
        scratch = Files.createTempDirectory("df11-bench-decode");
        int threadCount = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        weights = WeightStores.open(BenchModels.resolve(model, scratch),
                new WeightStores.Df11Options(threadCount));
        if (!weights.layerUnit(0).compressed() || weights.config().layerCount() < 2) {
            throw new IllegalArgumentException(model + " is not a DF11 model with at least two compressed layers");
        }
        host = new HostWeights(weights, threadCount, false);
    }

    @Benchmark
    public Object acquireLayer(Output output) {
        int current = layer;
        layer = (layer + 1) % weights.config().layerCount();
        output.bytes += 2 * weights.layerUnit(current).elementCount();
        return host.layer(current);
    }

    @TearDown
    public void tearDown() throws IOException {
        host.close();
        weights.close();
        BenchModels.deleteRecursively(scratch);
    }
}
