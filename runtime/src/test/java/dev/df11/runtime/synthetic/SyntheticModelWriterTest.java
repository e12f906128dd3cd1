package dev.df11.runtime.synthetic;

import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelConfigParser;
import dev.df11.runtime.testmodels.Runtimes;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticModelWriterTest {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static Path write(long seed, int threads, long maxShardBytes) throws IOException {
        Path dir = TestModels.newFolder("synthetic").resolve("model");
        SyntheticModelWriter.write(SyntheticShape.TINY, seed, dir, false, threads, maxShardBytes, (n, t) -> { });
        return dir;
    }

    @Test
    void sameSeedSameBytesOnAnyThreadCountAndDifferentSeedDifferentBytes() throws IOException {
        Path one = write(11, 1, Long.MAX_VALUE);
        Path three = write(11, 3, Long.MAX_VALUE);
        Path other = write(12, 2, Long.MAX_VALUE);
        byte[] a = Files.readAllBytes(one.resolve("model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(three.resolve("model.safetensors")));
        assertNotEquals(-1, java.util.Arrays.mismatch(a, Files.readAllBytes(other.resolve("model.safetensors"))));
        assertArrayEquals(Files.readAllBytes(one.resolve("tokenizer.bin")), Files.readAllBytes(other.resolve("tokenizer.bin")));
    }

    @Test
    void realShapesInConfigAndTensors() throws IOException {
        Path dir = write(5, 2, Long.MAX_VALUE);
        ModelConfig config = ModelConfigParser.read(dir);
        assertEquals(64, config.hiddenSize());
        assertEquals(2, config.kvHeadCount());
        try (SafetensorsDirectory files = SafetensorsDirectory.open(dir)) {
            assertArrayEquals(new long[] {512, 64}, files.tensor("model.embed_tokens.weight").shape());
            assertArrayEquals(new long[] {32, 64}, files.tensor("model.layers.1.self_attn.k_proj.weight").shape());
            assertTrue(files.contains("lm_head.weight"));
            assertEquals(SyntheticModelWriter.weightBytes(SyntheticShape.TINY), files.dataBytes());
            MemorySegment norm = files.data("model.layers.0.input_layernorm.weight");
            for (long i = 0; i < 64; i++) {
                assertEquals((short) 0x3F80, norm.getAtIndex(BF16, i));
            }
            MemorySegment up = files.data("model.layers.0.mlp.up_proj.weight");
            long n = up.byteSize() / 2;
            double sum = 0;
            double squares = 0;
            for (long i = 0; i < n; i++) {
                float v = Float.intBitsToFloat((up.getAtIndex(BF16, i) & 0xFFFF) << 16);
                sum += v;
                squares += v * v;
            }
            double std = Math.sqrt(squares / n - (sum / n) * (sum / n));
            assertEquals(0.02, std, 0.001);
        }
        // The real 1B and 8B shapes, by their tensor bytes: 1.24 B and 8.03 B parameters.
        assertEquals(2_471_628_800L, SyntheticModelWriter.weightBytes(SyntheticShape.LLAMA_3_2_1B));
        assertEquals(16_060_522_496L, SyntheticModelWriter.weightBytes(SyntheticShape.LLAMA_3_1_8B));
    }

    @Test
    void shardsWithAnIndexBeyondTheLimit() throws IOException {
        Path dir = write(5, 2, 100_000);
        List<Path> shards;
        try (var list = Files.list(dir)) {
            shards = list.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).toList();
        }
        assertTrue(shards.size() > 2, "shards: " + shards);
        assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")));
        try (SafetensorsDirectory files = SafetensorsDirectory.open(dir)) {
            assertEquals(SyntheticModelWriter.weightBytes(SyntheticShape.TINY), files.dataBytes());
            Path single = write(5, 2, Long.MAX_VALUE);
            try (SafetensorsDirectory whole = SafetensorsDirectory.open(single)) {
                for (String name : whole.tensorNames()) {
                    assertEquals(-1, whole.data(name).mismatch(files.data(name)), name);
                }
            }
        }
    }

    @Test
    void tokenizerEncodesAnyTextAndTheModelRuns() throws IOException {
        Path dir = write(9, 2, Long.MAX_VALUE);
        Tokenizer tokenizer = Tokenizers.load(dir, null);
        assertEquals(512, tokenizer.vocabSize());
        String text = "Hello, synthetic world! ü";
        int[] ids = tokenizer.encode(text, true);
        assertEquals(1, ids[0]);
        assertEquals(text, tokenizer.decode(java.util.Arrays.copyOfRange(ids, 1, ids.length)));
        try (ForwardPass forward = Runtimes.open(dir, 128, 8)) {
            int[] generated = new Generator(forward).generate(ids, GenerationSettings.greedy(5), t -> { })
                    .generatedTokens();
            assertTrue(generated.length <= 5);
        }
    }

    @Test
    void tokenizerPiecesAreUniqueAndFillTheVocabulary() {
        List<String> pieces = SyntheticTokenizerFile.pieces(128256);
        assertEquals(128256, pieces.size());
        assertEquals(128256, new java.util.HashSet<>(pieces).size());
        assertEquals("<0x00>", pieces.get(3));
    }
}
