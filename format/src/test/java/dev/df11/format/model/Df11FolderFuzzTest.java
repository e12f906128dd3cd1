package dev.df11.format.model;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.SafetensorsFile;
import dev.df11.format.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import dev.df11.format.lut.LookupTables;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.safetensors.SafetensorsDirectory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile DF11 folders: bytes of a valid folder's safetensors file are overwritten (inside the header or inside one
 * unit array: tables, stream, positions, gaps, splits), and the folder is opened, every unit validated and decoded
 * and every matrix located. Only IOException or Df11FormatException (naming the unit and its file) may escape, never
 * an out-of-bounds access, a crash or a hang.
 *
 * <p>Semantic corruptions (issue 11): bytes of the unit arrays or plain tensors changed, a sign/mantissa byte changed,
 * the pattern_dict order permuted, two exponents of one code length exchanged in a lookup table, a recorded matrix
 * shape changed. Whatever decodes without a format error must then either fail the recorded
 * checksums or be bit-identical to the original folder: a folder that verifies by itself is never wrong.
 */
class Df11FolderFuzzTest {

    private static Path root;
    private static byte[] valid;
    private static List<long[]> regions;   // [start, length] of the header and of each tensor
    private static List<long[]> dataRegions;   // [start, length] of every tensor's data: unit arrays and plain tensors
    private static long[] signMantissa;         // [start, length] of layer 0's sign_mantissa
    private static long[] luts;                 // [start, length] of layer 0's lookup tables
    private static List<int[]> sameLengthPairs; // exponents whose codes in layer 0's table 0 have the same length
    private static Map<String, long[]> recordedShapes;   // df11.matrix_shapes of the valid folder
    private static int tries;
    private static final Df11Decoder DECODER = new Df11Decoder(1);

