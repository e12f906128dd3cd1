package dev.df11.lab.bench;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.UnitArrays;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.ShardedSafetensorsWriter;
import dev.df11.lab.decode.LadderUnit;
import dev.df11.lab.decode.KernelVersion;
import dev.df11.lab.decode.TornadoDecoder;
import dev.df11.tornado.device.TornadoDevices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * GPU decode benchmark: a deterministic N(0, sigma^2) BF16 tensor is encoded once and uploaded once; then each decode
 * kernel version runs with warm-up and many timed repetitions (TornadoVM's profiler gives kernel time; wall time is
 * measured around each synchronous execution), next to a device-to-device copy of the same bytes as the bandwidth
 * baseline. Each kernel's output is checked once against the CPU decoder. GB/s count the BF16 output bytes
 * ({@code 2 * elements}) for every version, so that v3f-exponent-plane (which writes one byte per element, decode and
 * join timed together) compares with the others; its check composes BF16 on the host from the plane and the
 * sign/mantissa bytes, so it compares the plane with the CPU decoder's exponents (and requires the plane's bytes past
 * the last element to be zero).
 *
 * <pre>decode-bench --elements 134217728 --reps 50 --out results/decode.json</pre>
 */
@Command(name = "decode-bench", mixinStandardHelpOptions = true,
        description = "Times the TornadoVM DF11 decode kernels against a device copy baseline.")
public final class DecodeBenchmark implements Callable<Integer> {

    @Option(names = "--elements", defaultValue = "134217728", description = "BF16 elements (default 128M).")
    int elements;

    @Option(names = "--seed", defaultValue = "11", description = "Seed of the Gaussian tensor.")
    long seed;

    @Option(names = "--sigma", defaultValue = "0.02", description = "Standard deviation of the weights.")
    double sigma;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed launches before timing.")
    int warmup;

    @Option(names = "--reps", defaultValue = "50", description = "Timed launches per kernel.")
    int reps;

    @Option(names = "--kernels", split = ",", defaultValue = "all",
            description = "Kernel versions, e.g. v1-global,v3-single-pass, or all (the default).")
    List<String> kernels;

    @Option(names = "--device", defaultValue = "default", description = "TornadoVM device BACKEND:DEVICE, e.g. 0:0.")
    String device;

    @Option(names = "--out", description = "Write the results here (.json, else CSV).")
    Path out;

    @Option(names = "--write-unit", paramLabel = "DIR",
            description = "Also write the encoded unit (tensors bench.*) and the original (bench.original) to "
                    + "DIR/unit.safetensors, so other decoders can be timed on the same bytes.")
    Path writeUnit;

    @Option(names = "--list-devices", description = "Print the TornadoVM devices and exit.")
    boolean listDevices;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DecodeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (listDevices) {
            TornadoDevices.describeAll().forEach(System.out::println);
            return 0;
        }
        TornadoDevice target = TornadoDevices.select(device);
        BenchmarkReport report = new BenchmarkReport();
        report.put("device", TornadoDevices.describe(target));
        report.put("elements", elements);
        report.put("distribution", "N(0, " + sigma + "^2) rounded to BF16, seed " + seed);

        long t0 = System.nanoTime();
        MemorySegment original = GaussianBf16.generate(seed, elements, sigma);
        int threads = Runtime.getRuntime().availableProcessors();
        Df11Unit unit = new Df11Encoder(threads).encode("bench", List.of(original));
        LadderUnit deviceUnit = LadderUnit.of(unit, "generated tensor");
        long bf16Bytes = 2L * elements;
        report.put("bf16_bytes", bf16Bytes);
        report.put("compressed_bytes", deviceUnit.compressedBytes());
        report.put("compression_ratio", (double) deviceUnit.compressedBytes() / bf16Bytes);
        report.put("lookup_tables", deviceUnit.lutRows() - 1);
        report.put("blocks", deviceUnit.blocks());
        report.put("encode_s", (System.nanoTime() - t0) / 1e9);

