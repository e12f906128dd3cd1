package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.SafetensorsDirectory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Df11CompressorTest {

    @TempDir
    Path tmp;

    private static final CompressOptions OPTIONS = CompressOptions.defaults().withThreads(2);

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void compressesLlamaUnitsAndRoundTrips() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 3, false);
        List<String> steps = new ArrayList<>();
        CompressionReport report = Df11Compressor.compress(bf16, tmp.resolve("df11"), OPTIONS, new ProgressListener() {
            @Override
            public void step(String what) {
                steps.add(what);
            }
        });
        assertEquals(5, report.units().size());
        assertEquals(5, report.encodedUnits());
        assertEquals(3 * 2 + 1, report.plainTensors(), "two norms per layer and the final norm");
        assertEquals(12, steps.size());
        assertTrue(report.outputBytes() < report.inputBytes());

        try (Df11Model model = Df11Model.open(tmp.resolve("df11"))) {
            assertEquals(List.of("lm_head", "model.embed_tokens", "model.layers.0", "model.layers.1",
                    "model.layers.2"), model.unitNames());
            assertEquals(List.of("model.layers.1.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight",
                    "model.layers.1.self_attn.v_proj.weight", "model.layers.1.self_attn.o_proj.weight",
                    "model.layers.1.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight",
                    "model.layers.1.mlp.down_proj.weight"), model.matrixNames("model.layers.1"));
            assertEquals(List.of("lm_head.weight"), model.matrixNames("lm_head"));
            MatrixRef k = model.locate("model.layers.2.self_attn.k_proj.weight").orElseThrow();
            assertEquals("model.layers.2", k.unit());
            assertEquals(1, k.index());
            assertArrayEquals(new long[] {32, 64}, k.shape());
            assertTrue(model.locate("model.norm.weight").isEmpty());
            assertTrue(model.plainTensorNames().contains("model.layers.0.input_layernorm.weight"));
            JsonNode dfConfig = model.config().get("dfloat11_config");
            assertEquals(512, dfConfig.get("threads_per_block").get(0).asInt());
            assertEquals(8, dfConfig.get("bytes_per_thread").asInt());
            assertEquals(Map.of("model\\.layers\\.\\d+", UnitPlanner.LLAMA_LAYER_ATTRS, "model\\.embed_tokens",
                    List.of(), "lm_head", List.of()), model.df11Config().patternDict());
            assertEquals("llama", model.config().get("model_type").asText(), "original config kept");

            // decoding a unit gives the original matrices back
            try (SafetensorsDirectory original = SafetensorsDirectory.open(bf16); Arena arena = Arena.ofShared()) {
                Df11Unit unit = model.unit("model.layers.2");
                MemorySegment out = arena.allocate(2 * unit.elementCount());
                new Df11Decoder(2).decode(unit, out);
                MemorySegment down = out.asSlice(2 * unit.matrixStart(6), 2 * (unit.matrixEnd(6) - unit.matrixStart(6)));
                assertEquals(-1, down.mismatch(original.data("model.layers.2.mlp.down_proj.weight")));
            }
        }
        assertTrue(Files.exists(tmp.resolve("df11/tokenizer.json")));

        Df11Decompressor.Report back = Df11Decompressor.decompress(tmp.resolve("df11"), tmp.resolve("back"), 2, false,
                1L << 30, ProgressListener.NONE);
        assertEquals(5, back.units());
        TinyLlama.assertSameTensors(bf16, tmp.resolve("back"));
        JsonNode config = ModelFolder.readConfig(tmp.resolve("back"));
        assertFalse(config.has("dfloat11_config"));
        assertEquals(ModelFolder.readConfig(bf16), config);
        assertEquals(Files.readString(bf16.resolve("tokenizer.json")),
                Files.readString(tmp.resolve("back/tokenizer.json")));
        assertEquals(List.of("back", "bf16", "df11"), listing(), "no staging folders left");
    }

    @Test
    void tiedEmbeddingsGiveNoLmHeadUnit() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Df11Compressor.compress(bf16, tmp.resolve("df11"), OPTIONS, ProgressListener.NONE);
        try (Df11Model model = Df11Model.open(tmp.resolve("df11"))) {
            assertEquals(List.of("model.embed_tokens", "model.layers.0"), model.unitNames());
            assertFalse(model.df11Config().patternDict().containsKey("lm_head"));
            assertFalse(model.tensors().contains("lm_head.weight"));
        }
    }

    @Test
    void compressesExplicitPatternUnits() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 2, false);
        Map<String, List<String>> pattern = Df11Config.parsePatternDict(
                "{\"model\\\\.layers\\\\.\\\\d+\\\\.mlp\": [\"gate_proj\", \"up_proj\", \"down_proj\"], "
                        + "\"lm_head\": []}", Path.of("--pattern"));
        CompressionReport report = Df11Compressor.compress(bf16, tmp.resolve("df11"),
                OPTIONS.withPatternDict(pattern), ProgressListener.NONE);
        assertEquals(3, report.units().size());
        try (Df11Model model = Df11Model.open(tmp.resolve("df11"))) {
            assertEquals(List.of("lm_head", "model.layers.0.mlp", "model.layers.1.mlp"), model.unitNames());
            assertEquals(List.of("model.layers.1.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight",
                    "model.layers.1.mlp.down_proj.weight"), model.matrixNames("model.layers.1.mlp"));
            assertTrue(model.plainTensorNames().contains("model.layers.0.self_attn.q_proj.weight"));
            assertTrue(model.plainTensorNames().contains("model.embed_tokens.weight"));
            assertArrayEquals(new long[] {64, 96}, model.locate("model.layers.0.mlp.down_proj.weight").orElseThrow()
                    .shape());
        }
        Df11Decompressor.decompress(tmp.resolve("df11"), tmp.resolve("back"), 2, false, 1L << 30,
                ProgressListener.NONE);
        TinyLlama.assertSameTensors(bf16, tmp.resolve("back"));
    }

    @Test
    void keepsAUnitWithHugeExponentsAsBf16() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 2, false);
        TinyLlama.setWord(bf16, "model.layers.1.mlp.up_proj.weight", 17, (short) 0x7F80);   // +Inf, exponent 255
        TinyLlama.setWord(bf16, "model.layers.1.mlp.up_proj.weight", 18, (short) 0xF880);   // exponent 241
        List<String> notices = new ArrayList<>();
        CompressionReport report = Df11Compressor.compress(bf16, tmp.resolve("df11"), OPTIONS, new ProgressListener() {
            @Override
            public void notice(String message) {
                notices.add(message);
            }
        });
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.getFirst().contains("model.layers.1") && notices.getFirst().contains("BF16"));
        UnitOutcome kept = report.units().stream().filter(u -> !u.encoded()).findFirst().orElseThrow();
        assertEquals("model.layers.1", kept.unit());
        assertEquals(kept.bf16Bytes(), kept.storedBytes());
        try (Df11Model model = Df11Model.open(tmp.resolve("df11"))) {
            assertFalse(model.unitNames().contains("model.layers.1"));
            assertTrue(model.unitNames().contains("model.layers.0"));
            assertTrue(model.plainTensorNames().contains("model.layers.1.mlp.up_proj.weight"));
        }
        Df11Decompressor.decompress(tmp.resolve("df11"), tmp.resolve("back"), 2, false, 1L << 30,
                ProgressListener.NONE);
        TinyLlama.assertSameTensors(bf16, tmp.resolve("back"));
    }

    @Test
    void shardsLargeOutputsAndReadsThemBack() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 3, false);
        Df11Compressor.compress(bf16, tmp.resolve("df11"), OPTIONS.withMaxShardBytes(20_000), ProgressListener.NONE);
        try (Df11Model model = Df11Model.open(tmp.resolve("df11"))) {
            assertTrue(model.tensors().files().size() > 3, "several shards");
            assertEquals(5, model.unitNames().size());
        }
        assertTrue(Files.exists(tmp.resolve("df11/model.safetensors.index.json")));
        Df11Decompressor.decompress(tmp.resolve("df11"), tmp.resolve("back"), 1, false, 30_000, ProgressListener.NONE);
        TinyLlama.assertSameTensors(bf16, tmp.resolve("back"));
    }

    @Test
    void failedOrInterruptedCompressLeavesNoFinishedFolder() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 3, false);
        RuntimeException interrupt = new RuntimeException("interrupted");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Df11Compressor.compress(bf16,
                tmp.resolve("df11"), OPTIONS.withMaxShardBytes(20_000), new ProgressListener() {
                    int steps;

                    @Override
                    public void step(String what) {
                        if (++steps == 4) {
                            throw interrupt;   // after some shards are already on disk
                        }
                    }
                }));
        assertEquals(interrupt, thrown);
        assertEquals(List.of("bf16"), listing());

        TinyLlama.setWord(bf16, "model.norm.weight", 0, (short) 0);
        Files.writeString(bf16.resolve("config.json"), "{\"broken\": ");
        assertThrows(Df11ModelException.class,
                () -> Df11Compressor.compress(bf16, tmp.resolve("df11"), OPTIONS, ProgressListener.NONE));
        assertEquals(List.of("bf16"), listing());
    }

    @Test
    void refusesBadRequests() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, false);
        assertThrows(IOException.class,
                () -> Df11Compressor.compress(bf16, bf16.resolve("inside"), OPTIONS, ProgressListener.NONE));
        Df11ModelException noMatch = assertThrows(Df11ModelException.class, () -> Df11Compressor.compress(bf16,
                tmp.resolve("df11"), OPTIONS.withPatternDict(Map.of("nothing\\.here", List.of())),
                ProgressListener.NONE));
        assertTrue(noMatch.getMessage().contains("matches no unit"));
        Df11ModelException partial = assertThrows(Df11ModelException.class, () -> Df11Compressor.compress(bf16,
                tmp.resolve("df11"), OPTIONS.withPatternDict(Map.of("model\\.layers\\.\\d+",
                        List.of("self_attn.q_proj", "self_attn.nope"))), ProgressListener.NONE));
        assertTrue(partial.getMessage().contains("model.layers.0.self_attn.nope.weight"), partial.getMessage());
        Df11Compressor.compress(bf16, tmp.resolve("df11"), OPTIONS, ProgressListener.NONE);
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> Df11Compressor.compress(bf16, tmp.resolve("df11"), OPTIONS, ProgressListener.NONE));
        Df11ModelException again = assertThrows(Df11ModelException.class, () -> Df11Compressor.compress(
                tmp.resolve("df11"), tmp.resolve("df11b"), OPTIONS, ProgressListener.NONE));
        assertTrue(again.getMessage().contains("already a DF11 model"));
        assertEquals(List.of("bf16", "df11"), listing());
    }

    @Test
    void outputDoesNotDependOnThreads() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 2, false);
        Df11Compressor.compress(bf16, tmp.resolve("a"), OPTIONS.withThreads(1), ProgressListener.NONE);
        Df11Compressor.compress(bf16, tmp.resolve("b"), OPTIONS.withThreads(3), ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/model.safetensors")),
                Files.readAllBytes(tmp.resolve("b/model.safetensors")));
    }
}
