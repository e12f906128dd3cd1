package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.safetensors.DType;
import dev.df11.format.testing.TestWeights;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorChecksumsTest {

    @Test
    void crc32cIsTheCastagnoliChecksum() {
        // the standard check value of CRC-32C (RFC 3720, appendix B.4)
        MemorySegment digits = MemorySegment.ofArray("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283, TensorChecksums.crc32c(digits));
    }

    @Test
    void heapNativeAndParallelChecksumsAgree() {
        MemorySegment heap = TestWeights.gaussian(3, 100_001);
        MemorySegment off = Arena.ofAuto().allocate(heap.byteSize());
        off.copyFrom(heap);
        int crc = TensorChecksums.crc32c(heap);
        assertEquals(crc, TensorChecksums.crc32c(off));
        List<MemorySegment> parts = List.of(off.asSlice(0, 1000), off.asSlice(1000, 50_000), off.asSlice(51_000));
        int[] sequential = TensorChecksums.crc32c(parts, 1);
        assertArrayEquals(sequential, TensorChecksums.crc32c(parts, 3));
        assertEquals(TensorChecksums.crc32c(parts.get(1)), sequential[1]);
    }

    @Test
    void recordRoundTrips() throws Df11ModelException {
        Map<String, TensorChecksums.Entry> entries = Map.of(
                "model.layers.10.mlp.up_proj.weight", new TensorChecksums.Entry(DType.BF16, new long[] {96, 64}, -2),
                "model.layers.2.input_layernorm.weight", new TensorChecksums.Entry(DType.F32, new long[] {64}, 7));
        String record = TensorChecksums.toMetadata(entries);
        assertTrue(record.startsWith("{\"version\":1,\"algorithm\":\"crc32c\",\"tensors\":{\"model.layers.2."), record);
        assertTrue(record.contains("\"crc32c\":\"fffffffe\""), record);
        assertEquals(entries, TensorChecksums.parse(Path.of("x.safetensors"), record));
    }

    @Test
    void unknownAlgorithmIsRefused() {
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> TensorChecksums.parse(
                Path.of("x.safetensors"), "{\"version\":1,\"algorithm\":\"xxh64\",\"tensors\":{}}"));
        assertTrue(e.getMessage().startsWith("x.safetensors: the checksum record (df11.checksums) names algorithm"),
                e.getMessage());
    }
}
