package dev.df11.runtime.tokenizer.llama2c;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.ConfigTokenIds;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.bpe.BpeMerger;
import dev.df11.runtime.tokenizer.bpe.IntList;
import dev.df11.runtime.tokenizer.bpe.MergeTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * llama2.c's tokenizer: SentencePiece BPE driven by per-piece scores, read from {@code tokenizer.bin}.
 *
 * <p>Encoding follows llama2.c's {@code encode}: prepend the dummy-prefix space (for non-empty text), start from one
 * symbol per Unicode character (a character not in the vocabulary becomes one byte-fallback token per UTF-8 byte, at
 * id {@code byte + 3}), then repeatedly merge the adjacent pair whose concatenation is the highest-scoring piece
 * (leftmost among equals). Pieces store the word boundary as a plain space, as llama2.c's exporter writes them.
 *
 * <p>Byte tokens come spelled as {@code <0x0A>} (llama2.c's exporter) or as the raw byte (other exporters, which
 * write bytes 0x80-0xFF as the UTF-8 of U+0080-U+00FF); both decode to the byte, and neither takes part in merges or
 * piece lookups, so text "ü" still finds the real piece "ü" rather than the byte token 0xFC.
 */
public final class Llama2cTokenizer implements Tokenizer {

    /** SentencePiece's fixed layout for Llama: 0 = unk, 1 = BOS, 2 = EOS, 3..258 = bytes 0x00..0xFF. */
    private static final int DEFAULT_BOS = 1;
    private static final int DEFAULT_EOS = 2;
    private static final int FIRST_BYTE_TOKEN = 3;

    private final Path file;
    private final byte[][] pieces;
    private final Map<String, Integer> idsByPiece;
    private final MergeTable merges;
    private final int[] byteValue;       // per id: the byte a byte token stands for, else -1
    private final int[] byteTokenId;     // per byte value: its token id, else -1
    private final int bos;
    private final int[] eos;

    private Llama2cTokenizer(Path file, Llama2cTokenizerFile contents, int bos, int[] eos) {
        this.file = file;
        this.pieces = contents.pieces();
        this.bos = bos;
        this.eos = eos;
        this.byteValue = ByteTokenLayout.byteValues(pieces, FIRST_BYTE_TOKEN);
        this.byteTokenId = new int[256];
        Arrays.fill(byteTokenId, -1);
        for (int id = pieces.length - 1; id >= 0; id--) {
            if (byteValue[id] >= 0) {
                byteTokenId[byteValue[id]] = id;
            }
        }
        this.idsByPiece = lookupTable(pieces, byteValue);
        this.merges = mergeRules(contents.scores(), idsByPiece);
    }

    /**
     * Reads {@code tokenizer.bin}; BOS and EOS come from {@code config} ({@code bos_token_id}, {@code eos_token_id})
     * when it gives them, else SentencePiece's 1 and 2.
     *
     * @param config the model config, or null
     */
    public static Llama2cTokenizer read(Path file, JsonNode config) throws IOException {
        Llama2cTokenizerFile contents = Llama2cTokenizerFile.read(file);
        int vocabSize = contents.pieces().length;
        Integer bos = ConfigTokenIds.bos(config, file, vocabSize);
        int[] eos = ConfigTokenIds.eos(config, file, vocabSize);
        return new Llama2cTokenizer(file, contents,
                bos != null ? bos : vocabSize > DEFAULT_BOS ? DEFAULT_BOS : -1,
                eos != null ? eos : vocabSize > DEFAULT_EOS ? new int[] {DEFAULT_EOS} : new int[0]);
    }

    /** The piece as stored in the file (raw bytes), for tests and diagnostics. */
    public byte[] piece(int token) {
        checkToken(token);
        return pieces[token].clone();
    }

