package dev.df11.bench.runtime;

import dev.df11.runtime.cpu.MatMul;
import dev.df11.runtime.cpu.ParallelLoop;
import dev.df11.runtime.weights.Bf16Matrix;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How close the BF16 matrix-vector product comes to the memory bandwidth: {@code matVec} multiplies a BF16 matrix
 * by one fp32 vector with the runtime's kernel; {@code memoryRead} streams the same bytes with the same threads and
 * does nothing but add them up. Both report {@code bytes} per second (the matrix size per operation), so the two
 * rates compare directly. Sizes: 8 MiB (cache-resident on big parts) and 64 MiB (memory-bound).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar MatVecBandwidth -p threads=1,2</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class MatVecBandwidthBenchmark {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;

    /** rows x cols of the BF16 matrix. */
    @Param({"2048x2048", "8192x4096"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private Bf16Matrix matrix;
    private float[] x;
    private float[] y;
    private ParallelLoop loop;
    private MatMul matMul;
    private final AtomicLong sink = new AtomicLong();

    /** Bytes of weights read, per second (JMH divides the per-iteration sum by time). */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Traffic {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        String[] dims = shape.split("x");
        int rows = Integer.parseInt(dims[0]);
        int cols = Integer.parseInt(dims[1]);
        arena = Arena.ofShared();
        MemorySegment data = arena.allocate(2L * rows * cols, 64);
        SplittableRandom random = new SplittableRandom(1);
        ValueLayout.OfShort bf16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < (long) rows * cols; i++) {
            data.setAtIndex(bf16, i, (short) (Float.floatToRawIntBits((float) (0.02 * random.nextGaussian())) >>> 16));
        }
        matrix = new Bf16Matrix("bench", rows, cols, data);
        x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) random.nextGaussian();
        }
        y = new float[rows];
        loop = new ParallelLoop(threads);
        matMul = new MatMul(loop);
    }

    @TearDown
    public void tearDown() {
        loop.close();
        arena.close();
    }

    @Benchmark
    public float matVec(Traffic traffic) {
        matMul.multiply(matrix, x, 1, y);
        traffic.bytes += matrix.data().byteSize();
        return y[0];
    }

    @Benchmark
    public long memoryRead(Traffic traffic) {
        MemorySegment data = matrix.data();
        int rows = matrix.rows();
        long rowBytes = 2L * matrix.cols();
        loop.forRanges(rows, 16, (start, end) -> {
            IntVector acc = IntVector.zero(INTS);
            long from = start * rowBytes;
            long to = end * rowBytes;
            long step = INTS.vectorByteSize();
            for (long offset = from; offset + step <= to; offset += step) {
                acc = acc.add(IntVector.fromMemorySegment(INTS, data, offset, ByteOrder.LITTLE_ENDIAN));
            }
            sink.addAndGet(acc.reduceLanes(VectorOperators.ADD));
        });
        traffic.bytes += data.byteSize();
        return sink.get();
    }
}
