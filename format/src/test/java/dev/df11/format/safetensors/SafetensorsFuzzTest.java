package dev.df11.format.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Hostile bytes: whatever a mutated file holds, opening it gives a valid view or an IOException, nothing else. */
class SafetensorsFuzzTest {

    private static Path dir;
    private static byte[] valid;

    @BeforeContainer
    static void makeValidFile() throws IOException {
        dir = Files.createTempDirectory("st-fuzz");
        Path file = dir.resolve("valid.safetensors");
        new SafetensorsWriter().putMetadata("format", "pt")
                .add("w", DType.BF16, new long[] {3, 4}, MemorySegment.ofArray(new short[12]))
                .add("idx", DType.I64, new long[] {2}, MemorySegment.ofArray(new long[] {5, 9}))
                .add("b", DType.U8, new long[] {5}, MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5}))
                .write(file);
        valid = Files.readAllBytes(file);
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    record Mutation(List<Integer> positions, List<Byte> values, int truncateTo) { }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<List<Integer>> positions = Arbitraries.integers().between(0, 1 << 20).list().ofMaxSize(6);
        Arbitrary<List<Byte>> values = Arbitraries.bytes().list().ofSize(6);
        Arbitrary<Integer> truncate = Arbitraries.oneOf(Arbitraries.just(Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 400));
        return Combinators.combine(positions, values, truncate).as(Mutation::new);
    }

    @Property(tries = 400)
    void mutatedFilesOpenCleanlyOrFailWithIOException(@ForAll("mutations") Mutation m) throws IOException {
        byte[] bytes = java.util.Arrays.copyOf(valid, Math.min(valid.length, m.truncateTo()));
        for (int i = 0; i < m.positions().size() && bytes.length > 0; i++) {
            // bias towards the header, where a flipped byte changes the meaning of everything after it
            int pos = m.positions().get(i) % Math.min(bytes.length, i % 2 == 0 ? 200 : bytes.length);
            bytes[pos] = m.values().get(i);
        }
        Path file = Files.write(dir.resolve("mutated.safetensors"), bytes);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (TensorInfo t : f.tensors()) {
                MemorySegment data = f.data(t);
                if (data.byteSize() > 0) {
                    data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
                }
            }
        } catch (SafetensorsFormatException expected) {
            if (!expected.getMessage().contains("mutated.safetensors")) {
                throw new AssertionError("message does not name the file: " + expected.getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a non-format IOException from a readable file", e);
        }
    }
}
