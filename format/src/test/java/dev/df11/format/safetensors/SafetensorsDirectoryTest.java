package dev.df11.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsDirectoryTest {

    @TempDir
    Path tmp;

    private static MemorySegment filled(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return MemorySegment.ofArray(b);
    }

    @Test
    void shardedRoundTripWithIndex() throws IOException {
        ShardedSafetensorsWriter w = new ShardedSafetensorsWriter(tmp, "model", 100)
                .putMetadata("format", "pt")
                .shardMetadata(names -> java.util.Map.of("count", Integer.toString(names.size())));
        for (int i = 0; i < 7; i++) {
            w.add("layer." + i + ".weight", DType.U8, new long[] {6, 7}, filled(42, i));
        }
        List<Path> files = w.finish();
        assertEquals(4, files.size(), "two 42-byte tensors per 100-byte shard");
        assertEquals("model-00001-of-00004.safetensors", files.getFirst().getFileName().toString());
        assertTrue(Files.isRegularFile(tmp.resolve(SafetensorsDirectory.INDEX_FILE)));
        try (Stream<Path> list = Files.list(tmp)) {
            assertEquals(5, list.count(), "shards and index, no leftovers");
        }
        try (SafetensorsDirectory dir = SafetensorsDirectory.open(tmp)) {
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < 7; i++) {
                String name = "layer." + i + ".weight";
                expected.add(name);
                assertArrayEquals(filled(42, i).toArray(ValueLayout.JAVA_BYTE),
                        dir.data(name).toArray(ValueLayout.JAVA_BYTE));
                assertEquals(files.get(i / 2), dir.fileOf(name));
            }
            assertEquals(expected, dir.tensorNames());
            assertEquals(7 * 42, dir.dataBytes());
            assertEquals("pt", dir.files().getFirst().metadata().get("format"));
            assertEquals("2", dir.files().getFirst().metadata().get("count"));
            assertFalse(dir.contains("nope"));
        }
    }

    @Test
    void singleShardIsModelSafetensorsWithoutIndex() throws IOException {
        ShardedSafetensorsWriter w = new ShardedSafetensorsWriter(tmp, "model", 1000);
        w.add("a", DType.U8, new long[] {4}, filled(4, 1));
        assertEquals(List.of(tmp.resolve("model.safetensors")), w.finish());
        assertFalse(Files.exists(tmp.resolve(SafetensorsDirectory.INDEX_FILE)));
    }

    @Test
    void readsEveryFileWhenThereIsNoIndex() throws IOException {
        new SafetensorsWriter().add("x", DType.U8, new long[] {2}, filled(2, 1)).write(tmp.resolve("one.safetensors"));
        new SafetensorsWriter().add("y", DType.U8, new long[] {3}, filled(3, 2)).write(tmp.resolve("two.safetensors"));
        Files.writeString(tmp.resolve("config.json"), "{}");
        Files.write(tmp.resolve(".hidden.safetensors"), new byte[] {1});
        try (SafetensorsDirectory dir = SafetensorsDirectory.open(tmp)) {
            assertEquals(Set.of("x", "y"), dir.tensorNames());
            assertEquals(tmp.resolve("two.safetensors"), dir.fileOf("y"));
        }
    }

    @Test
    void readsFilesBesideTheIndex() throws IOException {
        new SafetensorsWriter().add("x", DType.U8, new long[] {2}, filled(2, 1)).write(tmp.resolve("a.safetensors"));
        new SafetensorsWriter().add("u.luts", DType.U8, new long[] {2}, filled(2, 1))
                .write(tmp.resolve("u.safetensors"));
        Files.writeString(tmp.resolve(SafetensorsDirectory.INDEX_FILE),
                "{\"metadata\":{},\"weight_map\":{\"x\":\"a.safetensors\"}}");
        try (SafetensorsDirectory dir = SafetensorsDirectory.open(tmp)) {
            assertEquals(Set.of("x", "u.luts"), dir.tensorNames());
        }
    }

    @Test
    void rejectsDuplicateNamesAcrossFiles() throws IOException {
        new SafetensorsWriter().add("x", DType.U8, new long[] {2}, filled(2, 1)).write(tmp.resolve("a.safetensors"));
        new SafetensorsWriter().add("x", DType.U8, new long[] {2}, filled(2, 1)).write(tmp.resolve("b.safetensors"));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsDirectory.open(tmp));
        assertTrue(e.getMessage().contains("b.safetensors") && e.getMessage().contains("'x'")
                && e.getMessage().contains("a.safetensors"), e.getMessage());
    }

    @Test
    void rejectsAnIndexThatDisagreesWithTheFiles() throws IOException {
        new SafetensorsWriter().add("x", DType.U8, new long[] {2}, filled(2, 1)).write(tmp.resolve("a.safetensors"));
        Path index = tmp.resolve(SafetensorsDirectory.INDEX_FILE);
        Files.writeString(index, "{\"weight_map\":{\"x\":\"a.safetensors\",\"y\":\"b.safetensors\"}}");
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsDirectory.open(tmp))
                .getMessage().contains("'b.safetensors' is missing"));
        Files.writeString(index, "{\"weight_map\":{\"y\":\"a.safetensors\"}}");
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsDirectory.open(tmp))
                .getMessage().contains("'y': not found"));
        Files.writeString(index, "{\"weight_map\":[");
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsDirectory.open(tmp))
                .getMessage().contains("malformed JSON"));
        Files.writeString(index, "{\"weight_map\":{\"x\":\"../a.safetensors\"}}");
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsDirectory.open(tmp));
    }

    @Test
    void rejectsFoldersWithoutSafetensors() throws IOException {
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsDirectory.open(tmp));
        assertThrows(IOException.class, () -> SafetensorsDirectory.open(tmp.resolve("missing")));
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThrows(IOException.class, () -> SafetensorsDirectory.open(file));
    }
}
