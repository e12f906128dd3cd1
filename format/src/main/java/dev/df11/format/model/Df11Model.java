package dev.df11.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.SafetensorsDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DF11 model folder, ours or an official DFloat11 one: config.json with {@code dfloat11_config}, and safetensors
 * files holding each compressed unit's six arrays (see {@link UnitTensors}) plus plain tensors such as norms.
 *
 * <p>A unit is any name {@code X} with a stored {@code X.encoded_exponent}. Its matrices are named by the first
 * {@code pattern_dict} pattern matching {@code X} ({@code X.<attr>.weight}), or {@code X.weight} when no pattern or
 * an empty attribute list matches. Shapes come from {@link MatrixShapes}. Opening checks that every unit is complete,
 * has as many matrices as its pattern names, and that every shape agrees with its matrix's element count; the
 * arrays' own rules (tables, positions, gaps) are checked by {@link #unit(String)} when a unit is first used.
 */
public final class Df11Model implements AutoCloseable {

    /** Shape of a matrix, or why it is unknown. */
    private record Shape(long[] dims, String unknownBecause) { }

    private final Path dir;
    private final JsonNode config;
    private final Df11Config df11Config;
    private final SafetensorsDirectory tensors;
    private final Map<String, List<String>> matrixNames;
    private final Map<String, Shape> shapes;
    private final Map<String, MatrixRef> refs;
    private final Map<String, Df11Unit> validated = new ConcurrentHashMap<>();

    private Df11Model(Path dir, JsonNode config, Df11Config df11Config, SafetensorsDirectory tensors,
            Map<String, List<String>> matrixNames, Map<String, Shape> shapes) {
        this.dir = dir;
        this.config = config;
        this.df11Config = df11Config;
        this.tensors = tensors;
        this.matrixNames = matrixNames;
        this.shapes = shapes;
        Map<String, MatrixRef> r = new LinkedHashMap<>();
        matrixNames.forEach((unit, names) -> {
            for (int i = 0; i < names.size(); i++) {
                Shape s = shapes.get(names.get(i));
                r.put(names.get(i), new MatrixRef(unit, i, s.dims() == null ? new long[0] : s.dims()));
            }
        });
        this.refs = r;
    }

