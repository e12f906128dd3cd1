package dev.df11.runtime.tokenizer.llama2c;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes small llama2.c {@code tokenizer.bin} files for tests. */
final class Llama2cFiles {

    private final List<byte[]> pieces = new ArrayList<>();
    private final List<Float> scores = new ArrayList<>();

    /**
     * SentencePiece's Llama layout as llama2.c's exporter writes it: {@code <unk>}, {@code \n<s>\n},
     * {@code \n</s>\n}, then byte tokens spelled {@code <0x00>}..{@code <0xFF>}.
     */
    static Llama2cFiles withSpelledByteTokens() {
        var files = new Llama2cFiles().add("<unk>", 0).add("\n<s>\n", 0).add("\n</s>\n", 0);
        for (int b = 0; b < 256; b++) {
            files.add(String.format("<0x%02X>", b), 0);
        }
        return files;
    }

    Llama2cFiles add(String piece, float score) {
        return add(piece.getBytes(StandardCharsets.UTF_8), score);
    }

    Llama2cFiles add(byte[] piece, float score) {
        pieces.add(piece);
        scores.add(score);
        return this;
    }

    byte[] bytes() {
        var out = new ByteArrayOutputStream();
        int max = pieces.stream().mapToInt(p -> p.length).max().orElse(1);
        out.writeBytes(littleEndian(4).putInt(max).array());
        for (int i = 0; i < pieces.size(); i++) {
            out.writeBytes(littleEndian(8).putFloat(scores.get(i)).putInt(pieces.get(i).length).array());
            out.writeBytes(pieces.get(i));
        }
        return out.toByteArray();
    }

    Path write(Path dir) throws IOException {
        return Files.write(dir.resolve("tokenizer.bin"), bytes());
    }

    static ByteBuffer littleEndian(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
