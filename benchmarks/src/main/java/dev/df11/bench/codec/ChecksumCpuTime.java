package dev.df11.bench.codec;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.TensorChecksums;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU cost of checking, measured in CPU time of the one thread doing the work rather than in wall time, so
 * that other load on a shared machine mostly does not count: CRC-32C of a Llama-3.2-1B layer's seven matrices and a
 * one-thread DF11 decode of the same unit, five rounds of each after a warm-up round. Run with
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.df11.bench.codec.ChecksumCpuTime}.
 */
public final class ChecksumCpuTime {

    private static final long[] LAYER = {2048L * 2048, 512L * 2048, 512L * 2048, 2048L * 2048, 8192L * 2048,
            8192L * 2048, 2048L * 8192};

    private ChecksumCpuTime() { }

    public static void main(String[] args) {
        long total = java.util.Arrays.stream(LAYER).sum();
        MemorySegment original = BenchData.gaussian(1, Math.toIntExact(total), 0.02);
        List<MemorySegment> parts = new ArrayList<>();
        long at = 0;
        for (long n : LAYER) {
            parts.add(original.asSlice(2 * at, 2 * n));
            at += n;
        }
        Df11Unit unit = new Df11Encoder(Runtime.getRuntime().availableProcessors()).encode("layer", parts);
        Df11Decoder decoder = new Df11Decoder(1);
        MemorySegment out = Arena.ofShared().allocate(original.byteSize(), 64);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        System.out.printf("unit: Llama-3.2-1B layer shape, %d weights, %.1f MB of BF16%n", total, 2e-6 * total);
        for (int round = 0; round <= 5; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            decoder.decode(unit, out);
            long t1 = cpu.getCurrentThreadCpuTime();
            int[] crcs = TensorChecksums.crc32c(parts, 1);
            long t2 = cpu.getCurrentThreadCpuTime();
            if (out.mismatch(original) >= 0 || crcs.length != LAYER.length) {
                throw new IllegalStateException("decode differs from the original");
            }
            double decode = 2.0 * total / (t1 - t0);
            double crc = 2.0 * total / (t2 - t1);
            System.out.printf("%s: decode (1 thread) %.2f GB/s, CRC-32C %.2f GB/s of CPU time; checking adds %.1f%%"
                    + " to the decode's CPU time%n", round == 0 ? "warm-up" : "round " + round, decode, crc,
                    100.0 * (t2 - t1) / (t1 - t0));
        }
    }
}