    /**
     * Opens a DF11 model folder.
     *
     * @throws Df11ModelException         when config.json or the unit layout is wrong (names the file and unit)
     * @throws java.io.IOException        when a safetensors file is malformed or unreadable
     */
    public static Df11Model open(Path dir) throws IOException {
        JsonNode config = ModelFolder.readConfig(dir);
        Df11Config df11 = Df11Config.parse(config, dir.resolve(ModelFolder.CONFIG));
        SafetensorsDirectory tensors = SafetensorsDirectory.open(dir);
        try {
            Map<String, List<String>> matrixNames = new TreeMap<>(NaturalOrder.INSTANCE);
            Map<String, Shape> shapes = new LinkedHashMap<>();
            Map<String, long[]> recorded = MatrixShapes.fromMetadata(tensors);
            for (String name : tensors.tensorNames()) {
                if (name.endsWith("." + UnitTensors.ENCODED_EXPONENT)) {
                    String unit = UnitTensors.unitOf(name);
                    UnitReader.checkComplete(tensors, unit);
                    List<String> attrs = df11.attributesFor(unit).orElse(List.of());
                    List<String> names = Df11Config.matrixNames(unit, attrs);
                    long[] bounds = UnitReader.matrixBounds(tensors, unit);
                    if (bounds.length - 1 != names.size()) {
                        throw new Df11ModelException(tensors.fileOf(name), "unit '" + unit + "' holds "
                                + (bounds.length - 1) + " matrices but its pattern names " + names.size() + ": "
                                + attrs);
                    }
                    for (int i = 0; i < names.size(); i++) {
                        long elements = bounds[i + 1] - bounds[i];
                        shapes.put(names.get(i), shapeOf(config, recorded, unit,
                                attrs.isEmpty() ? null : attrs.get(i), names.get(i), elements));
                    }
                    matrixNames.put(unit, names);
                }
            }
            return new Df11Model(dir, config, df11, tensors, Collections.unmodifiableMap(matrixNames), shapes);
        } catch (IOException | RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    private static Shape shapeOf(JsonNode config, Map<String, long[]> recorded, String unit, String attr,
            String weight, long elements) {
        long[] dims = recorded.get(weight);
        String source = "recorded";
        if (dims == null) {
            dims = MatrixShapes.derive(config, unit, attr).orElse(null);
            source = "derived from config.json";
        }
        if (dims == null) {
            return new Shape(null, "no shape is recorded for it and config.json does not give one");
        }
        long product = 1;
        for (long d : dims) {
            product = d == 0 ? 0 : (product > Long.MAX_VALUE / d ? -1 : product * d);
        }
        if (product != elements) {
            return new Shape(null, "the shape " + java.util.Arrays.toString(dims) + " " + source + " has "
                    + product + " elements but the unit stores " + elements);
        }
        return new Shape(dims, null);
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** The parsed config.json. */
    public JsonNode config() {
        return config;
    }

    /** Its {@code dfloat11_config}. */
    public Df11Config df11Config() {
        return df11Config;
    }

    /** Compressed units in natural order ({@code model.layers.2} before {@code model.layers.10}). */
    public List<String> unitNames() {
        return List.copyOf(matrixNames.keySet());
    }

    /**
     * The unit's arrays as mapped slices, validated on first use.
     *
     * @throws IllegalArgumentException when there is no such unit
     * @throws Df11FormatException      when its arrays break the format (names the file and the unit)
     */
    public Df11Unit unit(String unitName) {
        requireUnit(unitName);
        return validated.computeIfAbsent(unitName, u -> {
            Df11Unit unit = UnitReader.read(tensors, u);
            unit.validate(tensors.fileOf(UnitTensors.name(u, UnitTensors.ENCODED_EXPONENT)).toString());
            return unit;
        });
    }

    /** Full weight names of the unit's matrices, in stream order. */
    public List<String> matrixNames(String unit) {
        requireUnit(unit);
        return matrixNames.get(unit);
    }

    /**
     * Where a compressed matrix lives, or empty when {@code weightName} is not one (it may be a plain tensor).
     *
     * @throws Df11FormatException when it is compressed but its shape cannot be known
     */
    public Optional<MatrixRef> locate(String weightName) {
        MatrixRef ref = refs.get(weightName);
        if (ref == null) {
            return Optional.empty();
        }
        Shape s = shapes.get(weightName);
        if (s.dims() == null) {
            throw new Df11FormatException(ref.unit(),
                    tensors.fileOf(UnitTensors.name(ref.unit(), UnitTensors.ENCODED_EXPONENT)).toString(),
                    "shape of '" + weightName + "' is unknown: " + s.unknownBecause(), null);
        }
        return Optional.of(ref);
    }

    /** Every compressed matrix's weight name, unit by unit in stream order. */
    public List<String> compressedWeightNames() {
        List<String> all = new ArrayList<>();
        matrixNames.values().forEach(all::addAll);
        return all;
    }

    /** Stored tensors that are not arrays of a compressed unit (norms, biases, units kept as BF16), sorted. */
    public Set<String> plainTensorNames() {
        Set<String> plain = new TreeSet<>();
        for (String name : tensors.tensorNames()) {
            String unit = UnitTensors.unitOf(name);
            if (unit == null || !matrixNames.containsKey(unit)) {
                plain.add(name);
            }
        }
        return plain;
    }

    /** Bytes the unit's six arrays take on disk. */
    public long storedBytes(String unit) {
        requireUnit(unit);
        long sum = 0;
        for (String s : UnitTensors.SUFFIXES) {
            String name = UnitTensors.name(unit, s);
            if (tensors.contains(name)) {
                sum += tensors.tensor(name).byteSize();
            }
        }
        return sum;
    }

    /** All stored tensors: units' arrays and plain ones. */
    public SafetensorsDirectory tensors() {
        return tensors;
    }

    private void requireUnit(String unit) {
        if (!matrixNames.containsKey(unit)) {
            throw new IllegalArgumentException(dir + ": no compressed unit '" + unit + "'");
        }
    }

    @Override
    public void close() {
        tensors.close();
    }
}