        if (writeUnit != null) {
            writeUnit(unit, original);
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment reference = arena.allocate(bf16Bytes);
            new Df11Decoder(threads).decode(unit, reference);
            if (MemorySegment.mismatch(reference, 0, bf16Bytes, original, 0, bf16Bytes) != -1) {
                throw new IllegalStateException("the CPU decoder does not reproduce the tensor; no reference");
            }
            List<String> labels = kernels.equals(List.of("all")) ? List.of(KernelVersion.labels().split(",")) : kernels;
            for (String label : labels) {
                KernelVersion version = KernelVersion.parse(label);
                try {
                    report.add(timeDecode(deviceUnit, version, target, reference));
                } catch (RuntimeException e) {
                    // One kernel that fails to compile or run on this device must not cost the others' numbers.
                    System.err.println(version.label() + " FAILED, skipped: " + e);
                }
            }
            report.add(timeCopy(original, target));
        }
        report.print(System.out);
        if (out != null) {
            report.write(out);
            System.out.println("wrote " + out.toAbsolutePath());
        }
        return 0;
    }

    private BenchmarkReport.Row timeDecode(LadderUnit unit, KernelVersion version, TornadoDevice target,
            MemorySegment reference) {
        try (TornadoDecoder decoder = new TornadoDecoder(unit, version, target, true)) {
            decoder.launch();   // compiles the kernel and uploads the unit
            decoder.fetchOutput();
            long bytes = 2L * unit.elements();
            long mismatch = MemorySegment.mismatch(reference, 0, bytes, decoder.output().getSegment(), 0, bytes);
            String check = mismatch == -1 ? "bit-exact vs CPU" : "MISMATCH at element " + mismatch / 2;
            if (mismatch != -1) {
                describeMismatches(unit, version, reference, decoder.output().getSegment());
            }
            for (int i = 0; i < warmup; i++) {
                decoder.launch();
            }
            long[] kernel = new long[reps];
            long[] wall = new long[reps];
            for (int i = 0; i < reps; i++) {
                long start = System.nanoTime();
                decoder.launch();
                wall[i] = System.nanoTime() - start;
                kernel[i] = decoder.lastKernelNanos();
            }
            return new BenchmarkReport.Row(version.label(), version.description(), bytes,
                    new Timings("kernel", kernel), new Timings("wall", wall), check);
        }
    }

    /**
     * Prints where a kernel's output differs from the CPU's: how many elements, and for the first few their block,
     * offset in the block and whether their quad is shared with a neighbouring block, which is what tells a decode
     * bug from a boundary bug.
     */
    private static void describeMismatches(LadderUnit unit, KernelVersion version, MemorySegment reference,
            MemorySegment output) {
        int[] positions = unit.outputPositions().toHeapArray();
        long wrong = 0;
        int shown = 0;
        for (int i = 0; i < unit.elements(); i++) {
            short want = reference.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
            short got = output.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
            if (want == got) {
                continue;
            }
            wrong++;
            if (shown++ < 12) {
                int block = Arrays.binarySearch(positions, 0, unit.blocks() + 1, i);
                block = block >= 0 ? block : -block - 2;
                int start = positions[block];
                int end = Math.min(positions[block + 1], unit.elements());
                boolean shared = (start >> 2) == (i >> 2) && (start & 3) != 0
                        || (end >> 2) == (i >> 2) && (end & 3) != 0;
                System.err.printf("%s: element %d (block %d, [%d, %d), offset %d, quad %s): want 0x%04x got 0x%04x%n",
                        version.label(), i, block, start, end, i - start, shared ? "shared" : "whole",
                        want & 0xFFFF, got & 0xFFFF);
            }
        }
        System.err.println(version.label() + ": " + wrong + " of " + unit.elements() + " elements differ");
    }

    /** The same number of bytes as the BF16 output, copied device to device; counted as read + written. */
    private BenchmarkReport.Row timeCopy(MemorySegment original, TornadoDevice target) throws Exception {
        int words = (int) (original.byteSize() / 4);
        IntArray in = IntArray.fromSegment(original.asSlice(0, 4L * words));
        IntArray copy = new IntArray(words);
        TaskGraph graph = new TaskGraph("df11_copy")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, in, copy)
                .task("copy", CopyKernels::copyWords, new KernelContext(), in, copy, words)
                .transferToHost(DataTransferMode.UNDER_DEMAND, copy);
        WorkerGrid1D grid = new WorkerGrid1D(roundUp(words, 256));
        grid.setLocalWork(256, 1, 1);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(new GridScheduler("df11_copy.copy", grid)).withDevice(target)
                    .withProfiler(ProfilerMode.SILENT);
            TornadoExecutionResult result = plan.execute();
            result.transferToHost(copy);
            String check = in.getSegment().mismatch(copy.getSegment()) == -1 ? "copy exact"
                    : "COPY MISMATCH";
            PlanTimer timed = PlanTimer.measure(plan, warmup, reps);
            plan.freeDeviceMemory();
            return new BenchmarkReport.Row("copy", "device-to-device copy of the BF16 bytes (read + write)",
                    8L * words, timed.kernel(), timed.wall(), check);
        }
    }

    private void writeUnit(Df11Unit unit, MemorySegment original) throws IOException {
        Files.createDirectories(writeUnit);
        ShardedSafetensorsWriter writer = new ShardedSafetensorsWriter(writeUnit, "unit", Long.MAX_VALUE);
        UnitArrays.add(writer, unit);
        writer.add(unit.name() + ".original", DType.BF16, new long[] {elements}, original);
        writer.finish();
        System.out.println("wrote " + writeUnit.resolve("unit.safetensors").toAbsolutePath());
    }

    private static int roundUp(int n, int multiple) {
        return Math.max(multiple, (n + multiple - 1) / multiple * multiple);
    }
}
