package dev.df11.runtime.tokenizer.llama2c;

import dev.df11.runtime.tokenizer.bpe.ByteTokens;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Finds the byte-fallback and control tokens of a llama2.c vocabulary, whichever way its exporter spelled them. */
final class ByteTokenLayout {

    private ByteTokenLayout() {
    }

    /**
     * The byte each token stands for, or -1 for ordinary pieces. A piece spelled {@code <0xHH>} is always a byte
     * token. When the file has none spelled that way, the block of 256 ids from {@code firstByteToken} is taken as
     * the byte tokens if, and only if, every piece in it is that byte's raw spelling.
     */
    static int[] byteValues(byte[][] pieces, int firstByteToken) {
        int[] values = new int[pieces.length];
        Arrays.fill(values, -1);
        boolean anySpelled = false;
        for (int id = 0; id < pieces.length; id++) {
            int value = ByteTokens.parse(new String(pieces[id], StandardCharsets.ISO_8859_1));
            if (value >= 0) {
                values[id] = value;
                anySpelled = true;
            }
        }
        if (!anySpelled && pieces.length >= firstByteToken + 256 && isRawByteBlock(pieces, firstByteToken)) {
            for (int b = 0; b < 256; b++) {
                values[firstByteToken + b] = b;
            }
        }
        return values;
    }

    /** Whether ids {@code first .. first+255} spell bytes 0..255 raw: the byte itself, or the UTF-8 of U+00XX. */
    private static boolean isRawByteBlock(byte[][] pieces, int first) {
        for (int b = 0; b < 256; b++) {
            byte[] piece = pieces[first + b];
            boolean raw = piece.length == 1 && (piece[0] & 0xFF) == b;
            boolean latin1AsUtf8 = Arrays.equals(piece, Character.toString(b).getBytes(StandardCharsets.UTF_8));
            if (!raw && !latin1AsUtf8) {
                return false;
            }
        }
        return true;
    }

    /**
     * SentencePiece's control tokens at ids 0-2 ({@code <unk>}, {@code <s>}, {@code </s>}; llama2.c's exporter wraps
     * the last two in newlines): never produced from text.
     */
    static boolean isControlPiece(int id, byte[] piece) {
        if (id > 2) {
            return false;
        }
        String text = new String(piece, StandardCharsets.UTF_8).strip();
        return text.equals("<unk>") || text.equals("<s>") || text.equals("</s>");
    }
}
