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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What checking the recorded checksums costs: CRC-32C of decoded BF16 alone, a DF11 decode alone, and a decode
 * followed by the CRC-32C of its output (what {@code verify}, {@code decompress --check} and {@code generate --check}
 * do per matrix), on the same 16M N(0, 0.02) weights. {@code bf16Bytes} is bytes of BF16 per second.
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

    private Df11Unit unit;
    private Df11Decoder decoder;
    private MemorySegment out;
    private int expected;

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
        MemorySegment original = BenchData.load("gaussian16M");
        unit = new Df11Encoder(Runtime.getRuntime().availableProcessors()).encode("gaussian16M", List.of(original));
        decoder = new Df11Decoder(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        out = Arena.ofShared().allocate(original.byteSize(), 64);
        expected = TensorChecksums.crc32c(original);
    }

    @Benchmark
    public int crc32c(Counters counters) {
        counters.bf16Bytes += out.byteSize();
        return TensorChecksums.crc32c(out);
    }

    @Benchmark
    public MemorySegment decode(Counters counters) {
        decoder.decode(unit, out);
        counters.bf16Bytes += out.byteSize();
        return out;
    }

    @Benchmark
    public int decodeAndCheck(Counters counters) {
        decoder.decode(unit, out);
        int crc = TensorChecksums.crc32c(out);
        if (crc != expected) {
            throw new IllegalStateException("checksum of the decoded weights differs");
        }
        counters.bf16Bytes += out.byteSize();
        return crc;
    }
}
