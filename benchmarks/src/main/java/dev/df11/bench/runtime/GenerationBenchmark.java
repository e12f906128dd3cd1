package dev.df11.bench.runtime;

import dev.df11.runtime.backend.DecodeStats;
import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.ProcessMemory;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Tokens per second of the CPU runtime on BF16 and DF11 weights: {@code generate} runs one token through the model
 * (the generation step: tokens/s = ops/s), {@code prompt} runs a batch of 32 prompt tokens (ops/s = prompt
 * tokens/s). The fork prints, at teardown, the resident weight bytes (the store's plus the CPU backend's decode
 * buffers), the mean decode time per unit, the time the forward steps waited for decodes, and peak resident memory
 * (VmHWM).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar GenerationBenchmark                     # stories15M BF16 vs DF11
 * java -jar benchmarks/target/benchmarks.jar GenerationBenchmark -p model=/m/1b,/m/1b-df11 -p prefetch=false,true
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g", "-XX:+UseParallelGC"})
public class GenerationBenchmark {

    private static final int PROMPT_BATCH = 32;
    private static final int CONTEXT = 256;

    @Param({"stories15M-bf16", "stories15M-df11"})
    public String model;

    @Param({"false"})
    public boolean prefetch;

    @Param({"0"})
    public int threads;

    /**
     * Resident weight bytes (the store's plus the decode buffers) and the decode buffers alone, as JMH secondary
     * metrics, so that the memory lands in JMH's JSON beside the tokens/s. EVENTS counters are reported as their value
     * at the end of each iteration, not as a rate (JMH's own table shows their sum over the iterations; the report
     * reads each iteration's value); the benchmark methods assign (not add) a value fixed at setup.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Memory {
        public long residentWeightBytes;
        public long decodeBufferBytes;
    }

    private Path scratch;
    private long residentWeightBytes;
    private long decodeBufferBytes;
    private ForwardPass forward;
    private int position;
    private int token = 1;
    private final int[] promptTokens = new int[PROMPT_BATCH];

    @Setup
    public void setUp() throws IOException {
        scratch = Files.createTempDirectory("df11-bench-generation");
        int threadCount = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        WeightStore weights = WeightStores.open(BenchModels.resolve(model, scratch),
                new WeightStores.Df11Options(threadCount));
        forward = new ForwardPass(new CpuBackend(threadCount, prefetch), weights, CONTEXT, PROMPT_BATCH);
        residentWeightBytes = forward.residentWeightBytes();
        decodeBufferBytes = forward.decodeBufferBytes();
        for (int i = 0; i < PROMPT_BATCH; i++) {
            promptTokens[i] = 1 + (i * 7919) % (weights.config().vocabSize() - 1);
        }
    }

    @Benchmark
    public float generate(Memory memory) {
        memory.residentWeightBytes = residentWeightBytes;
        memory.decodeBufferBytes = decodeBufferBytes;
        if (position == CONTEXT) {
            position = 0;
        }
        float[] logits = forward.forward(new int[] {token}, position++);
        token = 1 + (token * 31 + 7) % (logits.length - 1);
        return logits[0];
    }

    @Benchmark
    @OperationsPerInvocation(PROMPT_BATCH)
    public float prompt(Memory memory) {
        memory.residentWeightBytes = residentWeightBytes;
        memory.decodeBufferBytes = decodeBufferBytes;
        return forward.forward(promptTokens, 0)[0];
    }

    @TearDown
    public void tearDown() throws IOException {
        WeightStore weights = forward.weights();
        DecodeStats decode = forward.decodeStats();
        System.out.printf(Locale.ROOT, "%n[%s] %s weights: %.1f MiB resident (of which decode buffers %.1f MiB); "
                        + "decode %.3f ms/unit over %d units (%.2f GB/s); forward waited %.3f ms per layer unit, "
                        + "%.3f ms per output band; peak RSS %.1f MiB%n",
                model, weights.kind(), forward.residentWeightBytes() / 1048576.0,
                forward.decodeBufferBytes() / 1048576.0, decode.meanDecodeMillis(), decode.decodes(),
                decode.decodeGigabytesPerSecond(), decode.meanLayerWaitMillis(), decode.meanOutputWaitMillis(),
                ProcessMemory.peakResidentBytes().orElse(-1) / 1048576.0);
        forward.close();
        BenchModels.deleteRecursively(scratch);
    }
}
