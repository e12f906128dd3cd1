package dev.df11.runtime.tokenizer.hf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code added_tokens} of {@code tokenizer.json} (special tokens such as {@code <|begin_of_text|>}): found
 * verbatim in the input before anything else, leftmost first and longest among those starting at the same place, and
 * never split or merged. The text between them goes through normalization and BPE.
 */
final class AddedTokens {

    /**
     * One entry of {@code added_tokens}. {@code normalized} tokens are looked for in the normalized text (their
     * content normalized too), the others in the raw input, as Hugging Face does.
     */
    record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord,
                      boolean normalized) {

        /** The same token matched as {@code content} (a normalized token's normalized content). */
        AddedToken matchedAs(String content) {
            return new AddedToken(id, content, special, lstrip, rstrip, singleWord, normalized);
        }
    }

    /** A stretch of input: either plain text ({@code tokenId} -1) or one added token. */
    record Segment(String text, int tokenId, boolean atTextStart) {
    }

    private final List<AddedToken> tokens;
    /** Candidates by first char, longest first, so the first that matches is the longest. */
    private final Map<Character, List<AddedToken>> byFirstChar = new HashMap<>();

    AddedTokens(List<AddedToken> tokens) {
        this.tokens = List.copyOf(tokens);
        for (AddedToken token : tokens) {
            if (!token.content().isEmpty()) {
                byFirstChar.computeIfAbsent(token.content().charAt(0), c -> new ArrayList<>()).add(token);
            }
        }
        byFirstChar.values().forEach(list -> list.sort(
                Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed()));
    }

    List<AddedToken> all() {
        return tokens;
    }

    List<Segment> split(String text) {
        List<Segment> segments = new ArrayList<>();
        int textStart = 0; // start of the plain text not yet emitted
        int i = 0;
        while (i < text.length()) {
            AddedToken match = matchAt(text, i);
            if (match == null) {
                i++;
                continue;
            }
            int start = i;
            int end = i + match.content().length();
            if (match.lstrip()) {
                while (start > textStart && Character.isWhitespace(text.charAt(start - 1))) {
                    start--;
                }
            }
            if (match.rstrip()) {
                while (end < text.length() && Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
            }
            if (start > textStart) {
                segments.add(new Segment(text.substring(textStart, start), -1, textStart == 0));
            }
            segments.add(new Segment(text.substring(start, end), match.id(), start == 0));
            textStart = end;
            i = end;
        }
        if (textStart < text.length()) {
            segments.add(new Segment(text.substring(textStart), -1, textStart == 0));
        }
        return segments;
    }

    private AddedToken matchAt(String text, int i) {
        List<AddedToken> candidates = byFirstChar.get(text.charAt(i));
        if (candidates == null) {
            return null;
        }
        for (AddedToken token : candidates) {
            if (text.startsWith(token.content(), i)
                    && (!token.singleWord() || isWordBoundary(text, i, i + token.content().length()))) {
                return token;
            }
        }
        return null;
    }

    /** {@code single_word} tokens match only where they are not part of a longer word. */
    private static boolean isWordBoundary(String text, int start, int end) {
        boolean before = start == 0 || !Character.isLetterOrDigit(text.codePointBefore(start));
        boolean after = end == text.length() || !Character.isLetterOrDigit(text.codePointAt(end));
        return before && after;
    }
}
