package dev.df11.bench.codec;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.TensorChecksums;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What checking the recorded checksums costs, on one unit shaped as a Llama-3.2-1B decoder layer (q, k, v, o, gate,
 * up, down: 60.8M N(0, 0.02) weights, 122 MB of BF16): the CRC-32C of its seven matrices alone (in parallel, as the
 * checks compute them), a DF11 decode alone, and a decode followed by the checksums (what {@code verify},
 * {@code decompress --check} and {@code generate --check} do per unit). {@code bf16Bytes} is bytes of BF16 per
 * second; {@code threads = 0} means all available processors.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Benchmark)
public class ChecksumBenchmark {

    @Param({"1", "0"})
    public int threads;

    /** Elements of q, k, v, o, gate, up, down in a Llama-3.2-1B layer (hidden 2048, 8 KV heads of 64, MLP 8192). */
    private static final long[] LAYER = {2048L * 2048, 512L * 2048, 512L * 2048, 2048L * 2048, 8192L * 2048,
            8192L * 2048, 2048L * 8192};

    private Df11Unit unit;
    private Df11Decoder decoder;
    private MemorySegment out;
    private List<MemorySegment> matrices;
    private int[] expected;
    private int workers;

    /** Bytes of BF16 decoded and/or checked, reported by JMH as a rate. */
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
        long total = java.util.Arrays.stream(LAYER).sum();
        MemorySegment original = BenchData.gaussian(1, Math.toIntExact(total), 0.02);
        List<MemorySegment> parts = new ArrayList<>();
        long at = 0;
        for (long n : LAYER) {
            parts.add(original.asSlice(2 * at, 2 * n));
            at += n;
        }
        workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        unit = new Df11Encoder(Runtime.getRuntime().availableProcessors()).encode("layer", parts);
        decoder = new Df11Decoder(workers);
        out = Arena.ofShared().allocate(original.byteSize(), 64);
        matrices = new ArrayList<>();
        for (int m = 0; m < unit.matrixCount(); m++) {
            matrices.add(out.asSlice(2 * unit.matrixStart(m), 2 * (unit.matrixEnd(m) - unit.matrixStart(m))));
        }
        expected = TensorChecksums.crc32c(parts, workers);
    }

    @Benchmark
    public int[] crc32c(Counters counters) {
        counters.bf16Bytes += out.byteSize();
        return TensorChecksums.crc32c(matrices, workers);
    }

    @Benchmark
    public MemorySegment decode(Counters counters) {
        decoder.decode(unit, out);
        counters.bf16Bytes += out.byteSize();
        return out;
    }

    @Benchmark
    public int[] decodeAndCheck(Counters counters) {
        decoder.decode(unit, out);
        int[] crcs = TensorChecksums.crc32c(matrices, workers);
        if (!java.util.Arrays.equals(crcs, expected)) {
            throw new IllegalStateException("checksums of the decoded weights differ");
        }
        counters.bf16Bytes += out.byteSize();
        return crcs;
    }
}
