package dev.df11.runtime.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.format.bf16.Bf16;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.TensorInfo;
import dev.df11.runtime.llama2c.Llama2cCheckpoint.Part;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cImporterTest {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path tmp;

    @Test
    void importsStories15M() throws IOException {
        Path out = tmp.resolve("stories15M-hf");
        List<String> seen = new ArrayList<>();
        Llama2cImporter.Result result = Llama2cImporter.importModel(Stories15M.model(), Stories15M.tokenizer(), out,
                false, (name, bytes) -> seen.add(name));
        assertEquals(56, result.tensorCount());
        assertEquals(56, seen.size());
        assertEquals(2L * 15_204_000 - 2L * 12_288, result.bf16Bytes(), "every float but the rotary tables, 2 bytes each");

        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("LlamaForCausalLM", config.get("architectures").get(0).asText());
        assertEquals(288, config.get("hidden_size").asInt());
        assertEquals(768, config.get("intermediate_size").asInt());
        assertEquals(6, config.get("num_hidden_layers").asInt());
        assertEquals(6, config.get("num_attention_heads").asInt());
        assertEquals(6, config.get("num_key_value_heads").asInt());
        assertEquals(32000, config.get("vocab_size").asInt());
        assertEquals(256, config.get("max_position_embeddings").asInt());
        assertTrue(config.get("tie_word_embeddings").asBoolean());
        assertEquals("bfloat16", config.get("torch_dtype").asText());
        assertEquals(1e-5, config.get("rms_norm_eps").asDouble());
        assertArrayEquals(Files.readAllBytes(Stories15M.tokenizer()), Files.readAllBytes(out.resolve("tokenizer.bin")));

        try (SafetensorsDirectory st = SafetensorsDirectory.open(out);
                Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(Stories15M.model())) {
            assertEquals(56, st.tensorNames().size());
            assertFalse(st.contains("lm_head.weight"), "shared classifier: tied, no lm_head");
            assertShape(st, "model.embed_tokens.weight", 32000, 288);
            assertShape(st, "model.layers.5.self_attn.k_proj.weight", 288, 288);
            assertShape(st, "model.layers.0.mlp.gate_proj.weight", 768, 288);
            assertShape(st, "model.layers.0.mlp.down_proj.weight", 288, 768);
            assertShape(st, "model.layers.3.input_layernorm.weight", 288);
            assertShape(st, "model.norm.weight", 288);
            for (TensorInfo t : st.files().getFirst().tensors()) {
                assertEquals(DType.BF16, t.dtype(), t.name());
            }
            assertSameRows(st.data("model.embed_tokens.weight"), ckpt.part(Part.TOKEN_EMBEDDING), 288, 0, 31999, 1234);
            assertSameRows(st.data("model.layers.4.mlp.down_proj.weight"), ckpt.layer(Part.W2, 4), 768, 0, 287);
            assertSameRows(st.data("model.layers.4.mlp.up_proj.weight"), ckpt.layer(Part.W3, 4), 288, 0, 767);
            assertSameRows(st.data("model.layers.2.post_attention_layernorm.weight"), ckpt.layer(Part.RMS_FFN, 2),
                    288, 0);
            assertSameRows(st.data("model.norm.weight"), ckpt.part(Part.RMS_FINAL), 288, 0);
            assertPermutedRows(st.data("model.layers.1.self_attn.q_proj.weight"), ckpt.layer(Part.WQ, 1), 6, 288, 288);
            assertPermutedRows(st.data("model.layers.1.self_attn.k_proj.weight"), ckpt.layer(Part.WK, 1), 6, 288, 288);
            assertSameRows(st.data("model.layers.1.self_attn.v_proj.weight"), ckpt.layer(Part.WV, 1), 288, 0, 100);
        }
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(out), siblings.toList(), "no staging folder left");
        }
    }

    @Test
    void importsSeparateClassifierAndGroupedQueryAttention() throws IOException {
        Path bin = SyntheticCheckpoint.write(tmp.resolve("m.bin"), 16, 24, 2, 4, 2, -10, 8);
        Path tok = Files.write(tmp.resolve("tok.bin"), new byte[] {8, 0, 0, 0});
        Path out = tmp.resolve("out");
        Llama2cImporter.importModel(bin, tok, out, false, null);
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertFalse(config.get("tie_word_embeddings").asBoolean());
        assertEquals(2, config.get("num_key_value_heads").asInt());
        try (SafetensorsDirectory st = SafetensorsDirectory.open(out);
                Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(bin)) {
            assertShape(st, "lm_head.weight", 10, 16);
            assertShape(st, "model.layers.1.self_attn.k_proj.weight", 8, 16);
            assertShape(st, "model.layers.1.self_attn.v_proj.weight", 8, 16);
            assertSameRows(st.data("lm_head.weight"), ckpt.part(Part.WCLS), 16, 0, 9);
            assertPermutedRows(st.data("model.layers.1.self_attn.q_proj.weight"), ckpt.layer(Part.WQ, 1), 4, 16, 16);
            assertPermutedRows(st.data("model.layers.0.self_attn.k_proj.weight"), ckpt.layer(Part.WK, 0), 2, 8, 16);
            // the last array of the file lands in lm_head: the offsets of everything before it are right
            float last = SyntheticCheckpoint.value(ckpt.header().floatCount() - 1);
            assertEquals(expectedBf16(last), st.data("lm_head.weight").get(BF16, 2L * (10 * 16 - 1)));
        }
    }

    @Test
    void rejectsTruncatedAndForeignFiles() throws IOException {
        Path bin = SyntheticCheckpoint.write(tmp.resolve("m.bin"), 16, 24, 2, 4, 2, 10, 8);
        Path tok = Files.write(tmp.resolve("tok.bin"), new byte[] {8, 0, 0, 0});
        byte[] full = Files.readAllBytes(bin);
        Path truncated = Files.write(tmp.resolve("trunc.bin"), java.util.Arrays.copyOf(full, full.length - 4));
        Llama2cFormatException e = assertThrows(Llama2cFormatException.class,
                () -> Llama2cImporter.importModel(truncated, tok, tmp.resolve("dest1"), false, null));
        assertTrue(e.getMessage().contains("trunc.bin") && e.getMessage().contains("truncated"), e.getMessage());
        Path foreign = Files.writeString(tmp.resolve("foreign.bin"), "{\"this is\": \"json, not a checkpoint\"}");
        e = assertThrows(Llama2cFormatException.class,
                () -> Llama2cImporter.importModel(foreign, tok, tmp.resolve("dest2"), false, null));
        assertTrue(e.getMessage().contains("foreign.bin"), e.getMessage());
        Path tiny = Files.write(tmp.resolve("tiny.bin"), new byte[5]);
        assertThrows(Llama2cFormatException.class, () -> Llama2cImporter.importModel(tiny, tok, tmp.resolve("dest3"), false, null));
        Path overflow = tmp.resolve("overflow.bin");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {1 << 30, 1 << 30, 1 << 30, 2, 2, 1 << 30, 1 << 30}) {
            b.putInt(v);
        }
        Files.write(overflow, b.array());
        assertThrows(Llama2cFormatException.class,
                () -> Llama2cImporter.importModel(overflow, tok, tmp.resolve("dest4"), false, null));
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".")
                    || p.getFileName().toString().startsWith("dest")), "nothing written on failure");
        }
    }

    @Test
    void refusesToReplaceAnExistingFolderUnlessAsked() throws IOException {
        Path bin = SyntheticCheckpoint.write(tmp.resolve("m.bin"), 16, 24, 1, 4, 4, 10, 8);
        Path tok = Files.write(tmp.resolve("tok.bin"), new byte[] {8, 0, 0, 0});
        Path out = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> Llama2cImporter.importModel(bin, tok, out, false, null));
        assertTrue(Files.exists(out.resolve("keep.txt")));
        // --force replaces a model folder only, never a folder of other things
        assertThrows(FileAlreadyExistsException.class, () -> Llama2cImporter.importModel(bin, tok, out, true, null));
        assertTrue(Files.exists(out.resolve("keep.txt")));
        Files.writeString(out.resolve("config.json"), "{}");
        Files.writeString(out.resolve("model.safetensors"), "");
        Llama2cImporter.importModel(bin, tok, out, true, null);
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertTrue(Files.exists(out.resolve("model.safetensors")));
    }

    @Test
    void roundsToNearestEven() {
        float[] samples = {0f, -0f, 1f, 1.00390625f, 1.01171875f, 1.0039063f, -2.5e-3f, 3.4e38f, Float.MIN_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (float f : samples) {
            assertEquals(expectedBf16(f), Bf16.fromFloat(f), "value " + f);
        }
        for (int i = 0; i < 100_000; i++) {
            float f = Float.intBitsToFloat(i * 42_949 + 17);
            if (!Float.isNaN(f)) {
                assertEquals(expectedBf16(f), Bf16.fromFloat(f), "value " + f);
            }
        }
        short nan = Bf16.fromFloat(Float.intBitsToFloat(0x7F80_0001));
        assertTrue(Float.isNaN(Float.intBitsToFloat(nan << 16)), "a NaN stays a NaN");
    }

    /** Independent reference: pick the nearer of the two BF16 neighbours, ties to the even one. */
    private static short expectedBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int down = bits >>> 16;
        int up = down + 1;
        double lo = Float.intBitsToFloat(down << 16);
        double hi = Float.intBitsToFloat(up << 16);
        if ((bits & 0xFFFF) == 0) {
            return (short) down;
        }
        double dLo = Math.abs(f - lo);
        double dHi = Double.isInfinite(hi) ? Math.abs(f - Math.copySign(0x1.0p128, hi)) : Math.abs(hi - f);
        if (dLo < dHi || (dLo == dHi && (down & 1) == 0)) {
            return (short) down;
        }
        return (short) up;
    }

    private static void assertShape(SafetensorsDirectory st, String name, long... shape) {
        assertArrayEquals(shape, st.tensor(name).shape(), name);
    }

    private static void assertSameRows(MemorySegment bf16, MemorySegment f32, int cols, int... rows) {
        for (int r : rows) {
            for (int c = 0; c < cols; c++) {
                float f = f32.get(Llama2cCheckpoint.F32, 4L * ((long) r * cols + c));
                assertEquals(expectedBf16(f), bf16.get(BF16, 2L * ((long) r * cols + c)), "row " + r + " col " + c);
            }
        }
    }

    /**
     * The HF conversion {@code w.view(heads, rows/heads/2, 2, cols).transpose(1, 2).reshape(rows, cols)}, computed by
     * walking the transposed view in row-major order.
     */
    private static void assertPermutedRows(MemorySegment bf16, MemorySegment f32, int heads, int rows, int cols) {
        int half = rows / heads / 2;
        int newRow = 0;
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int p = 0; p < half; p++) {
                    int viewRow = (h * half + p) * 2 + j;   // index of [h, p, j] in the untransposed view
                    assertEquals(viewRow, RotaryPermutation.sourceRow(newRow, heads, rows));
                    assertSameRowsAt(bf16, newRow, f32, viewRow, cols);
                    newRow++;
                }
            }
        }
    }

    private static void assertSameRowsAt(MemorySegment bf16, int row, MemorySegment f32, int srcRow, int cols) {
        for (int c = 0; c < cols; c++) {
            float f = f32.get(Llama2cCheckpoint.F32, 4L * ((long) srcRow * cols + c));
            assertEquals(expectedBf16(f), bf16.get(BF16, 2L * ((long) row * cols + c)), "row " + row + " col " + c);
        }
    }
}
