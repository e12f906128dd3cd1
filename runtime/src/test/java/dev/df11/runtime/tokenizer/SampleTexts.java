package dev.df11.runtime.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Texts that stress tokenizers: spaces at the edges, newlines, tabs, scripts, emoji, byte fallback. */
public final class SampleTexts {

    private SampleTexts() {
    }

    public static final List<String> TRICKY = List.of(
            "",
            " ",
            "  ",
            "a",
            " a",
            "a ",
            "Hello world!",
            "  leading spaces",
            "trailing spaces   ",
            "\n",
            " \n",
            "\n\n\nthree newlines first",
            "line one\nline two\r\nline three\n",
            "\ttabs\t\tand  double  spaces\t",
            "Once upon a time, there was a little girl named Lily.",
            "It's, we're, they've, I'm, you'll, he'd, DON'T",
            "numbers 1 12 123 1234 12345 3.14159 -42 1,000,000",
            "camelCaseIdentifiers and snake_case_names = x->y; // comment",
            "Ünïcödé çhàràctérs, ß, Æ, ø, ł",
            "Ελληνικά, русский, עברית, العربية",
            "镇 日本語のテキスト 한국어 텍스트",
            "🦙", "🦙Ꙋ", "Ꙋ🦙",
            "emoji 😀😃 family 👨‍👩‍👧 flags 🇫🇷 skin 👍🏽",
            "math ∀x∈ℝ: x² ≥ 0, ∑ᵢ aᵢ, 𝔸𝔹ℂ",
            "combining: e\u0301 a\u0308 n\u0303",
            "zero\u200Bwidth\u200Djoiner and nbsp\u00A0here",
            "\u0000control\u0001chars\u007F",
            "<s> and </s> and <unk> as plain text",
            "<0x0A> is not a newline here",
            "The llama (/ˈlɑːmə/; 🦙Spanish pronunciation: [ˈʎama])",
            "ax\n####\nboo",
            "           grabbed");

    /**
     * Deterministic random texts drawn from a mix of ASCII, whitespace, Latin-1, CJK, emoji (surrogate pairs) and
     * combining marks: well-formed UTF-16 only, so every one must round-trip.
     */
    public static List<String> random(long seed, int count, int maxLength) {
        var random = new Random(seed);
        int[][] ranges = {
                {0x20, 0x7E}, {0x20, 0x7E}, {0x20, 0x7E}, {'\n', '\n'}, {'\t', '\t'}, {' ', ' '}, {0xA0, 0xFF},
                {0x400, 0x4FF}, {0x4E00, 0x9FFF}, {0x1F300, 0x1FAFF}, {0x300, 0x36F}, {0x1, 0x1F}, {0x10000, 0x1000F},
        };
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            var text = new StringBuilder();
            int length = random.nextInt(maxLength + 1);
            for (int j = 0; j < length; j++) {
                int[] range = ranges[random.nextInt(ranges.length)];
                text.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
            }
            texts.add(text.toString());
        }
        return texts;
    }
}
