package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.tokenizer.PublishedVectors;
import dev.df11.runtime.tokenizer.SampleTexts;
import dev.df11.runtime.tokenizer.TestVocabularies;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.tokenizer.bpe.ByteTokens;
import dev.df11.runtime.tokenizer.llama2c.Llama2cTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Llama 2's vocabulary through the Hugging Face path: a {@code tokenizer.json} assembled here from stories15M's
 * {@code tokenizer.bin} the way Hugging Face converts a SentencePiece model (merges ranked by the merged piece's
 * score), with no {@code tokenizer_config.json}, so BOS comes from the post-processor template. Checked against
 * published Llama ids and against the llama2.c algorithm on the same vocabulary.
 */
class Llama2TokenizerJsonTest {

    @TempDir
    static Path dir;

    private static Tokenizer tokenizer;
    private static Tokenizer llama2c;

    @BeforeAll
    static void build() throws IOException {
        Path bin = TestVocabularies.stories15M().resolve("tokenizer.bin");
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(bin));
        tokenizer = Tokenizers.load(dir, null);
        llama2c = Llama2cTokenizer.read(bin, null);
    }

    @Test
    void takesBosFromThePostProcessorTemplate() {
        assertEquals(1, tokenizer.bosId());
        assertTrue(tokenizer.addsBosByDefault());
        assertEquals(-1, tokenizer.eosId()); // nothing names an EOS without config.json or tokenizer_config.json
    }

    static Stream<Object[]> publishedEncodings() {
        return PublishedVectors.llama2Encodings();
    }

    @ParameterizedTest
    @MethodSource("publishedEncodings")
    void matchesPublishedLlamaIds(String text, int[] expected) {
        assertArrayEquals(expected, tokenizer.encode(text, true));
        assertEquals(text, tokenizer.decode(expected));
    }

    @Test
    void agreesWithLlama2c() {
        for (String text : SampleTexts.random(7, 400, 40)) {
            assertArrayEquals(llama2c.encode(text, true), tokenizer.encode(text, true), () -> "text: " + text);
        }
        for (String text : SampleTexts.TRICKY) {
            if (!text.contains("<s>")) { // added tokens: matched by the Hugging Face path only
                assertArrayEquals(llama2c.encode(text, true), tokenizer.encode(text, true), () -> "text: " + text);
                assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
            }
        }
    }

    /** tokenizer.bin pieces (space as ' ', raw byte tokens) to a Llama-2-style tokenizer.json. */
    private static String tokenizerJson(Path bin) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        in.getInt();
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (in.hasRemaining()) {
            scores.add(in.getFloat());
            byte[] bytes = new byte[in.getInt()];
            in.get(bytes);
            pieces.add(new String(bytes, StandardCharsets.UTF_8).replace(' ', '▁'));
        }
        pieces.set(0, "<unk>");
        pieces.set(1, "<s>");
        pieces.set(2, "</s>");
        for (int b = 0; b < 256; b++) {
            pieces.set(3 + b, ByteTokens.name(b));
        }
        var mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < 3; id++) {
            added.addObject().put("id", id).put("content", pieces.get(id)).put("special", true);
        }
        ArrayNode normalizers = root.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", "▁");
        ObjectNode replace = normalizers.addObject().put("type", "Replace").put("content", "▁");
        replace.putObject("pattern").put("String", " ");
        root.putNull("pre_tokenizer");
        ObjectNode template = root.putObject("post_processor").put("type", "TemplateProcessing");
        template.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        template.putObject("special_tokens").putObject("<s>").put("id", "<s>").putArray("ids").add(1);
        ArrayNode decoders = root.putObject("decoder").put("type", "Sequence").putArray("decoders");
        ObjectNode unmark = decoders.addObject().put("type", "Replace").put("content", " ");
        unmark.putObject("pattern").put("String", "▁");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model").put("type", "BPE").put("byte_fallback", true)
                .put("unk_token", "<unk>").put("fuse_unk", true);
        ObjectNode vocab = model.putObject("vocab");
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < pieces.size(); id++) {
            vocab.put(pieces.get(id), id);
            if (id >= 259) {
                ids.put(pieces.get(id), id);
            }
        }
        // Every split of a piece into two pieces is a merge, ranked by the merged piece's score (highest first).
        record Merge(String left, String right, float score, int id) {
        }
        List<Merge> merges = new ArrayList<>();
        ids.forEach((piece, id) -> {
            for (int split = 1; split < piece.length(); split++) {
                if (Character.isLowSurrogate(piece.charAt(split))) {
                    continue;
                }
                String left = piece.substring(0, split);
                String right = piece.substring(split);
                if (ids.containsKey(left) && ids.containsKey(right)) {
                    merges.add(new Merge(left, right, scores.get(id), id));
                }
            }
        });
        merges.sort(Comparator.comparingDouble((Merge m) -> -m.score()).thenComparingInt(Merge::id)
                .thenComparingInt(m -> ids.get(m.left())));
        ArrayNode mergeArray = model.putArray("merges");
        merges.forEach(m -> mergeArray.add(m.left() + " " + m.right()));
        return mapper.writeValueAsString(root);
    }
}
