package dev.df11.format.model;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.TensorInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a DF11 folder by itself, against the checksums df11 recorded when it compressed the folder
 * ({@link TensorChecksums}): every unit is decoded and each matrix's dtype, shape and CRC-32C compared with the
 * entry under its weight name; every plain tensor likewise; a recorded tensor missing from the folder, or a tensor
 * without an entry, is a mismatch. That catches what decoding alone cannot: a flipped {@code sign_mantissa} byte,
 * lookup-table entries of one length exchanged, a changed {@code pattern_dict} order, a changed recorded shape.
 *
 * <p>A folder without checksums (an official DFloat11 folder) is still decoded in full, so broken arrays are
 * reported, but {@link Report#verified()} stays false: nothing proves its weights are the original ones.
 */
public final class ChecksumVerifier {

    /**
     * The outcome.
     *
     * @param recorded whether the folder records checksums at all
     */
    public record Report(boolean recorded, int units, int tensorsChecked, long bytesChecked,
                         List<Df11Verifier.Mismatch> mismatches, long nanos) {
        public Report {
            mismatches = List.copyOf(mismatches);
        }

        /** Checksums were recorded and every tensor matched its own. */
        public boolean verified() {
            return recorded && mismatches.isEmpty();
        }
    }

    private final Df11Model model;
    private final Optional<Map<String, TensorChecksums.Entry>> recorded;

    private ChecksumVerifier(Df11Model model, Optional<Map<String, TensorChecksums.Entry>> recorded) {
        this.model = model;
        this.recorded = recorded;
    }

    /**
     * Reads the model's checksum records.
     *
     * @throws Df11ModelException when a record is malformed (names the file)
     */
    public static ChecksumVerifier of(Df11Model model) throws Df11ModelException {
        return new ChecksumVerifier(model, TensorChecksums.read(model.tensors()));
    }

    /** Whether the folder records checksums. */
    public boolean recorded() {
        return recorded.isPresent();
    }

    /** The line to show when a folder records no checksums. */
    public static String noChecksumsNotice(Path dir) {
        return dir + " records no checksums (" + TensorChecksums.METADATA_KEY + "; an official DFloat11 folder, or"
                + " one written before df11 recorded them), so its weights cannot be verified by themselves; only"
                + " 'df11 verify --against <original-bf16-dir>' can prove they are the original weights";
    }

    /** Decodes every unit and checks every tensor; see the class comment. */
    public static Report verify(Df11Model model, int threads, ProgressListener listener)
            throws Df11ModelException {
        return of(model).verifyAll(threads, listener);
    }

    private Report verifyAll(int threads, ProgressListener listener) {
        long start = System.nanoTime();
        List<Df11Verifier.Mismatch> mismatches = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> plain = model.plainTensorNames();
        listener.started(model.unitNames().size() + plain.size());
        Df11Decoder decoder = new Df11Decoder(threads);
        int checked = 0;
        long bytes = 0;
        for (String unitName : model.unitNames()) {
            List<String> names = model.matrixNames(unitName);
            seen.addAll(names);
            try (Arena arena = Arena.ofShared()) {
                Df11Unit unit = model.unit(unitName);
                MemorySegment decoded = arena.allocate(2 * unit.elementCount(), 8);
                decoder.decode(unit, decoded);
                mismatches.addAll(checkUnit(unitName, unit, decoded, threads));
                checked += names.size();
                bytes += decoded.byteSize();
            } catch (Df11FormatException e) {
                for (String n : names) {
                    mismatches.add(new Df11Verifier.Mismatch(n, "cannot be decoded: " + e.getMessage()));
                }
            }
            listener.step(unitName);
        }
        for (String name : plain) {
            seen.add(name);
            String problem = checkPlain(name);
            if (problem != null) {
                mismatches.add(new Df11Verifier.Mismatch(name, problem));
            }
            checked++;
            bytes += model.tensors().tensor(name).byteSize();
            listener.step(name);
        }
        mismatches.addAll(missing(seen));
        return new Report(recorded(), model.unitNames().size(), checked, bytes, mismatches,
                System.nanoTime() - start);
    }

    /**
     * Checks every matrix of a decoded unit, computing the matrices' checksums in parallel on up to {@code threads}
     * threads ({@link TensorChecksums#crc32c(List, int)}).
     *
     * @param decoded the whole unit decoded, in a segment any thread may read
     * @return the mismatches, in matrix order
     */
    public List<Df11Verifier.Mismatch> checkUnit(String unitName, Df11Unit unit, MemorySegment decoded, int threads) {
        List<String> names = model.matrixNames(unitName);
        if (recorded.isEmpty()) {
            return List.of();
        }
        List<MemorySegment> slices = new ArrayList<>();
        for (int m = 0; m < names.size(); m++) {
            slices.add(decoded.asSlice(2 * unit.matrixStart(m), 2 * (unit.matrixEnd(m) - unit.matrixStart(m))));
        }
        int[] crcs = TensorChecksums.crc32c(slices, threads);
        List<Df11Verifier.Mismatch> mismatches = new ArrayList<>();
        for (int m = 0; m < names.size(); m++) {
            String problem = checkMatrix(unitName, names.get(m), crcs[m]);
            if (problem != null) {
                mismatches.add(new Df11Verifier.Mismatch(names.get(m), problem));
            }
        }
        return mismatches;
    }

    /**
     * Checks a decoded compressed matrix against its entry.
     *
     * @return what is wrong, naming the file; null when it matches or nothing is recorded for the folder
     */
    private String checkMatrix(String unitName, String weightName, int crc) {
        if (recorded.isEmpty()) {
            return null;
        }
        Path file = model.tensors().fileOf(UnitTensors.name(unitName, UnitTensors.ENCODED_EXPONENT));
        long[] shape;
        try {
            shape = model.locate(weightName).orElseThrow().shape();
        } catch (Df11FormatException e) {
            return "in " + file + ": " + e.problem();
        }
        return compare(weightName, file, DType.BF16, shape, crc, "decoded weights have");
    }

    /**
     * Checks a plain (stored as is) tensor against its entry.
     *
     * @return what is wrong, naming the file; null when it matches or nothing is recorded for the folder
     */
    public String checkPlain(String name) {
        if (recorded.isEmpty()) {
            return null;
        }
        TensorInfo t = model.tensors().tensor(name);
        return compare(name, model.tensors().fileOf(name), t.dtype(), t.shape(),
                TensorChecksums.crc32c(model.tensors().data(name)), "stored bytes have");
    }

    /** Recorded tensors that are not in {@code seen}, the names the folder holds. */
    public List<Df11Verifier.Mismatch> missing(Set<String> seen) {
        List<Df11Verifier.Mismatch> missing = new ArrayList<>();
        recorded.ifPresent(entries -> entries.keySet().stream().filter(n -> !seen.contains(n)).forEach(n ->
                missing.add(new Df11Verifier.Mismatch(n, "has a recorded checksum but is not in " + model.dir()
                        + " (a tensor or a unit was removed, or pattern_dict no longer names it)"))));
        return missing;
    }

    private String compare(String name, Path file, DType dtype, long[] shape, int actual, String what) {
        TensorChecksums.Entry expected = recorded.orElseThrow().get(name);
        if (expected == null) {
            return "in " + file + ": no checksum is recorded for it, though the folder records checksums (a tensor"
                    + " added or renamed after compression?)";
        }
        if (dtype != expected.dtype() || !Arrays.equals(shape, expected.shape())) {
            return "in " + file + ": the folder gives it " + dtype + Arrays.toString(shape) + ", but its checksum"
                    + " record says " + expected.dtype() + Arrays.toString(expected.shape())
                    + " (a changed recorded shape or pattern_dict?)";
        }
        if (actual != expected.crc32c()) {
            return "in " + file + ": checksum mismatch: the " + what + " CRC-32C "
                    + java.util.HexFormat.of().toHexDigits(actual) + ", the record says " + expected.hex()
                    + " (damaged data, lookup tables, pattern_dict order or checksum record)";
        }
        return null;
    }
}
