package dev.df11.runtime.tokenizer.hf;

import dev.df11.runtime.tokenizer.bpe.BpeMerger;
import dev.df11.runtime.tokenizer.bpe.IntList;
import dev.df11.runtime.tokenizer.bpe.MergeTable;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code model} of a {@code tokenizer.json} of type BPE: turns one pre-tokenized word into ids. Each character
 * starts as its own symbol (a character missing from the vocabulary becomes byte-fallback tokens, else the unknown
 * token, else is dropped, as in Hugging Face's library); then merges apply by rank, lowest first.
 */
final class BpeModel {

    private final Map<String, Integer> vocab;
    private final MergeTable merges;
    private final int unkId;
    private final boolean fuseUnk;
    private final int[] byteFallbackIds; // null unless byte_fallback; -1 for a byte token the vocabulary lacks
    private final boolean ignoreMerges;

    /**
     * @param unkId           the unknown token's id, or -1
     * @param byteFallbackIds the ids of {@code <0x00>..<0xFF>} (-1 where missing), or null
     * @param ignoreMerges    whether a word that is itself in the vocabulary is taken whole (Llama 3)
     */
    BpeModel(Map<String, Integer> vocab, MergeTable merges, int unkId, boolean fuseUnk, int[] byteFallbackIds,
             boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.byteFallbackIds = byteFallbackIds;
        this.ignoreMerges = ignoreMerges;
    }

    void encodeWord(String word, IntList out) {
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int[] symbols = new int[word.length() * 3]; // at most 4 byte tokens per 2 UTF-16 chars
        int count = 0;
        boolean previousWasUnk = false;
        for (int i = 0; i < word.length(); ) {
            int codePoint = word.codePointAt(i);
            i += Character.charCount(codePoint);
            if (Character.charCount(codePoint) == 1 && Character.isSurrogate((char) codePoint)) {
                codePoint = 0xFFFD; // an unpaired surrogate has no UTF-8 form
            }
            String character = Character.toString(codePoint);
            Integer id = vocab.get(character);
            if (id != null) {
                symbols[count++] = id;
                previousWasUnk = false;
            } else if (byteFallbackIds != null && hasByteTokens(character)) {
                for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                    symbols[count++] = byteFallbackIds[b & 0xFF];
                }
                previousWasUnk = false;
            } else if (unkId >= 0) {
                if (!(fuseUnk && previousWasUnk)) {
                    symbols[count++] = unkId;
                }
                previousWasUnk = true;
            }
        }
        BpeMerger.merge(symbols, count, merges, out);
    }

    /** Like Hugging Face: a character falls back to bytes only if every one of its bytes has a token, else unk. */
    private boolean hasByteTokens(String character) {
        for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
            if (byteFallbackIds[b & 0xFF] < 0) {
                return false;
            }
        }
        return true;
    }
}
