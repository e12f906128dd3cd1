package dev.df11.runtime.tokenizer.hf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-character table used by byte-level BPE (Llama 3, Qwen): printable bytes stand for
 * themselves, and the other 68 bytes (controls, space, 0x7F-0xA0, 0xAD) take the characters from U+0100 on, in byte
 * order. Space becomes "Ġ" (U+0120) and newline "Ċ" (U+010A), which is why those letters fill such vocabularies.
 */
final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The alphabet character that stands for byte {@code b} (0..255). */
    static char forByte(int b) {
        return BYTE_TO_CHAR[b];
    }

    /** The byte-level spelling of {@code text}: one alphabet character per UTF-8 byte. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** Whether every character of {@code text} is in the alphabet. */
    static boolean covers(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes a byte-level piece stands for. A character outside the alphabet (which a well-formed vocabulary does
     * not contain) is kept as its own UTF-8, so nothing is silently lost.
     */
    static byte[] decode(String piece) {
        var out = new ByteArrayOutputStream(piece.length());
        for (int i = 0; i < piece.length(); ) {
            int c = piece.codePointAt(i);
            i += Character.charCount(c);
            if (c < CHAR_TO_BYTE.length && CHAR_TO_BYTE[c] >= 0) {
                out.write(CHAR_TO_BYTE[c]);
            } else {
                out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