    @BeforeContainer
    static void makeValidFolder() throws IOException {
        root = Files.createTempDirectory("df11-fuzz");
        Path bf16 = TinyLlama.write(root.resolve("bf16"), 1, false);
        Df11Compressor.compress(bf16, root.resolve("df11"), CompressOptions.defaults().withThreads(1),
                ProgressListener.NONE);
        Path file = root.resolve("df11/model.safetensors");
        valid = Files.readAllBytes(file);
        regions = new ArrayList<>();
        dataRegions = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            long dataStart = f.tensors().stream().mapToLong(TensorInfo::dataOffset).min().orElseThrow();
            regions.add(new long[] {0, dataStart});
            for (TensorInfo t : f.tensors()) {
                if (UnitTensors.unitOf(t.name()) != null && t.byteSize() > 0) {
                    regions.add(new long[] {t.dataOffset(), t.byteSize()});
                }
                if (t.byteSize() > 0) {
                    dataRegions.add(new long[] {t.dataOffset(), t.byteSize()});
                }
                if (t.name().equals("model.layers.0." + UnitTensors.SIGN_MANTISSA)) {
                    signMantissa = new long[] {t.dataOffset(), t.byteSize()};
                }
                if (t.name().equals("model.layers.0." + UnitTensors.LUTS)) {
                    luts = new long[] {t.dataOffset(), t.byteSize()};
                }
            }
        }
        LookupTables tables = LookupTables.parse("model.layers.0",
                MemorySegment.ofArray(Arrays.copyOfRange(valid, (int) luts[0], (int) (luts[0] + luts[1]))));
        Map<Integer, Set<Integer>> byLength = new TreeMap<>();
        for (int b = 0; b < 256; b++) {
            int e = tables.entry(0, b);
            if (e >= 0 && e < 240) {
                byLength.computeIfAbsent(tables.codeLength(e), k -> new TreeSet<>()).add(e);
            }
        }
        sameLengthPairs = new ArrayList<>();
        for (Set<Integer> exponents : byLength.values()) {
            for (int a : exponents) {
                for (int b : exponents) {
                    if (a < b) {
                        sameLengthPairs.add(new int[] {a, b});
                    }
                }
            }
        }
        try (SafetensorsDirectory dir = SafetensorsDirectory.open(root.resolve("df11"))) {
            recordedShapes = new TreeMap<>(MatrixShapes.fromMetadata(dir));
        }
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        StagingDirectory.deleteRecursively(root);
    }

    record Mutation(int region, List<Double> where, List<Byte> values) { }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.doubles().between(0, 1).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.bytes().list().ofSize(4)).as(Mutation::new);
    }

    @Property(tries = 120)
    void corruptFoldersFailCleanly(@ForAll("mutations") Mutation m) throws IOException {
        byte[] bytes = valid.clone();
        long[] region = regions.get(m.region() % regions.size());
        for (int i = 0; i < m.where().size(); i++) {
            long at = region[0] + (long) (m.where().get(i) * (region[1] - 1));
            bytes[(int) at] = m.values().get(i);
        }
        Path dir = Files.createDirectories(root.resolve("try-" + tries++));
        Files.copy(root.resolve("df11/config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("model.safetensors"), bytes);
        try (Df11Model model = Df11Model.open(dir); Arena arena = Arena.ofShared()) {
            for (String name : model.unitNames()) {
                try {
                    Df11Unit unit = model.unit(name);
                    DECODER.decode(unit, arena.allocate(2 * unit.elementCount()));
                    for (String w : model.matrixNames(name)) {
                        model.locate(w);
                    }
                } catch (Df11FormatException expected) {
                    requireNamed(expected, name, dir.resolve("model.safetensors"));
                }
            }
        } catch (IOException expected) {
            // malformed header, unit layout or shapes: reported as an IOException naming the file
            if (!expected.getMessage().contains(dir.toString())) {
                throw new AssertionError("message does not name the folder: " + expected.getMessage(), expected);
            }
        } finally {
            StagingDirectory.deleteRecursively(dir);
        }
    }

    /** Validation and decoding errors alike name the unit and its file (docs/format.md promises both). */
    private static void requireNamed(Df11FormatException e, String unit, Path file) {
        if (!e.getMessage().contains("'" + unit + "'") || !e.getMessage().contains(file.toString())) {
            throw new AssertionError("message does not name unit " + unit + " and file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes a mutated copy of the valid folder (config.json optionally replaced). */
    private static Path folder(byte[] bytes, String config) throws IOException {
        Path dir = Files.createDirectories(root.resolve("try-" + tries++));
        Files.writeString(dir.resolve("config.json"), config);
        Files.write(dir.resolve("model.safetensors"), bytes);
        return dir;
    }

    /**
     * The integrity property: a folder either fails to open or decode (a clear error), or fails its recorded
     * checksums, or is bit-identical to the original BF16 folder. Never "verified" and wrong.
     *
     * @return whether the folder verified by its checksums
     */
    private static boolean verifiedOnlyIfIdentical(Path dir) throws IOException {
        try (Df11Model model = Df11Model.open(dir)) {
            ChecksumVerifier.Report report = ChecksumVerifier.verify(model, 1, ProgressListener.NONE);
            if (!report.verified()) {
                if (report.mismatches().isEmpty()) {
                    throw new AssertionError("not verified, yet no mismatch named: " + report);
                }
                return false;
            }
            try (SafetensorsDirectory original = SafetensorsDirectory.open(root.resolve("bf16"))) {
                Df11Verifier.Report exact = Df11Verifier.verify(model, original, 1, ProgressListener.NONE);
                if (!exact.identical()) {
                    throw new AssertionError("verified by its checksums but differs from the original: "
                            + exact.mismatches());
                }
            }
            return true;
        } catch (IOException expected) {
            if (!expected.getMessage().contains(dir.toString())) {
                throw new AssertionError("message does not name the folder: " + expected.getMessage(), expected);
            }
            return false;
        } finally {
            StagingDirectory.deleteRecursively(dir);
        }
    }

    @Property(tries = 80)
    void changedTensorBytesNeverVerifyWrongly(@ForAll("mutations") Mutation m) throws IOException {
        byte[] bytes = valid.clone();
        long[] region = dataRegions.get(m.region() % dataRegions.size());
        for (int i = 0; i < m.where().size(); i++) {
            long at = region[0] + (long) (m.where().get(i) * (region[1] - 1));
            bytes[(int) at] = m.values().get(i);
        }
        verifiedOnlyIfIdentical(folder(bytes, Files.readString(root.resolve("df11/config.json"))));
    }

    @Property(tries = 40)
    void changedSignMantissaBytesAreAlwaysCaught(@ForAll @DoubleRange(min = 0, max = 1) double where,
            @ForAll @IntRange(min = 1, max = 255) int xor) throws IOException {
        byte[] bytes = valid.clone();
        int at = (int) (signMantissa[0] + (long) (where * (signMantissa[1] - 1)));
        bytes[at] ^= (byte) xor;
        if (verifiedOnlyIfIdentical(folder(bytes, Files.readString(root.resolve("df11/config.json"))))) {
            throw new AssertionError("a changed sign/mantissa byte at " + at + " verified");
        }
    }

    @Property(tries = 30)
    void permutedPatternDictIsAlwaysCaught(@ForAll("permutations") List<String> attrs) throws IOException {
        Assume.that(!attrs.equals(UnitPlanner.LLAMA_LAYER_ATTRS));
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(root.resolve("df11/config.json").toFile());
        ArrayNode layer = (ArrayNode) config.get(Df11Config.KEY).get("pattern_dict").get(FolderDamage.LAYER_PATTERN);
        layer.removeAll();
        attrs.forEach(layer::add);
        String changed = json.writeValueAsString(config);
        if (verifiedOnlyIfIdentical(folder(valid, changed))) {
            throw new AssertionError("pattern_dict order " + attrs + " verified");
        }
    }

    /**
     * Two exponents whose codes have the same length exchanged in table 0 (every such pair the unit has): a valid
     * prefix code that the table checks cannot tell from the original, so only the checksums catch it.
     */
    @Property(tries = 30)
    void swappedSameLengthLutSymbolsAreAlwaysCaught(@ForAll @IntRange(min = 0, max = 10_000) int pick)
            throws IOException {
        Assume.that(!sameLengthPairs.isEmpty());
        int[] pair = sameLengthPairs.get(pick % sameLengthPairs.size());
        byte[] bytes = valid.clone();
        for (int b = 0; b < 256; b++) {
            int at = (int) luts[0] + b;
            int v = bytes[at] & 0xFF;
            bytes[at] = v == pair[0] ? (byte) pair[1] : v == pair[1] ? (byte) pair[0] : bytes[at];
        }
        LookupTables.parse("model.layers.0",   // the tables alone still look valid
                MemorySegment.ofArray(Arrays.copyOfRange(bytes, (int) luts[0], (int) (luts[0] + luts[1]))));
        if (verifiedOnlyIfIdentical(folder(bytes, Files.readString(root.resolve("df11/config.json"))))) {
            throw new AssertionError("exponents " + pair[0] + " and " + pair[1] + " exchanged in table 0 verified");
        }
    }

    /** A matrix's recorded shape changed to another of the same element count: the folder opens and decodes. */
    @Property(tries = 30)
    void changedRecordedShapesAreAlwaysCaught(@ForAll @IntRange(min = 0, max = 10_000) int matrix,
            @ForAll @IntRange(min = 0, max = 10_000) int divisor) throws IOException {
        List<String> names = new ArrayList<>(recordedShapes.keySet());
        String name = names.get(matrix % names.size());
        long[] shape = recordedShapes.get(name);
        long elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        List<Long> rows = new ArrayList<>();
        for (long d = 1; d <= elements; d++) {
            if (elements % d == 0 && !(shape.length == 2 && d == shape[0])) {
                rows.add(d);
            }
        }
        long r = rows.get(divisor % rows.size());
        byte[] unchanged = valid.clone();
        Path dir = folder(unchanged, Files.readString(root.resolve("df11/config.json")));
        FolderDamage.changeRecordedShape(dir, name, json(shape), json(new long[] {r, elements / r}));
        if (verifiedOnlyIfIdentical(dir)) {
            throw new AssertionError(name + " recorded as [" + r + ", " + elements / r + "] instead of "
                    + Arrays.toString(shape) + " verified");
        }
    }

    private static String json(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }

    @Provide
    Arbitrary<List<String>> permutations() {
        return Arbitraries.shuffle(UnitPlanner.LLAMA_LAYER_ATTRS);
    }
}
