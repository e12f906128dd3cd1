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
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile DF11 folders: bytes of a valid folder's safetensors file are overwritten (inside the header or inside one
 * unit array: tables, stream, positions, gaps, splits), and the folder is opened, every unit validated and decoded
 * and every matrix located. Only IOException or Df11FormatException (naming the unit and its file) may escape, never
 * an out-of-bounds access, a crash or a hang.
 */
class Df11FolderFuzzTest {

    private static Path root;
    private static byte[] valid;
    private static List<long[]> regions;   // [start, length] of the header and of each tensor
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
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            long dataStart = f.tensors().stream().mapToLong(TensorInfo::dataOffset).min().orElseThrow();
            regions.add(new long[] {0, dataStart});
            for (TensorInfo t : f.tensors()) {
                if (UnitTensors.unitOf(t.name()) != null && t.byteSize() > 0) {
                    regions.add(new long[] {t.dataOffset(), t.byteSize()});
                }
            }
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
}
