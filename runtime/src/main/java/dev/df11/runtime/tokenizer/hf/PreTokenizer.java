package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code tokenizer.json} pre-tokenizer: cuts normalized text into words, each merged by BPE on its own. Supported
 * types: {@code Sequence}, {@code Split} (behaviour {@code Isolated}, {@code Removed}, {@code MergedWithPrevious}
 * or {@code MergedWithNext}, inverted or not), {@code ByteLevel}, {@code Metaspace}, {@code Digits}.
 */
interface PreTokenizer {

    String SUPPORTED = "Sequence, Split, ByteLevel, Metaspace, Digits";

    /** No pre-tokenizer: the whole text is one word (Llama 2's SentencePiece-style files). */
    PreTokenizer NONE = (pieces, atTextStart) -> pieces;

    /**
     * Splits and rewrites {@code pieces}.
     *
     * @param atTextStart whether the first piece starts the input text (not preceded by an added token)
     */
    List<String> apply(List<String> pieces, boolean atTextStart);

    static PreTokenizer parse(JsonNode node, String path, HfJson json) throws InvalidTokenizerException {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String type = json.type(node, path);
        return switch (type) {
            case "Sequence" -> {
                JsonNode parts = json.array(node, "pretokenizers", path);
                List<PreTokenizer> steps = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    steps.add(parse(parts.get(i), path + ".pretokenizers[" + i + "]", json));
                }
                yield (pieces, atTextStart) -> {
                    for (PreTokenizer step : steps) {
                        pieces = step.apply(pieces, atTextStart);
                    }
                    return pieces;
                };
            }
            case "Split" -> {
                String behavior = json.text(node, "behavior", path);
                boolean invert = json.optionalBoolean(node, "invert", path, false);
                Pattern pattern = HfPatterns.parse(json.object(node, "pattern", path), path + ".pattern", json);
                yield switch (behavior) {
                    // Isolated makes every stretch a piece, matched or not: inverting changes nothing.
                    case "Isolated" -> (pieces, atTextStart) -> splitIsolated(pieces, pattern);
                    case "Removed", "MergedWithPrevious", "MergedWithNext" ->
                            (pieces, atTextStart) -> split(pieces, pattern, behavior, invert);
                    default -> throw json.unsupported(path + ".behavior", node.get("behavior"),
                            "Isolated, Removed, MergedWithPrevious, MergedWithNext");
                };
            }
            case "ByteLevel" -> byteLevel(node, path, json);
            case "Metaspace" -> new Metaspace(node, path, json);
            case "Digits" -> {
                Pattern digits = json.optionalBoolean(node, "individual_digits", path, false)
                        ? Pattern.compile("\\p{N}") : Pattern.compile("\\p{N}+");
                yield (pieces, atTextStart) -> splitIsolated(pieces, digits);
            }
            default -> throw json.unsupported(path + ".type", node.get("type"), SUPPORTED);
        };
    }

    /** Hugging Face's defaults for a ByteLevel pre-tokenizer are add_prefix_space and use_regex both true. */
    private static PreTokenizer byteLevel(JsonNode node, String path, HfJson json) throws InvalidTokenizerException {
        boolean addPrefixSpace = json.optionalBoolean(node, "add_prefix_space", path, true);
        boolean useRegex = json.optionalBoolean(node, "use_regex", path, true);
        return (pieces, atTextStart) -> {
            List<String> out = new ArrayList<>(pieces.size());
            for (String piece : pieces) {
                String text = addPrefixSpace && !piece.startsWith(" ") ? " " + piece : piece;
                if (useRegex) {
                    for (String part : splitIsolated(List.of(text), HfPatterns.GPT2)) {
                        out.add(ByteLevelAlphabet.encode(part));
                    }
                } else {
                    out.add(ByteLevelAlphabet.encode(text));
                }
            }
            return out;
        };
    }

    /** Every match becomes a piece, and so does every non-empty stretch between matches. */
    static List<String> splitIsolated(List<String> pieces, Pattern pattern) {
        List<String> out = new ArrayList<>();
        for (String piece : pieces) {
            Matcher m = pattern.matcher(piece);
            int last = 0;
            while (m.find()) {
                if (m.start() > last) {
                    out.add(piece.substring(last, m.start()));
                }
                if (m.end() > m.start()) {
                    out.add(piece.substring(m.start(), m.end()));
                }
                last = m.end();
            }
            if (last < piece.length()) {
                out.add(piece.substring(last));
            }
        }
        return out;
    }

    /**
     * Hugging Face's {@code Split} behaviours other than {@code Isolated}, as its {@code NormalizedString::split}
     * does them: {@code Removed} drops the matches; {@code MergedWithPrevious} appends a match to the stretch before
     * it, {@code MergedWithNext} prepends it to the stretch after it; a match that follows (precedes) another match
     * directly stays a piece of its own, as there. {@code invert} swaps the roles of matches and the text between
     * them (cl100k-style files keep the regex's matches with an inverted {@code Removed}).
     */
    static List<String> split(List<String> pieces, Pattern pattern, String behavior, boolean invert) {
        List<String> out = new ArrayList<>();
        for (String piece : pieces) {
            // The piece as alternating stretches: [text, isMatch] in order, empty stretches left out.
            List<String> parts = new ArrayList<>();
            List<Boolean> matched = new ArrayList<>();
            Matcher m = pattern.matcher(piece);
            int last = 0;
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue;
                }
                if (m.start() > last) {
                    parts.add(piece.substring(last, m.start()));
                    matched.add(invert);
                }
                parts.add(piece.substring(m.start(), m.end()));
                matched.add(!invert);
                last = m.end();
            }
            if (last < piece.length()) {
                parts.add(piece.substring(last));
                matched.add(invert);
            }
            switch (behavior) {
                case "Removed" -> {
                    for (int i = 0; i < parts.size(); i++) {
                        if (!matched.get(i)) {
                            out.add(parts.get(i));
                        }
                    }
                }
                case "MergedWithPrevious" -> {
                    List<String> merged = new ArrayList<>();
                    boolean previousMatch = false;
                    for (int i = 0; i < parts.size(); i++) {
                        if (matched.get(i) && !previousMatch && !merged.isEmpty()) {
                            merged.set(merged.size() - 1, merged.getLast() + parts.get(i));
                        } else {
                            merged.add(parts.get(i));
                        }
                        previousMatch = matched.get(i);
                    }
                    out.addAll(merged);
                }
                case "MergedWithNext" -> {
                    List<String> merged = new ArrayList<>();
                    boolean nextMatch = false;
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        if (matched.get(i) && !nextMatch && !merged.isEmpty()) {
                            merged.set(merged.size() - 1, parts.get(i) + merged.getLast());
                        } else {
                            merged.add(parts.get(i));
                        }
                        nextMatch = matched.get(i);
                    }
                    out.addAll(merged.reversed());
                }
                default -> throw new IllegalArgumentException("behavior " + behavior);
            }
        }
        return out;
    }
}
