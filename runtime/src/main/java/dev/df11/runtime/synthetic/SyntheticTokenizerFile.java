package dev.df11.runtime.synthetic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A deterministic llama2.c-format {@code tokenizer.bin} of any vocabulary size, so that synthetic models can be run
 * with text prompts: ids 0-2 are {@code <unk>}, BOS and EOS, 3-258 the byte-fallback tokens {@code <0x00>}..
 * {@code <0xFF>}, then the printable ASCII characters, then every string over " a-z" of length 2, 3, 4, ... until
 * the vocabulary is full. Earlier pieces score higher, so merges prefer short pieces. The vocabulary means nothing;
 * it only makes any text encodable and any id decodable.
 */
final class SyntheticTokenizerFile {

    private static final String ALPHABET = " abcdefghijklmnopqrstuvwxyz";
    private static final int MIN_VOCAB = 3 + 256 + 95;

    private SyntheticTokenizerFile() {
    }

    static List<String> pieces(int vocabSize) {
        if (vocabSize < MIN_VOCAB) {
            throw new IllegalArgumentException("a synthetic tokenizer needs a vocabulary of at least " + MIN_VOCAB
                    + " tokens, got " + vocabSize);
        }
        List<String> pieces = new ArrayList<>(vocabSize);
        pieces.add("<unk>");
        pieces.add("\n<s>\n");
        pieces.add("\n</s>\n");
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b));
        }
        Set<String> seen = new HashSet<>();
        for (char c = 0x20; c < 0x7F; c++) {
            pieces.add(String.valueOf(c));
            seen.add(String.valueOf(c));
        }
        for (int length = 2; pieces.size() < vocabSize; length++) {
            int[] digits = new int[length];
            while (pieces.size() < vocabSize) {
                StringBuilder piece = new StringBuilder(length);
                for (int d : digits) {
                    piece.append(ALPHABET.charAt(d));
                }
                if (seen.add(piece.toString())) {
                    pieces.add(piece.toString());
                }
                int i = length - 1;
                while (i >= 0 && ++digits[i] == ALPHABET.length()) {
                    digits[i--] = 0;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        return pieces;
    }

    static void write(Path file, int vocabSize) throws IOException {
        List<String> pieces = pieces(vocabSize);
        int maxLength = pieces.stream().mapToInt(p -> p.getBytes(StandardCharsets.UTF_8).length).max().orElse(1);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(littleEndian(4).putInt(maxLength).array());
            for (int id = 0; id < pieces.size(); id++) {
                byte[] bytes = pieces.get(id).getBytes(StandardCharsets.UTF_8);
                float score = id < 3 + 256 ? 0f : -(id - 3 - 256);
                out.write(littleEndian(8).putFloat(score).putInt(bytes.length).array());
                out.write(bytes);
            }
        }
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
