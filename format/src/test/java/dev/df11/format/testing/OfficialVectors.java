package dev.df11.format.testing;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The DF11 units made by the official encoder (format/src/test/data/official-df11), each with its original matrices. See
 * that folder's README for what each vector exercises.
 */
public final class OfficialVectors {

    /** The vector names, in a stable order. */
    public static final List<String> NAMES = List.of("tiny7", "all_patterns_exp_lt_240", "fibonacci_long_codes",
            "gaussian_1M_plus_3", "stories15M_layer0");

    private OfficialVectors() {
    }

    /** One official unit and its originals; the segments are views of the memory-mapped file. */
    public record Vector(String name, Df11Unit unit, List<MemorySegment> originals, SafetensorsFile file)
            implements AutoCloseable {

        /** Total number of original elements. */
        public long elementCount() {
            long n = 0;
            for (MemorySegment m : originals) {
                n += m.byteSize() / 2;
            }
            return n;
        }

        /** The original matrices concatenated, as BF16 words. */
        public short[] concatenatedOriginals() {
            short[] all = new short[Math.toIntExact(elementCount())];
            int at = 0;
            for (MemorySegment m : originals) {
                short[] part = m.toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        }

        /** Size in bytes of the unit's stored arrays (everything but the tables), as the official script counts it. */
        public long compressedBytes() {
            return unit.encodedExponent().byteSize() + unit.signMantissa().byteSize()
                    + unit.outputPositions().byteSize() + unit.gaps().byteSize();
        }

        @Override
        public void close() {
            file.close();
        }
    }

    /** Opens vector {@code name}; close it when done. */
    public static Vector open(String name) {
        Path path = TestData.officialDf11().resolve(name + ".safetensors");
        try {
            SafetensorsFile file = SafetensorsFile.open(path);
            List<MemorySegment> originals = new ArrayList<>();
            for (int i = 0; file.contains(name + ".original." + i); i++) {
                originals.add(file.data(name + ".original." + i));
            }
            MemorySegment split = file.data(name + ".split_positions");
            Df11Unit unit = new Df11Unit(name, file.data(name + ".luts"), file.data(name + ".encoded_exponent"),
                    file.data(name + ".sign_mantissa"), file.data(name + ".output_positions"),
                    file.data(name + ".gaps"), split.toArray(ValueLayout.JAVA_LONG_UNALIGNED));
            return new Vector(name, unit, List.copyOf(originals), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read official test vector " + path, e);
        }
    }

    /** The names of all vectors present on disk (the README lists them; this guards against a silently empty run). */
    public static List<String> namesOnDisk() {
        try (Stream<Path> files = Files.list(TestData.officialDf11())) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".safetensors"))
                    .map(f -> f.substring(0, f.length() - ".safetensors".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
