package dev.df11.format.model;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.TensorInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a DF11 folder against the BF16 folder it came from, bit for bit: every unit is decoded and each matrix
 * compared with the reference tensor of the same name; every plain tensor is compared byte for byte; a tensor present
 * on one side only is a mismatch. Problems are collected, not thrown, so one run reports all of them.
 */
public final class Df11Verifier {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One difference: the tensor and what differs. */
    public record Mismatch(String tensor, String problem) {
        @Override
        public String toString() {
            return tensor + ": " + problem;
        }
    }

    /** The outcome; {@link #identical()} when there is no mismatch. */
    public record Report(int units, int tensorsCompared, long bytesCompared, List<Mismatch> mismatches, long nanos) {
        public Report {
            mismatches = List.copyOf(mismatches);
        }

        public boolean identical() {
            return mismatches.isEmpty();
        }
    }

    private Df11Verifier() { }

    /** Compares {@code model} with {@code reference}. */
    public static Report verify(Df11Model model, SafetensorsDirectory reference, int threads,
            ProgressListener listener) {
        long start = System.nanoTime();
        List<Mismatch> mismatches = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> plain = model.plainTensorNames();
        listener.started(model.unitNames().size() + plain.size());
        Df11Decoder decoder = new Df11Decoder(threads);
        int compared = 0;
        long bytes = 0;
        for (String unitName : model.unitNames()) {
            List<String> names = model.matrixNames(unitName);
            seen.addAll(names);
            try (Arena arena = Arena.ofShared()) {
                Df11Unit unit = model.unit(unitName);
                MemorySegment decoded = arena.allocate(2 * unit.elementCount(), 8);
                decoder.decode(unit, decoded);
                for (int m = 0; m < names.size(); m++) {
                    MemorySegment slice = decoded.asSlice(2 * unit.matrixStart(m),
                            2 * (unit.matrixEnd(m) - unit.matrixStart(m)));
                    String problem = compareMatrix(model, reference, names.get(m), slice);
                    if (problem != null) {
                        mismatches.add(new Mismatch(names.get(m), problem));
                    }
                    compared++;
                    bytes += slice.byteSize();
                }
            } catch (Df11FormatException e) {
                for (String n : names) {
                    mismatches.add(new Mismatch(n, "cannot be decoded: " + e.getMessage()));
                }
            }
            listener.step(unitName);
        }
        for (String name : plain) {
            seen.add(name);
            String problem = comparePlain(model, reference, name);
            if (problem != null) {
                mismatches.add(new Mismatch(name, problem));
            }
            compared++;
            bytes += model.tensors().tensor(name).byteSize();
            listener.step(name);
        }
        for (String name : reference.tensorNames()) {
            if (!seen.contains(name)) {
                mismatches.add(new Mismatch(name, "missing from the DF11 folder"));
            }
        }
        return new Report(model.unitNames().size(), compared, bytes, mismatches, System.nanoTime() - start);
    }

    private static String compareMatrix(Df11Model model, SafetensorsDirectory reference, String name,
            MemorySegment decoded) {
        if (!reference.contains(name)) {
            return "not in the reference folder";
        }
        TensorInfo ref = reference.tensor(name);
        if (ref.dtype() != DType.BF16) {
            return "reference is " + ref.dtype() + ", not BF16";
        }
        long[] shape;
        try {
            shape = model.locate(name).orElseThrow().shape();
        } catch (Df11FormatException e) {
            return e.getMessage();
        }
        if (!Arrays.equals(shape, ref.shape())) {
            return "shape " + Arrays.toString(shape) + " but the reference has " + Arrays.toString(ref.shape());
        }
        MemorySegment expected = reference.data(name);
        long at = expected.mismatch(decoded);
        if (at < 0) {
            return null;
        }
        long index = at / 2;
        return String.format("differs first at element %d: decoded 0x%04x, reference 0x%04x", index,
                decoded.get(BF16, 2 * index), expected.get(BF16, 2 * index));
    }

    private static String comparePlain(Df11Model model, SafetensorsDirectory reference, String name) {
        if (!reference.contains(name)) {
            return "not in the reference folder";
        }
        TensorInfo mine = model.tensors().tensor(name);
        TensorInfo ref = reference.tensor(name);
        if (mine.dtype() != ref.dtype() || !Arrays.equals(mine.shape(), ref.shape())) {
            return mine.dtype() + Arrays.toString(mine.shape()) + " but the reference is " + ref.dtype()
                    + Arrays.toString(ref.shape());
        }
        long at = model.tensors().data(name).mismatch(reference.data(name));
        return at < 0 ? null : "differs first at element " + at / mine.dtype().byteSize() + " (byte " + at + ")";
    }
}
