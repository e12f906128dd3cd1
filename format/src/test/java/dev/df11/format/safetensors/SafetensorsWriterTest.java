package dev.df11.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.testing.TestData;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsWriterTest {

    @TempDir
    Path tmp;

    @Test
    void writesTheReferenceLayout() throws IOException {
        Path file = tmp.resolve("ref.safetensors");
        new SafetensorsWriter()
                .add("b", DType.U8, new long[] {3}, MemorySegment.ofArray(new byte[] {1, 2, 3}))
                .add("a", DType.F32, new long[] {2}, MemorySegment.ofArray(new float[] {1f, 2f}))
                .add("c", DType.U8, new long[] {1}, MemorySegment.ofArray(new byte[] {9}))
                .putMetadata("format", "pt")
                .write(file);
        // larger dtypes first, then by name; header padded with spaces to 8 bytes
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[8,11]},"
                + "\"c\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[11,12]}}";
        String padded = json + " ".repeat((8 - json.length() % 8) % 8);
        byte[] data = {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40, 1, 2, 3, 9};
        assertArrayEquals(RawSafetensors.bytes(padded, data), Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void escapesNamesAsTheReferenceDoes() throws IOException {
        Path file = tmp.resolve("esc.safetensors");
        new SafetensorsWriter().add("q\"\\\n\u0001é", DType.BOOL, new long[0], MemorySegment.ofArray(new byte[1]))
                .write(file);
        String header = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).substring(8);
        assertTrue(header.startsWith("{\"q\\\"\\\\\\n\\u0001é\":{\"dtype\":\"BOOL\",\"shape\":[]"), header);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals("q\"\\\n\u0001é", f.tensors().getFirst().name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny7", "stories15M_layer0", "fibonacci_long_codes"})
    void rewritesOfficialTestVectorsByteForByte(String vector) throws IOException {
        Path original = TestData.officialDf11().resolve(vector + ".safetensors");
        Path copy = tmp.resolve("copy.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(original)) {
            SafetensorsWriter w = new SafetensorsWriter().putMetadata(f.metadata());
            for (TensorInfo t : f.tensors()) {
                w.add(t.name(), t.dtype(), t.shape(), f.data(t));
            }
            w.write(copy);
        }
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));
    }

    @Test
    void roundTripsEveryDtypeFromHeapAndOffHeapSegments() throws IOException {
        Path file = tmp.resolve("all.safetensors");
        SafetensorsWriter w = new SafetensorsWriter().putMetadata(Map.of("k1", "v1", "k2", "v2"));
        try (Arena arena = Arena.ofConfined()) {
            for (DType t : DType.values()) {
                long[] shape = {3, 2};
                MemorySegment seg = arena.allocate(6L * t.byteSize());
                for (long i = 0; i < seg.byteSize(); i++) {
                    seg.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + t.ordinal()));
                }
                w.add("t_" + t, t, shape, seg);
            }
            w.add("shorts", DType.I16, new long[] {2}, MemorySegment.ofArray(new short[] {-2, 300}));
            w.write(file);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Map.of("k1", "v1", "k2", "v2"), f.metadata());
            for (DType t : DType.values()) {
                TensorInfo info = f.tensor("t_" + t);
                assertEquals(t, info.dtype());
                assertArrayEquals(new long[] {3, 2}, info.shape());
                byte[] bytes = f.readBytes("t_" + t);
                for (int i = 0; i < bytes.length; i++) {
                    assertEquals((byte) (i * 7 + t.ordinal()), bytes[i]);
                }
                assertEquals(0, info.dataOffset() % t.byteSize(), "reference layout keeps elements aligned");
            }
            assertEquals(300, f.data("shorts").get(ValueLayout.JAVA_SHORT_UNALIGNED, 2));
        }
    }

    @Test
    void rejectsBadTensors() {
        SafetensorsWriter w = new SafetensorsWriter().add("x", DType.U8, new long[] {1}, MemorySegment.ofArray(new byte[1]));
        assertThrows(IllegalArgumentException.class,
                () -> w.add("x", DType.U8, new long[] {1}, MemorySegment.ofArray(new byte[1])));
        assertThrows(IllegalArgumentException.class,
                () -> w.add("y", DType.I32, new long[] {2}, MemorySegment.ofArray(new byte[4])));
        assertThrows(IllegalArgumentException.class,
                () -> w.add("z", DType.U8, new long[] {-1}, MemorySegment.ofArray(new byte[0])));
        assertThrows(IllegalArgumentException.class,
                () -> w.add("__metadata__", DType.U8, new long[] {1}, MemorySegment.ofArray(new byte[1])));
    }

}
