package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;
import dev.df11.runtime.tokenizer.bpe.ByteTokens;

import java.nio.charset.StandardCharsets;

/**
 * How a vocabulary piece turns back into bytes, read from the {@code decoder} of {@code tokenizer.json}.
 *
 * <ul>
 *   <li>{@code ByteLevel}: each character maps back to one byte (GPT-2's alphabet).</li>
 *   <li>SentencePiece style, either a {@code Sequence} of {@code Replace("▁" -> " ")}, {@code ByteFallback},
 *       {@code Fuse}, {@code Strip(" ", 1, 0)} (Llama 2, Mistral) or a {@code Metaspace} decoder: the marker becomes
 *       a space, {@code <0xHH>} becomes its byte, and the dummy-prefix space at the start of a text is dropped.</li>
 *   <li>No decoder: the piece's own UTF-8.</li>
 * </ul>
 *
 * @param byteLevel          whether pieces are in GPT-2's byte alphabet
 * @param marker             the word marker that stands for a space (null: none)
 * @param byteFallback       whether {@code <0xHH>} pieces stand for a byte
 * @param stripLeadingSpaces how many spaces to drop from the start of a text
 */
record PieceDecoding(boolean byteLevel, String marker, boolean byteFallback, int stripLeadingSpaces) {

    static final String SUPPORTED = "ByteLevel, Metaspace, or a Sequence of Replace, ByteFallback, Fuse, Strip";

    static final PieceDecoding RAW = new PieceDecoding(false, null, false, 0);

    byte[] bytes(String piece) {
        if (byteLevel) {
            return ByteLevelAlphabet.decode(piece);
        }
        if (byteFallback) {
            int value = ByteTokens.parse(piece);
            if (value >= 0) {
                return new byte[] {(byte) value};
            }
        }
        String text = marker == null ? piece : piece.replace(marker, " ");
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bytes of an added token. Hugging Face runs added tokens through the decoder like any piece (Gemma's
     * added "▁▁" decodes to two spaces), except that a byte-level decoder keeps a token verbatim when any of its
     * characters is outside GPT-2's alphabet.
     */
    byte[] addedTokenBytes(String content) {
        if (byteLevel && !ByteLevelAlphabet.covers(content)) {
            return content.getBytes(StandardCharsets.UTF_8);
        }
        return bytes(content);
    }

    static PieceDecoding parse(JsonNode node, String path, HfJson json) throws InvalidTokenizerException {
        if (node == null || node.isNull()) {
            return RAW;
        }
        var builder = new Builder();
        builder.add(node, path, json);
        return new PieceDecoding(builder.byteLevel, builder.marker, builder.byteFallback, builder.strip);
    }

    private static final class Builder {
        boolean byteLevel;
        String marker;
        boolean byteFallback;
        int strip;

        void add(JsonNode node, String path, HfJson json) throws InvalidTokenizerException {
            switch (json.type(node, path)) {
                case "Sequence" -> {
                    JsonNode parts = json.array(node, "decoders", path);
                    for (int i = 0; i < parts.size(); i++) {
                        add(parts.get(i), path + ".decoders[" + i + "]", json);
                    }
                }
                case "ByteLevel" -> byteLevel = true;
                case "ByteFallback" -> byteFallback = true;
                case "Fuse" -> {
                    // Joining pieces into one string changes nothing for a byte-wise decoder.
                }
                case "Replace" -> {
                    JsonNode pattern = json.object(node, "pattern", path);
                    String content = json.text(node, "content", path);
                    if (!pattern.has("String") || !content.equals(" ")) {
                        throw json.unsupported(path, node, "Replace of a literal string with \" \"");
                    }
                    marker = json.text(pattern, "String", path + ".pattern");
                }
                case "Strip" -> {
                    String content = json.text(node, "content", path);
                    int start = json.integer(node, "start", path);
                    int stop = json.integer(node, "stop", path);
                    if (!content.equals(" ") || stop != 0 || start < 0) {
                        throw json.unsupported(path, node, "Strip of leading spaces: content \" \", stop 0");
                    }
                    strip = start;
                }
                case "Metaspace" -> {
                    marker = json.text(node, "replacement", path);
                    strip = Metaspace.prependScheme(node, path, json).equals("never") ? 0 : 1;
                }
                default -> throw json.unsupported(path + ".type", node.get("type"), SUPPORTED);
            }
        }
    }
}
