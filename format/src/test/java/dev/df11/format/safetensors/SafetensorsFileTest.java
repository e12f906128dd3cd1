package dev.df11.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsHeaderMetadataAndMappedData() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("a.safetensors"),
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"w\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[4,12]},"
                        + "\"s\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}",
                new byte[] {1, 0, 0, 0, 10, 11, 12, 13, 14, 15, 16, 17});
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(2, f.tensors().size());
            assertEquals("s", f.tensors().get(0).name(), "tensors come in data order");
            TensorInfo w = f.tensor("w");
            assertEquals(DType.BF16, w.dtype());
            assertArrayEquals(new long[] {2, 2}, w.shape());
            assertEquals(4, w.elementCount());
            long dataStart = Files.size(file) - 12;
            assertEquals(dataStart + 4, w.dataOffset());
            MemorySegment data = f.data("w");
            assertTrue(data.isMapped() && data.isReadOnly());
            assertArrayEquals(new byte[] {10, 11, 12, 13, 14, 15, 16, 17}, data.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1, f.data("s").get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            assertEquals(0, f.tensor("s").rank());
            IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> f.tensor("nope"));
            assertTrue(absent.getMessage().contains("a.safetensors") && absent.getMessage().contains("nope"));
            f.close();
            assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void acceptsEmptyTensorsAnywhereAndPaddedHeader() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("e.safetensors"),
                "{\"z\":{\"dtype\":\"I64\",\"shape\":[0],\"data_offsets\":[0,0]},"
                        + "\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]}}      ",
                new byte[] {7, 8, 9});
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(0, f.data("z").byteSize());
            assertArrayEquals(new byte[] {7, 8, 9}, f.readBytes("a"));
            assertTrue(f.metadata().isEmpty());
        }
    }

    static Stream<Arguments> malformedHeaders() {
        String ok = "\"dtype\":\"U8\",\"shape\":[4]";
        return Stream.of(
                Arguments.of("not JSON", "{\"t\":", null, "malformed JSON"),
                Arguments.of("trailing garbage", "{} x", null, "malformed JSON"),
                Arguments.of("array header", "[1,2]", null, "not a JSON object"),
                Arguments.of("duplicate tensor", "{\"t\":{" + ok + ",\"data_offsets\":[0,4]},\"t\":{" + ok
                        + ",\"data_offsets\":[0,4]}}", null, "malformed JSON"),
                Arguments.of("unknown dtype", "{\"t\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}",
                        "t", "unknown dtype"),
                Arguments.of("missing dtype", "{\"t\":{\"shape\":[4],\"data_offsets\":[0,4]}}", "t", "dtype"),
                Arguments.of("missing shape", "{\"t\":{\"dtype\":\"U8\",\"data_offsets\":[0,4]}}", "t", "shape"),
                Arguments.of("fractional dim", "{\"t\":{\"dtype\":\"U8\",\"shape\":[4.5],\"data_offsets\":[0,4]}}",
                        "t", "not a 64-bit integer"),
                Arguments.of("huge dim", "{\"t\":{\"dtype\":\"U8\",\"shape\":[99999999999999999999],"
                        + "\"data_offsets\":[0,4]}}", "t", "not a 64-bit integer"),
                Arguments.of("size mismatch", "{\"t\":{\"dtype\":\"I16\",\"shape\":[4],\"data_offsets\":[0,4]}}",
                        "t", "need 8 bytes"),
                Arguments.of("offsets past data", "{\"t\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}",
                        "t", "run past the data section"),
                Arguments.of("offsets backwards", "{\"t\":{" + ok + ",\"data_offsets\":[4,0]}}", "t",
                        "invalid data_offsets"),
                Arguments.of("negative offset", "{\"t\":{" + ok + ",\"data_offsets\":[-4,0]}}", "t",
                        "invalid data_offsets"),
                Arguments.of("three offsets", "{\"t\":{" + ok + ",\"data_offsets\":[0,4,4]}}", "t", "2 entries"),
                Arguments.of("negative dim", "{\"t\":{\"dtype\":\"U8\",\"shape\":[-2,-2],\"data_offsets\":[0,4]}}",
                        "t", "negative dimension"),
                Arguments.of("element count overflow", "{\"t\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],"
                        + "\"data_offsets\":[0,4]}}", "t", "element count overflows"),
                Arguments.of("byte size overflow", "{\"t\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],"
                        + "\"data_offsets\":[0,4]}}", "t", "byte size overflows"),
                Arguments.of("overlap", "{\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]},"
                        + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", "b", "overlaps tensor 'a'"),
                Arguments.of("metadata not strings", "{\"__metadata__\":{\"n\":3}}", null, "not a string"),
                Arguments.of("metadata not object", "{\"__metadata__\":[]}", null, "not a JSON object"),
                Arguments.of("entry not object", "{\"t\":5}", "t", "not a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void rejectsMalformedHeaderNamingFileAndTensor(String what, String header, String tensor, String problem)
            throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("bad.safetensors"), header, new byte[] {1, 2, 3, 4});
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        if (tensor != null) {
            assertEquals(tensor, e.tensor());
            assertTrue(e.getMessage().contains("'" + tensor + "'"), e.getMessage());
        }
    }

    @Test
    void rejectsInvalidUtf8Header() throws IOException {
        // 0xC3 starts a two-byte sequence; the '"' after it is not a continuation byte
        byte[] header = {'{', '"', 't', (byte) 0xC3, '"', ':', '{', '}', '}'};
        Path file = Files.write(tmp.resolve("utf.safetensors"), RawSafetensors.bytes(header.length, header, new byte[0]));
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(file));
    }

    @Test
    void rejectsShortFilesAndBadHeaderLengths() throws IOException {
        byte[] header = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path tiny = Files.write(tmp.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertMessage(tiny, "too short");
        Path past = Files.write(tmp.resolve("past.safetensors"), RawSafetensors.bytes(3, header, new byte[0]));
        assertMessage(past, "runs past the end");
        Path absurd = Files.write(tmp.resolve("absurd.safetensors"),
                RawSafetensors.bytes(200_000_000L, header, new byte[0]));
        assertMessage(absurd, "absurd");
        Path negative = Files.write(tmp.resolve("neg.safetensors"), RawSafetensors.bytes(-8L, header, new byte[0]));
        assertMessage(negative, "absurd");
        Path empty = Files.write(tmp.resolve("empty.safetensors"), RawSafetensors.bytes(0, new byte[0], new byte[0]));
        assertMessage(empty, "not a JSON object");
    }

    private static void assertMessage(Path file, String problem) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains(problem),
                e.getMessage());
    }
}