    @Override
    public int vocabSize() {
        return pieces.length;
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
        return bos >= 0;
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        var out = new IntList(text.length() + 2);
        if (addBos && bos >= 0) {
            out.add(bos);
        }
        if (text.isEmpty()) {
            return out.toArray();
        }
        String withPrefix = " " + text;
        int[] symbols = new int[withPrefix.length() * 3]; // at most 4 byte tokens per 2 UTF-16 chars
        int count = 0;
        for (int i = 0; i < withPrefix.length(); ) {
            int codePoint = withPrefix.codePointAt(i);
            i += Character.charCount(codePoint);
            if (Character.isSurrogate((char) codePoint) && Character.charCount(codePoint) == 1) {
                codePoint = 0xFFFD; // an unpaired surrogate has no UTF-8 form
            }
            String character = Character.toString(codePoint);
            Integer id = idsByPiece.get(character);
            if (id != null) {
                symbols[count++] = id;
                continue;
            }
            for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                int byteId = byteTokenId[b & 0xFF];
                if (byteId < 0) {
                    throw new IllegalArgumentException(file + ": character U+" + Integer.toHexString(codePoint)
                            .toUpperCase() + " is not in the vocabulary and there is no byte-fallback token <0x"
                            + String.format("%02X", b & 0xFF) + ">");
                }
                symbols[count++] = byteId;
            }
        }
        BpeMerger.merge(symbols, count, merges, out);
        return out.toArray();
    }

    @Override
    public byte[] tokenBytes(int previous, int token) {
        checkToken(token);
        if (token == bos || isEos(token)) {
            return new byte[0];
        }
        if (byteValue[token] >= 0) {
            return new byte[] {(byte) byteValue[token]};
        }
        byte[] piece = pieces[token];
        boolean startOfText = previous == START_OF_TEXT || (previous == bos && bos >= 0);
        if (startOfText && piece.length > 0 && piece[0] == ' ') {
            return Arrays.copyOfRange(piece, 1, piece.length); // SentencePiece's dummy prefix is not text
        }
        return piece.clone();
    }

    private void checkToken(int token) {
        if (token < 0 || token >= pieces.length) {
            throw new IllegalArgumentException(
                    "token id " + token + " is outside [0, " + pieces.length + ") of " + file);
        }
    }

    /**
     * Piece text to id, for the pieces that text can spell: not byte tokens, not the control tokens (unk, BOS, EOS),
     * and not pieces that are not valid UTF-8. On duplicates the lower id wins.
     */
    private static Map<String, Integer> lookupTable(byte[][] pieces, int[] byteValue) {
        Map<String, Integer> ids = HashMap.newHashMap(pieces.length);
        var utf8 = StandardCharsets.UTF_8;
        for (int id = 0; id < pieces.length; id++) {
            if (byteValue[id] >= 0 || ByteTokenLayout.isControlPiece(id, pieces[id])) {
                continue;
            }
            String text = new String(pieces[id], utf8);
            if (!Arrays.equals(text.getBytes(utf8), pieces[id])) {
                continue; // not valid UTF-8: no text encodes to it
            }
            ids.putIfAbsent(text, id);
        }
        return ids;
    }

    /**
     * llama2.c merges two symbols when their concatenation is a piece; precomputing every such (left, right) pair once
     * turns each merge lookup into a hash probe on two ints instead of a string concatenation and a string lookup.
     * A piece is split at every character boundary; the merge's cost is minus the merged piece's score.
     */
    private static MergeTable mergeRules(float[] scores, Map<String, Integer> idsByPiece) {
        var rules = new MergeTable(idsByPiece.size() * 2);
        for (Map.Entry<String, Integer> entry : idsByPiece.entrySet()) {
            String piece = entry.getKey();
            int merged = entry.getValue();
            for (int split = 1; split < piece.length(); split++) {
                if (Character.isLowSurrogate(piece.charAt(split))) {
                    continue; // not a character boundary
                }
                Integer left = idsByPiece.get(piece.substring(0, split));
                Integer right = left == null ? null : idsByPiece.get(piece.substring(split));
                if (right != null) {
                    rules.put(left, right, -(double) scores[merged], merged);
                }
            }
        }
        return rules;
    }
}
