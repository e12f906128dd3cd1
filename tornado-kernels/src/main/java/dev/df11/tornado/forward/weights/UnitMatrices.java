package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.UnitWeights;
import dev.df11.runtime.weights.WeightUnit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Comparator;
import java.util.List;

/**
 * A unit's matrices where its device buffer holds them ({@link Span}s, by offset), and a way to read their BF16
 * weights on the host a slice at a time: straight from a BF16 store's mapped matrices, or decoded from the DF11 unit
 * with the CPU decoder into one reused buffer. What {@link ExponentCensus} counts and {@link UnitTail} collects.
 */
public final class UnitMatrices {

    /** Elements read at a time. */
    static final int SLICE = 1 << 22;

    /**
     * A matrix in the unit's device buffer.
     *
     * @param offset element of {@code [0, 0]}
     */
    public record Span(String name, long offset, int rows, int cols) {

        long end() {
            return offset + (long) rows * cols;
        }
    }

    /** Receives consecutive elements {@code from .. from + length - 1} of {@code span}, row-major, as BF16. */
    public interface SliceConsumer {
        void accept(MemorySegment bf16, Span span, long from, int length);
    }

    private interface Reader {
        /** Elements {@code from .. from + length - 1} of {@code span}: a view, or {@code buffer} filled. */
        MemorySegment read(Span span, long from, int length, MemorySegment buffer);
    }

    private final String name;
    private final List<Span> spans;
    private final Reader reader;
    /** Elements a decoding reader's buffer holds; 0 for a reader of views. */
    private final int slice;

    private UnitMatrices(String name, List<Span> spans, Reader reader, int slice) {
        this.name = name;
        this.spans = spans.stream().sorted(Comparator.comparingLong(Span::offset)).toList();
        this.reader = reader;
        this.slice = slice;
        for (int i = 1; i < this.spans.size(); i++) {
            if (this.spans.get(i).offset() < this.spans.get(i - 1).end()) {
                throw new IllegalArgumentException("unit " + name + ": matrices " + this.spans.get(i - 1).name()
                        + " and " + this.spans.get(i).name() + " overlap");
            }
        }
    }

    /** The matrices of the plain unit {@code unit}, read from {@code weights} (the store's view of it). */
    public static UnitMatrices plain(WeightUnit unit, UnitWeights weights) {
        return new UnitMatrices(unit.name(), spans(unit), (span, from, length, buffer) ->
                weights.matrix(span.name()).data().asSlice(2 * from, 2L * length), 0);
    }

    /**
     * The matrices of {@code unit} in the DF11 unit {@code compressed} (the whole of which the device holds), decoded
     * with {@code decoder}.
     */
    public static UnitMatrices compressed(WeightUnit unit, Df11Unit compressed, Df11UnitDecoder decoder) {
        return compressed(unit.name(), spans(unit), compressed, decoder, SLICE);
    }

    /**
     * The matrices {@code spans} of the DF11 unit {@code compressed}, named {@code name} in messages (a benchmark's or
     * a test's matrix).
     */
    public static UnitMatrices compressed(String name, List<Span> spans, Df11Unit compressed,
            Df11UnitDecoder decoder) {
        return compressed(name, spans, compressed, decoder, SLICE);
    }

    /** As above, {@code slice} elements at a time. */
    static UnitMatrices compressed(String name, List<Span> spans, Df11Unit compressed, Df11UnitDecoder decoder,
            int slice) {
        return new UnitMatrices(name, spans, (span, from, length, buffer) -> {
            long at = span.offset() + from;
            decoder.decodeRange(compressed, at, at + length, buffer);
            return buffer.asSlice(0, 2L * length);
        }, slice);
    }

    /** The spans of {@code unit}'s matrices at their device-buffer offsets. */
    static List<Span> spans(WeightUnit unit) {
        return unit.matrices().stream().map(s -> span(unit, s)).toList();
    }

    private static Span span(WeightUnit unit, MatrixSlot slot) {
        return new Span(slot.name(), LayerOffsets.bufferOffset(unit, slot), slot.rows(), slot.cols());
    }

    /** The unit's name, for messages. */
    public String name() {
        return name;
    }

    /** The matrices, by offset. */
    public List<Span> spans() {
        return spans;
    }

    /** Hands every matrix's weights to {@code consumer}, in order, at most a slice at a time. */
    public void forEachSlice(SliceConsumer consumer) {
        int step = slice > 0 ? slice : SLICE;
        try (Arena arena = Arena.ofShared()) {   // shared: consumers count a slice on several threads
            long largest = spans.stream().mapToLong(s -> (long) s.rows() * s.cols()).max().orElse(1);
            MemorySegment buffer = slice > 0 ? arena.allocate(2L * Math.max(1, Math.min(slice, largest))) : null;
            for (Span span : spans) {
                long elements = (long) span.rows() * span.cols();
                for (long from = 0; from < elements; from += step) {
                    int length = (int) Math.min(step, elements - from);
                    consumer.accept(reader.read(span, from, length, buffer), span, from, length);
                }
            }
        }
    }
}
