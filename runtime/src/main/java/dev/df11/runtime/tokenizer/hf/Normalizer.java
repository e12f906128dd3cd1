package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code tokenizer.json} normalizer: rewrites each stretch of input text between added tokens before it is split
 * and merged. Supported types: {@code Sequence}, {@code Prepend}, {@code Replace}, {@code NFC}, {@code NFD},
 * {@code NFKC}, {@code NFKD}, {@code Lowercase}.
 */
@FunctionalInterface
interface Normalizer {

    Normalizer IDENTITY = text -> text;

    String SUPPORTED = "Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase";

    String apply(String text);

    /** The normalizer described by {@code node} (which may be null: no normalizer). */
    static Normalizer parse(JsonNode node, String path, HfJson json) throws InvalidTokenizerException {
        if (node == null || node.isNull()) {
            return IDENTITY;
        }
        String type = json.type(node, path);
        return switch (type) {
            case "Sequence" -> {
                JsonNode parts = json.array(node, "normalizers", path);
                List<Normalizer> steps = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    steps.add(parse(parts.get(i), path + ".normalizers[" + i + "]", json));
                }
                yield text -> {
                    for (Normalizer step : steps) {
                        text = step.apply(text);
                    }
                    return text;
                };
            }
            // Like Hugging Face: nothing is prepended to an empty string.
            case "Prepend" -> {
                String prefix = json.text(node, "prepend", path);
                yield text -> text.isEmpty() ? text : prefix + text;
            }
            case "Replace" -> {
                Pattern pattern = HfPatterns.parse(json.object(node, "pattern", path), path + ".pattern", json);
                String replacement = Matcher.quoteReplacement(json.text(node, "content", path));
                yield text -> pattern.matcher(text).replaceAll(replacement);
            }
            case "NFC" -> text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC);
            case "NFD" -> text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD);
            case "NFKC" -> text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC);
            case "NFKD" -> text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> text -> text.toLowerCase(Locale.ROOT);
            default -> throw json.unsupported(path + ".type", node.get("type"), SUPPORTED);
        };
    }
}
