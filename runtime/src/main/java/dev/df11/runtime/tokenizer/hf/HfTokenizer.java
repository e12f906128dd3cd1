package dev.df11.runtime.tokenizer.hf;

import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.bpe.IntList;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} BPE tokenizer (built by {@link HfTokenizerLoader}). Encoding runs Hugging
 * Face's pipeline: added tokens are cut out of the input first, then each stretch of text between them is normalized,
 * the added tokens marked {@code normalized} are cut out of that, and the rest is pre-tokenized into words, each
 * merged by BPE. The file's {@code post_processor} is not applied: whether a
 * BOS goes in front is the caller's choice ({@code addBos}, see {@link #addsBosByDefault()}).
 *
 * <p>Decoding: added tokens give their text verbatim (except BOS and EOS, which give none); ids inside
 * {@code [0, vocabSize())} that neither the vocabulary nor the added tokens use give no bytes.
 */
public final class HfTokenizer implements Tokenizer {

    private final Path file;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final BpeModel model;
    private final AddedTokens addedTokens;           // matched in the raw input
    private final AddedTokens normalizedAddedTokens; // matched in the normalized text between those
    private final byte[][] bytesById;      // null for ids that are in neither the vocabulary nor the added tokens
    private final boolean[] addedById;
    private final int stripLeadingSpaces;
    private final int bos;
    private final int[] eos;
    private final boolean addBosByDefault;

    HfTokenizer(Path file, Normalizer normalizer, PreTokenizer preTokenizer, BpeModel model, AddedTokens addedTokens,
                AddedTokens normalizedAddedTokens, byte[][] bytesById, boolean[] addedById, int stripLeadingSpaces, int bos, int[] eos,
                boolean addBosByDefault) {
        this.file = file;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.addedTokens = addedTokens;
        this.normalizedAddedTokens = normalizedAddedTokens;
        this.bytesById = bytesById;
        this.addedById = addedById;
        this.stripLeadingSpaces = stripLeadingSpaces;
        this.bos = bos;
        this.eos = eos;
        this.addBosByDefault = addBosByDefault;
    }

    @Override
    public int vocabSize() {
        return bytesById.length;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos.length == 0 ? -1 : eos[0];
    }

    @Override
    public int[] eosIds() {
        return eos.clone();
    }

    @Override
    public boolean addsBosByDefault() {
        return addBosByDefault;
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        var out = new IntList(text.length() / 3 + 4);
        if (addBos && bos >= 0) {
            out.add(bos);
        }
        for (AddedTokens.Segment segment : addedTokens.split(text)) {
            if (segment.tokenId() >= 0) {
                out.add(segment.tokenId());
                continue;
            }
            String normalized = normalizer.apply(segment.text());
            for (AddedTokens.Segment piece : normalizedAddedTokens.split(normalized)) {
                if (piece.tokenId() >= 0) {
                    out.add(piece.tokenId());
                    continue;
                }
                boolean atTextStart = segment.atTextStart() && piece.atTextStart();
                for (String word : preTokenizer.apply(List.of(piece.text()), atTextStart)) {
                    model.encodeWord(word, out);
                }
            }
        }
        return out.toArray();
    }

    @Override
    public byte[] tokenBytes(int previous, int token) {
        if (token < 0 || token >= bytesById.length) {
            throw new IllegalArgumentException(
                    "token id " + token + " is outside [0, " + bytesById.length + ") of " + file);
        }
        byte[] bytes = bytesById[token];
        if (bytes == null || token == bos || isEos(token)) {
            return new byte[0];
        }
        boolean startOfText = previous == START_OF_TEXT || (previous == bos && bos >= 0);
        if (startOfText && stripLeadingSpaces > 0 && !addedById[token]) {
            int skip = 0;
            while (skip < stripLeadingSpaces && skip < bytes.length && bytes[skip] == ' ') {
                skip++;
            }
            return Arrays.copyOfRange(bytes, skip, bytes.length);
        }
        return bytes.clone();
    }

}
