package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Layout;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.api.DecodeTask;
import dev.df11.tornado.api.Df11Tasks;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.forward.FusedMatVecKernels;
import dev.df11.tornado.forward.WeightPlanes;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A DF11 unit kept compressed on the device, in one of two {@link DecodeMode}s.
 *
 * <p>{@link DecodeMode#EXACT}: decoded through the DF11 embedding API ({@link Df11Tasks}): the decode tasks added to
 * a graph move the compressed arrays on the first execution only, and every execution of the graph starts by
 * decoding the whole unit's exponents into the shared exponent plane (v3f). The kernels then read the weights from
 * that plane and from the unit's own sign/mantissa bytes, which stay resident. The task's per-block consistency flags
 * stay on the device until {@link #verify} is asked to look at them.
 *
 * <p>{@link DecodeMode#FUSED}: no decode task and no shared plane; each matrix-vector product decodes its rows itself
 * ({@link dev.df11.tornado.forward.FusedMatVecKernels}) from the stream, the tables and the sign/mantissa bytes, with
 * the chunk index {@link ChunkStarts} made (and the stream checked) on the host when the unit is created.
 *
 * <p>Either way no BF16 copy of the unit ever exists on the device.
 */
public final class CompressedDeviceUnit implements DeviceUnit {

    private final CompressedUnit unit;
    private final ChunkStarts chunks;
    private final UnitTail tail;
    private DecodeTask task;

    private CompressedDeviceUnit(CompressedUnit unit, ChunkStarts chunks, UnitTail tail) {
        this.unit = unit;
        this.chunks = chunks;
        this.tail = tail;
    }

    /** The arrays a fused matrix-vector task reads for one matrix of this unit. */
    public record FusedMatrix(IntArray codeWords, IntArray tables, IntArray chunkStarts, int chunkBase,
            IntArray signMantissa) {
    }

    /**
     * Validates {@code compressed} on the host and lays out its kernel-ready arrays (the unit's one host copy) in
     * {@code staging}: they are written (and, fused, the stream walked and checked) when {@code staging} is filled,
     * right before the upload; {@code compressed}'s segments must stay readable until then. The whole DF11 unit is
     * decoded on the device, whatever range of it {@code unit} (for example a band of output rows) covers.
     */
    public static CompressedDeviceUnit staged(WeightUnit unit, Df11Unit compressed, DecodeMode mode, UnitTail tail,
            HostStaging staging) {
        CompressedUnit arrays = CompressedUnit.unfilled(compressed, staging);
        requireCovers(unit, compressed, arrays.elements());
        ChunkStarts chunks = fusable(unit, compressed, mode)
                ? ChunkStarts.layout(compressed, matrices(unit), staging::ints) : null;
        staging.onFill(() -> {
            arrays.fill();
            if (chunks != null) {
                chunks.fill(compressed);
            }
            for (MemorySegment source : List.of(compressed.luts(), compressed.encodedExponent(),
                    compressed.signMantissa(), compressed.outputPositions(), compressed.gaps())) {
                staging.readFrom(source);
            }
        });
        return new CompressedDeviceUnit(arrays, chunks, tail);
    }

    /**
     * Checks that the DF11 unit {@code compressed}, decoding to {@code elements} elements, reaches the end of
     * {@code unit}'s range: the device holds the whole DF11 unit, whatever range of it {@code unit} covers.
     *
     * @throws Df11FormatException naming both units when it does not
     */
    static void requireCovers(WeightUnit unit, Df11Unit compressed, long elements) {
        if (elements < unit.source().to()) {
            throw new Df11FormatException(compressed.name(), "the unit decodes to " + elements
                    + " elements, " + unit.name() + " needs elements up to " + unit.source().to());
        }
    }

    /**
     * Whether {@code unit} runs fused in {@code mode}: its stream fits 32-bit chunk starts and every row fits the
     * fused kernel's stage; otherwise it is decoded exactly (same products, one more pass over memory).
     */
    static boolean fusable(WeightUnit unit, Df11Unit compressed, DecodeMode mode) {
        return mode == DecodeMode.FUSED && ChunkStarts.fits(compressed)
                && unit.matrices().stream().allMatch(s -> s.cols() <= FusedMatVecKernels.STAGE_ELEMENTS
                        && (s.cols() & 3) == 0);
    }

    /** The unit's matrices where they lie in the whole DF11 unit. */
    static List<ChunkStarts.Matrix> matrices(WeightUnit unit) {
        return unit.matrices().stream()
                .map(s -> new ChunkStarts.Matrix(LayerOffsets.bufferOffset(unit, s), s.rows(), s.cols()))
                .toList();
    }

    /** Whether this unit's products decode their own exponents ({@link DecodeMode#FUSED}). */
    public boolean fused() {
        return chunks != null;
    }

    /**
     * What a fused product of the {@code rows x cols} matrix at element {@code offset} reads. The rows may run over
     * several consecutive matrices of the same width (q|k|v, gate|up).
     *
     * @throws IllegalStateException    when the unit is not fused
     * @throws IllegalArgumentException when no indexed matrices cover those rows
     */
    public FusedMatrix fusedMatrix(int offset, int rows, int cols) {
        if (chunks == null) {
            throw new IllegalStateException("unit " + unit.name() + " is not fused");
        }
        ChunkStarts.Span first = chunks.spanAt(offset);
        long covered = 0;
        long at = offset;
        ChunkStarts.Span span = first;
        while (span != null && span.cols() == cols && covered < rows) {
            covered += span.rows();
            at = span.end();
            span = chunks.spanAt(at);
        }
        if (first == null || covered < rows) {
            throw new IllegalArgumentException("unit " + unit.name() + ": no indexed matrices of " + cols
                    + " columns cover " + rows + " rows from element " + offset);
        }
        PackedInputs packed = unit.packedInputs();
        return new FusedMatrix(packed.codeWords(), packed.tables(), chunks.starts(), first.base(),
                unit.signMantissaWords());
    }

    /**
     * Off-heap host bytes of {@code unit}'s kernel-ready arrays ({@link CompressedUnit}), from its sizes alone: the
     * packed tables, the padded stream and sign/mantissa words, the positions and the gaps.
     */
    static long hostBytes(WeightUnit weights, Df11Unit unit, DecodeMode mode) {
        long index = fusable(weights, unit, mode) ? ChunkStarts.bytes(matrices(weights)) : 0;
        return index + hostBytes(unit);
    }

    private static long hostBytes(Df11Unit unit) {
        long tables = (unit.luts().byteSize() / 256 - 1 + 2) * 256L * Integer.BYTES;
        long stream = Math.max((long) unit.blockCount() * Df11Layout.BYTES_PER_BLOCK + 16,
                unit.encodedExponent().byteSize()) + 3;
        long signMantissa = (unit.elementCount() / 4 + 3) * Integer.BYTES;
        return tables + stream + signMantissa + unit.outputPositions().byteSize() + unit.gaps().byteSize() + 1;
    }

    @Override
    public String name() {
        return unit.name();
    }

    @Override
    public boolean usesDecodeBuffer() {
        return !fused();
    }

    @Override
    public int decodedElements() {
        return fused() ? 0 : unit.elements();
    }

    @Override
    public WeightPlanes planes(IntArray exponentBuffer) {
        return new WeightPlanes(exponentBuffer, unit.signMantissaWords());
    }

    /**
     * The arrays the kernels read, once: the sign/mantissa bytes (exact: the decode tasks move the other compressed
     * arrays), or everything a fused product reads.
     */
    @Override
    public TaskGraph addTransfers(TaskGraph graph) {
        if (fused()) {
            PackedInputs packed = unit.packedInputs();
            return graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, unit.signMantissaWords(),
                    packed.codeWords(), packed.tables(), chunks.starts());
        }
        return graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, unit.signMantissaWords());
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray exponentBuffer,
            GridScheduler grids) {
        if (fused()) {
            return graph;
        }
        if (task != null) {
            throw new IllegalStateException("unit " + unit.name() + " already decodes in " + task.id());
        }
        task = Df11Tasks.addExponentDecode(graph, taskName, unit, exponentBuffer);
        task.registerIn(grids);
        return graph;
    }

    /** Forgets the decode task {@link #addDecode} added: the graphs that held it are being built again. */
    public void forgetDecode() {
        task = null;
    }

    /**
     * Copies the per-block flags of the last decode to the host (from {@code result} of the graph that decoded)
     * and checks them.
     *
     * @throws Df11FormatException naming the unit and block when a block's codes disagree with its positions
     */
    public void verify(TornadoExecutionResult result) {
        if (fused()) {
            return;   // the chunk index walked and checked every code on the host
        }
        if (task == null) {
            throw new IllegalStateException("unit " + unit.name() + " has no decode task");
        }
        task.verify(result);
    }

    @Override
    public long deviceBytes() {
        if (fused()) {
            PackedInputs packed = unit.packedInputs();
            return unit.signMantissaWords().getNumBytesOfSegment() + packed.codeWords().getNumBytesOfSegment()
                    + packed.tables().getNumBytesOfSegment() + chunks.starts().getNumBytesOfSegment() + tail.bytes();
        }
        // The unit's arrays, plus per block a status flag and two boundary quads.
        return unit.deviceBytes() + 12L * unit.blocks() + tail.bytes();
    }

    @Override
    public UnitTail tail() {
        return tail;
    }

    /** Device bytes of the fused index ({@link ChunkStarts}); 0 for an exact unit. */
    public long chunkIndexBytes() {
        return fused() ? chunks.starts().getNumBytesOfSegment() : 0;
    }
}
