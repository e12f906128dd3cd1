package dev.df11.runtime.tokenizer.llama2c;

import dev.df11.runtime.tokenizer.InvalidTokenizerException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of a llama2.c {@code tokenizer.bin}. Layout, little-endian:
 * <pre>
 *   file  := maxTokenLength:int32 token*          (tokens run to the end of the file)
 *   token := score:float32 length:int32 bytes[length]
 * </pre>
 * The token's index in the file is its id. Every length is checked against what is left of the file.
 *
 * @param maxTokenLength the longest piece in bytes, as the file declares it
 * @param scores         merge score per id (higher merges first)
 * @param pieces         raw bytes per id
 */
record Llama2cTokenizerFile(int maxTokenLength, float[] scores, byte[][] pieces) {

    /** Files larger than this are not tokenizers (llama2.c's 32,000-token file is 433 KB). */
    private static final long MAX_FILE_BYTES = 256L << 20;

    static Llama2cTokenizerFile read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new InvalidTokenizerException(file, "tokenizer.bin of " + size + " bytes is implausibly large");
        }
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) {
            throw new InvalidTokenizerException(file,
                    "tokenizer.bin is " + in.remaining() + " bytes, too short for its int32 max_token_length");
        }
        int maxTokenLength = in.getInt();
        if (maxTokenLength <= 0) {
            throw new InvalidTokenizerException(file, "max_token_length " + maxTokenLength + " is not positive");
        }
        var scores = new ArrayList<Float>();
        List<byte[]> pieces = new ArrayList<>();
        while (in.hasRemaining()) {
            int id = pieces.size();
            int offset = in.position();
            if (in.remaining() < 8) {
                throw new InvalidTokenizerException(file, "token " + id + " at byte " + offset + ": only "
                        + in.remaining() + " bytes left, too few for its float32 score and int32 length");
            }
            float score = in.getFloat();
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new InvalidTokenizerException(file, "token " + id + " at byte " + offset + ": length "
                        + length + " does not fit the " + in.remaining() + " bytes left");
            }
            if (Float.isNaN(score)) {
                throw new InvalidTokenizerException(file, "token " + id + " at byte " + offset + ": score is NaN");
            }
            byte[] piece = new byte[length];
            in.get(piece);
            scores.add(score);
            pieces.add(piece);
        }
        if (pieces.isEmpty()) {
            throw new InvalidTokenizerException(file, "tokenizer.bin holds no tokens");
        }
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
        }
        return new Llama2cTokenizerFile(maxTokenLength, scoreArray, pieces.toArray(byte[][]::new));
    }
}
