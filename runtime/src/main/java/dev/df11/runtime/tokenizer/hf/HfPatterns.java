package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Patterns in {@code tokenizer.json}: {@code {"String": "..."}} (literal) or {@code {"Regex": "..."}} (an Oniguruma
 * regex in Hugging Face's Rust library).
 *
 * <p>The pre-tokenizer regexes of GPT-2, Llama 3 and Qwen use only syntax that java.util.regex reads the same way
 * ({@code (?i:...)}, {@code \p{L}}, {@code \p{N}}, {@code (?!\S)}, {@code {1,3}}); what Java needs is the meaning
 * of {@code \s}: Oniguruma matches all Unicode white space, Java only ASCII unless
 * {@link Pattern#UNICODE_CHARACTER_CLASS} is on, so it is.
 */
final class HfPatterns {

    /** GPT-2's pre-tokenizer split, used by {@code ByteLevel} pre-tokenizers with {@code use_regex: true}. */
    static final Pattern GPT2 = compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private HfPatterns() {
    }

    /** Compiles a Hugging Face regex with Oniguruma's Unicode meaning of {@code \s}, {@code \d} and {@code \w}. */
    static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    static Pattern parse(JsonNode pattern, String path, HfJson json) throws InvalidTokenizerException {
        if (pattern.has("String")) {
            return Pattern.compile(Pattern.quote(json.text(pattern, "String", path)));
        }
        if (pattern.has("Regex")) {
            String regex = json.text(pattern, "Regex", path);
            try {
                return compile(regex);
            } catch (PatternSyntaxException e) {
                throw json.error(path + ".Regex", "is not a regex Java can compile: " + e.getDescription()
                        + " near index " + e.getIndex());
            }
        }
        throw json.error(path, "has neither \"String\" nor \"Regex\": " + pattern);
    }
}
