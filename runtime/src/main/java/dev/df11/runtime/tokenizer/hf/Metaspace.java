package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;

import java.util.ArrayList;
import java.util.List;

/**
 * SentencePiece's word marker as a pre-tokenizer: spaces become the replacement character ("▁"), one is prepended
 * (always, only at the start of the text, or never: {@code prepend_scheme}, or the older {@code add_prefix_space}),
 * and with {@code split} the text is cut before every marker so each word starts with one.
 */
final class Metaspace implements PreTokenizer {

    private final String replacement;
    private final String prependScheme;
    private final boolean split;

    Metaspace(JsonNode node, String path, HfJson json) throws InvalidTokenizerException {
        replacement = json.text(node, "replacement", path);
        if (replacement.codePointCount(0, replacement.length()) != 1) {
            throw json.error(path + ".replacement", "must be one character, not \"" + replacement + "\"");
        }
        prependScheme = prependScheme(node, path, json);
        split = json.optionalBoolean(node, "split", path, true);
    }

    /** {@code prepend_scheme} ("always", "first", "never"), falling back to the older boolean add_prefix_space. */
    static String prependScheme(JsonNode node, String path, HfJson json) throws InvalidTokenizerException {
        String scheme = json.optionalText(node, "prepend_scheme", path, null);
        if (scheme == null) {
            return json.optionalBoolean(node, "add_prefix_space", path, true) ? "always" : "never";
        }
        if (!scheme.equals("always") && !scheme.equals("first") && !scheme.equals("never")) {
            throw json.unsupported(path + ".prepend_scheme", node.get("prepend_scheme"), "always, first, never");
        }
        return scheme;
    }

    @Override
    public List<String> apply(List<String> pieces, boolean atTextStart) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            String text = pieces.get(i).replace(" ", replacement);
            boolean prepend = switch (prependScheme) {
                case "always" -> true;
                case "first" -> atTextStart && i == 0;
                default -> false;
            };
            if (prepend && !text.startsWith(replacement)) {
                text = replacement + text;
            }
            if (!split) {
                out.add(text);
                continue;
            }
            int start = 0;
            for (int at = text.indexOf(replacement, 1); at >= 0; at = text.indexOf(replacement, at + 1)) {
                out.add(text.substring(start, at));
                start = at;
            }
            if (start < text.length()) {
                out.add(text.substring(start));
            }
        }
        return out;
    }
}
