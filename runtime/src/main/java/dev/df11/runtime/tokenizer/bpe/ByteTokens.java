package dev.df11.runtime.tokenizer.bpe;

/**
 * SentencePiece's byte-fallback tokens, spelled {@code <0x00>} ... {@code <0xFF>}: a character missing from the
 * vocabulary is encoded as one such token per UTF-8 byte.
 */
public final class ByteTokens {

    private ByteTokens() {
    }

    /** The spelling of the byte token for {@code value} (0..255), with upper-case hex digits as SentencePiece writes. */
    public static String name(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("not a byte: " + value);
        }
        return String.format("<0x%02X>", value);
    }

    /** The byte that {@code piece} stands for when it is spelled {@code <0xHH>} (either case), else -1. */
    public static int parse(CharSequence piece) {
        if (piece.length() != 6 || piece.charAt(0) != '<' || piece.charAt(1) != '0' || piece.charAt(2) != 'x'
                || piece.charAt(5) != '>') {
            return -1;
        }
        int high = Character.digit(piece.charAt(3), 16);
        int low = Character.digit(piece.charAt(4), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }
}
