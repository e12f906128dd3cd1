package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.tokenizer.SampleTexts;
import dev.df11.runtime.tokenizer.TestVocabularies;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.text.Normalizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Byte-level BPE with NFC and [a, b] pair merges, from a real Qwen3 {@code tokenizer.json}
 * (scripts/fetch-tokenizers.sh: qwen3). Qwen3's vocabulary up to id 151642 is Qwen2's.
 */
class Qwen3TokenizerJsonTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizers.load(TestVocabularies.huggingFace("qwen3"), null);
    }

    @Test
    void hasNoBosAndEndsAtImEnd() {
        assertEquals(151669, tokenizer.vocabSize());
        assertEquals(-1, tokenizer.bosId());
        assertEquals(151645, tokenizer.eosId()); // <|im_end|>, tokenizer_config.json's eos_token
        assertFalse(tokenizer.addsBosByDefault());
    }

    @Test
    void configBosIdDoesNotMakeQwenAddOne() throws IOException {
        // Qwen's config.json names bos_token_id 151643, but its tokenizer never prepends it.
        var config = new ObjectMapper().readTree("{\"bos_token_id\": 151643, \"eos_token_id\": 151645}");
        Tokenizer withConfig = Tokenizers.load(TestVocabularies.huggingFace("qwen3"), config);
        assertEquals(151643, withConfig.bosId());
        assertFalse(withConfig.addsBosByDefault());
    }

    /**
     * Hugging Face transformers, tests/models/qwen2/test_tokenization_qwen2.py, {@code test_tokenizer_integration}
     * (Qwen/Qwen-tokenizer): the expected input_ids of its three sequences, without the padding.
     */
    @Test
    void matchesTransformersQwen2IntegrationIds() {
        String english = "Transformers (formerly known as pytorch-transformers and pytorch-pretrained-bert) provides "
                + "general-purpose architectures (BERT, GPT-2, RoBERTa, XLM, DistilBert, XLNet...) for Natural "
                + "Language Understanding (NLU) and Natural Language Generation (NLG) with over 32+ pretrained "
                + "models in 100+ languages and deep interoperability between Jax, PyTorch and TensorFlow.";
        int[] englishIds = {8963, 388, 320, 69514, 3881, 438, 4510, 27414, 32852, 388, 323, 4510, 27414, 21334,
                35722, 1455, 529, 8, 5707, 4586, 58238, 77235, 320, 61437, 11, 479, 2828, 12, 17, 11, 11830, 61437, 64,
                11, 1599, 10994, 11, 27604, 321, 33, 529, 11, 29881, 6954, 32574, 369, 18448, 11434, 45451, 320, 45,
                23236, 8, 323, 18448, 11434, 23470, 320, 30042, 38, 8, 448, 916, 220, 18, 17, 10, 80669, 4119, 304,
                220, 16, 15, 15, 10, 15459, 323, 5538, 94130, 2897, 1948, 619, 706, 11, 5355, 51, 21584, 323, 94986,
                13};
        String chinese = "🤗 Transformers 提供了可以轻松地下载并且训练先进的预训练模型的 API 和工具。使用预训练模型可以减少计算消耗和碳排放，"
                + "并且节省从头训练所需要的时间和资源。";
        int[] chineseIds = {144834, 80532, 93685, 83744, 34187, 73670, 104261, 29490, 62189, 103937, 104034, 102830,
                98841, 104034, 104949, 9370, 5333, 58143, 102011, 1773, 37029, 98841, 104034, 104949, 73670, 101940,
                100768, 104997, 33108, 100912, 105054, 90395, 100136, 106831, 45181, 64355, 104034, 113521, 101975,
                33108, 85329, 1773};
        String code = "```python\ntokenizer = AutoTokenizer.from_pretrained(\"Qwen/Qwen-tokenizer\")\n"
                + "tokenizer(\"世界，你好！\")```";
        int[] codeIds = {73594, 12669, 198, 85593, 284, 8979, 37434, 6387, 10442, 35722, 445, 48, 16948, 45274,
                16948, 34841, 3135, 1138, 85593, 445, 99489, 3837, 108386, 6313, 899, 73594};
        assertArrayEquals(englishIds, tokenizer.encode(english, false));
        assertArrayEquals(chineseIds, tokenizer.encode(chinese, false));
        assertArrayEquals(codeIds, tokenizer.encode(code, false));
        assertEquals(chinese, tokenizer.decode(chineseIds));
    }

    @Test
    void appliesNfcBeforeMerging() {
        // transformers' test_nfc_normalization: U+03D2 U+0301 is U+03D3 under NFC.
        assertArrayEquals(tokenizer.encode("\u03d3", false), tokenizer.encode("\u03d2\u0301", false));
        assertEquals("\u03d3", tokenizer.decode(tokenizer.encode("\u03d2\u0301", false)));
    }

    @Test
    void matchesChatTokens() {
        int[] ids = tokenizer.encode("<|im_start|>user\nHi<|im_end|>", false);
        assertEquals(151644, ids[0]);
        assertEquals(151645, ids[ids.length - 1]);
        assertEquals("<|im_start|>user\nHi", tokenizer.decode(ids)); // EOS has no text
    }

    @Test
    void roundTripsUpToNfc() {
        for (String text : SampleTexts.TRICKY) {
            String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
            assertEquals(nfc, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
        }
        for (String text : SampleTexts.random(5, 300, 40)) {
            String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
            assertEquals(nfc, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
        }
    }
}
