package dev.df11.bench.codec;

import com.github.luben.zstd.Zstd;
import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.huffman.ExponentHistogram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A quick side-by-side of DF11 and zstd on the benchmark tensors: sizes (exact) and one-pass speeds (rough, for a
 * glance; use the JMH suites for numbers to report).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.df11.bench.codec.CodecReport [gaussian16M] [stories15M]
 * java -jar benchmarks/target/benchmarks.jar 'dev.df11.bench.codec.*'      # the full JMH suite
 * java -jar benchmarks/target/benchmarks.jar 'dev.df11.bench.codec.*' -f 1 -wi 1 -i 2 -r 1   # a smoke run
 * </pre>
 */
public final class CodecReport {

    private CodecReport() {
    }

    public static void main(String[] args) {
        List<String> sets = args.length == 0 ? List.of("gaussian16M", "stories15M") : List.of(args);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%-12s %10s %9s %9s %9s %9s %12s %12s %12s%n", "data", "weights", "entropy", "DF11", "zstd-3",
                "zstd-19", "enc Mw/s", "dec1 GB/s", "decN GB/s");
        for (String name : sets) {
            MemorySegment weights = BenchData.load(name);
            long n = weights.byteSize() / 2;
            double entropy = ExponentHistogram.of(weights).entropyBitsPerWeight();
            Df11Encoder encoder = new Df11Encoder(cores);
            Df11Unit unit = encoder.encode(name, List.of(weights));
            long t0 = System.nanoTime();
            unit = encoder.encode(name, List.of(weights));
            double encodeRate = n / ((System.nanoTime() - t0) / 1e3);
            MemorySegment out = Arena.ofAuto().allocate(weights.byteSize(), 64);
            double dec1 = decodeRate(new Df11Decoder(1), unit, out);
            double decN = decodeRate(new Df11Decoder(cores), unit, out);
            if (out.mismatch(weights) >= 0) {
                throw new IllegalStateException(name + ": DF11 round trip failed");
            }
            byte[] bytes = weights.toArray(ValueLayout.JAVA_BYTE);
            double zstd3 = (double) Zstd.compress(bytes, 3).length / bytes.length;
            double zstd19 = (double) Zstd.compress(bytes, 19).length / bytes.length;
            System.out.printf("%-12s %10d %9.3f %9.4f %9.4f %9.4f %12.0f %12.2f %12.2f%n", name, n,
                    (8 + entropy) / 16, BenchData.ratio(unit), zstd3, zstd19, encodeRate, dec1, decN);
        }
        System.out.println("sizes are fractions of the BF16 bytes; 'entropy' is the bound (8 + H(exponent)) / 16;"
                + " speeds are one rough pass on " + cores + " cores");
    }

    private static double decodeRate(Df11Decoder decoder, Df11Unit unit, MemorySegment out) {
        for (int warm = 0; warm < 5; warm++) {
            decoder.decode(unit, out);
        }
        int reps = 10;
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            decoder.decode(unit, out);
        }
        return reps * out.byteSize() / (double) (System.nanoTime() - t0);
    }
}
