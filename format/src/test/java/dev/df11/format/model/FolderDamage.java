package dev.df11.format.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.lut.LookupTables;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsFile;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.format.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Damages a DF11 folder the ways issue 11 lists as "silently wrong results": each leaves a folder that opens and
 * decodes without a format error. Used by the format tests and the command-line tests.
 */
public final class FolderDamage {

    /** The layer pattern TinyLlama folders are compressed with. */
    public static final String LAYER_PATTERN = "model\\.layers\\.\\d+";

    private FolderDamage() { }

    /** Changes one byte of a stored tensor in place. */
    public static void patch(Path dir, String tensor, long index, UnaryOperator<Byte> change) throws IOException {
        Path file;
        long offset;
        try (SafetensorsDirectory st = SafetensorsDirectory.open(dir)) {
            file = st.fileOf(tensor);
            offset = st.tensor(tensor).dataOffset() + index;
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[Math.toIntExact(offset)] = change.apply(bytes[Math.toIntExact(offset)]);
        Files.write(file, bytes);
    }

    /** Flips the lowest mantissa bit of one element of a unit's {@code sign_mantissa}. */
    public static void flipSignMantissaBit(Path dir, String unit, long element) throws IOException {
        patch(dir, unit + "." + UnitTensors.SIGN_MANTISSA, element, b -> (byte) (b ^ 0x01));
    }

    /**
     * Exchanges the table-0 runs of two exponents whose codes have the same length: a valid prefix code that the
     * table checks accept (see {@link LookupTables}), but every such exponent decodes as the other.
     *
     * @return the two exponents
     */
    public static int[] swapSameLengthLutSymbols(Path dir, String unit) throws IOException {
        String luts = unit + "." + UnitTensors.LUTS;
        byte[] table;
        Path file;
        long offset;
        try (SafetensorsDirectory st = SafetensorsDirectory.open(dir)) {
            table = st.data(luts).toArray(ValueLayout.JAVA_BYTE);
            file = st.fileOf(luts);
            offset = st.tensor(luts).dataOffset();
        }
        LookupTables tables = LookupTables.parse(unit, MemorySegment.ofArray(table));
        int[] pair = sameLengthPairInTableZero(tables);
        for (int b = 0; b < 256; b++) {
            int v = table[b] & 0xFF;
            table[b] = v == pair[0] ? (byte) pair[1] : v == pair[1] ? (byte) pair[0] : table[b];
        }
        LookupTables.parse(unit, MemorySegment.ofArray(table));   // still accepted: the tables alone cannot tell
        byte[] bytes = Files.readAllBytes(file);
        System.arraycopy(table, 0, bytes, Math.toIntExact(offset), table.length);
        Files.write(file, bytes);
        return pair;
    }

    /** Two exponents with codes of the same length (at most 8 bits), both used by the data. */
    private static int[] sameLengthPairInTableZero(LookupTables tables) {
        Map<Integer, Integer> byLength = new TreeMap<>();
        for (int b = 0; b < 256; b++) {
            int e = tables.entry(0, b);
            if (e < 240) {
                Integer other = byLength.putIfAbsent(tables.codeLength(e), e);
                if (other != null && other != e) {
                    return new int[] {other, e};
                }
            }
        }
        throw new AssertionError("no two exponents share a code length in table 0");
    }

    /** Exchanges two attributes of the layer pattern in config.json's pattern_dict. */
    public static void swapLayerAttributes(Path dir, int i, int j) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(dir.resolve(ModelFolder.CONFIG).toFile());
        ArrayNode attrs = (ArrayNode) config.get(Df11Config.KEY).get("pattern_dict").get(LAYER_PATTERN);
        var a = attrs.get(i);
        attrs.set(i, attrs.get(j));
        attrs.set(j, a);
        Files.writeString(dir.resolve(ModelFolder.CONFIG), json.writeValueAsString(config));
    }

    /** Replaces a weight's recorded shape in {@code df11.matrix_shapes} (a single-file folder). */
    public static void changeRecordedShape(Path dir, String weight, String oldShape, String newShape)
            throws IOException {
        rewrite(dir.resolve("model.safetensors"), metadata -> {
            String shapes = metadata.get(MatrixShapes.METADATA_KEY);
            String changed = shapes.replace("\"" + weight + "\":" + oldShape, "\"" + weight + "\":" + newShape);
            if (changed.equals(shapes)) {
                throw new AssertionError(weight + " " + oldShape + " not in " + shapes);
            }
            metadata.put(MatrixShapes.METADATA_KEY, changed);
            return metadata;
        }, t -> true);
    }

    /** Replaces the checksum record of a single-file folder ({@code null} removes it). */
    public static void changeChecksumRecord(Path dir, UnaryOperator<String> change) throws IOException {
        rewrite(dir.resolve("model.safetensors"), metadata -> {
            String changed = change.apply(metadata.get(TensorChecksums.METADATA_KEY));
            if (changed == null) {
                metadata.remove(TensorChecksums.METADATA_KEY);
            } else {
                metadata.put(TensorChecksums.METADATA_KEY, changed);
            }
            return metadata;
        }, t -> true);
    }

    /** Changes the first hex digit of a tensor's recorded CRC-32C; returns the value the record had. */
    public static String changeRecordedChecksum(Path dir, String tensor) throws IOException {
        String[] old = new String[1];
        changeChecksumRecord(dir, record -> {
            int at = record.indexOf("\"crc32c\":\"", record.indexOf("\"" + tensor + "\"")) + 10;
            old[0] = record.substring(at, at + 8);
            String changed = (old[0].charAt(0) == '0' ? "1" : "0") + old[0].substring(1);
            return record.substring(0, at) + changed + record.substring(at + 8);
        });
        return old[0];
    }

    /** Rewrites a safetensors file with changed metadata, keeping the tensors {@code keep} accepts. */
    public static void rewrite(Path file, UnaryOperator<Map<String, String>> metadata, Predicate<TensorInfo> keep)
            throws IOException {
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            SafetensorsWriter w = new SafetensorsWriter().putMetadata(metadata.apply(new TreeMap<>(f.metadata())));
            for (TensorInfo t : f.tensors()) {
                if (keep.test(t)) {
                    w.add(t.name(), t.dtype(), t.shape(), f.data(t));
                }
            }
            w.write(fresh);
        }
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
