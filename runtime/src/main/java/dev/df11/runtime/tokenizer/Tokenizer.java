package dev.df11.runtime.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns text into token ids and back, for Llama-family models.
 *
 * <p>Two families are implemented: llama2.c's {@code tokenizer.bin} (SentencePiece BPE with scores) and Hugging Face
 * {@code tokenizer.json} (SentencePiece-style BPE as in Llama 2 / Mistral, byte-level BPE as in Llama 3 / Qwen).
 * {@link Tokenizers#load} picks the right one for a model folder.
 *
 * <p>Decoding works on bytes: a token may carry only part of a UTF-8 character (byte-fallback tokens, byte-level
 * BPE), so {@link #tokenBytes(int, int)} is the primitive, {@link #decode(int[])} decodes a whole sequence, and
 * {@link #streamingDecoder()} yields text token by token while holding back incomplete characters.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public interface Tokenizer {

    /** {@code previous} value meaning "this token starts the text" (SentencePiece's dummy-prefix space is dropped). */
    int START_OF_TEXT = -1;

    /** {@code previous} value meaning "some unknown token came before" (nothing is dropped): a continuation. */
    int UNKNOWN_PREVIOUS = -2;

    /** Number of token ids: every id in {@code [0, vocabSize())} may be passed to {@link #tokenBytes}. */
    int vocabSize();

    /** Beginning-of-sequence id, from the model config or the tokenizer files; -1 when there is none. */
    int bosId();

    /** The (first) end-of-sequence id, from the model config or the tokenizer files; -1 when there is none. */
    int eosId();

    /**
     * Every end-of-sequence id: some configs list several (Llama 3.1 instruct stops at any of
     * {@code <|end_of_text|>}, {@code <|eom_id|>}, {@code <|eot_id|>}). Empty when there is none.
     */
    int[] eosIds();

    /** Whether generation should stop at {@code token}. */
    default boolean isEos(int token) {
        for (int eos : eosIds()) {
            if (eos == token) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the model expects a BOS token in front of a prompt (true for Llama 2 and 3, false for Qwen, whose
     * config names a BOS id that its tokenizer never inserts). Pass it as {@code addBos} to {@link #encode}.
     */
    boolean addsBosByDefault();

    /**
     * Token ids of {@code text}, preceded by {@link #bosId()} when {@code addBos} is true and the tokenizer has a
     * BOS token. Unpaired UTF-16 surrogates in {@code text} are encoded as U+FFFD.
     */
    int[] encode(String text, boolean addBos);

    /**
     * Raw bytes of {@code token} when it follows {@code previous}: a byte token ({@code <0x0A>}) gives its single
     * byte, a SentencePiece piece gives its text with the word marker turned back into a space, minus the
     * dummy-prefix space when {@code previous} is {@link #START_OF_TEXT} or the BOS token (llama2.c's rule).
     * BOS and EOS tokens give no bytes. The bytes may be part of a UTF-8 sequence.
     *
     * @param previous the token before, {@link #START_OF_TEXT} or {@link #UNKNOWN_PREVIOUS}
     * @throws IllegalArgumentException when {@code token} is outside {@code [0, vocabSize())}
     */
    byte[] tokenBytes(int previous, int token);

    /**
     * Text of a whole token sequence read from the start of a text; malformed UTF-8 becomes U+FFFD. So
     * {@code decode(encode(s, b)).equals(s)} for well-formed {@code s}, except where the tokenizer's normalizer
     * rewrites {@code s} (Qwen's NFC) or {@code s} spells the BOS or EOS token, which decode to no text.
     */
    default String decode(int[] tokens) {
        var bytes = new ByteArrayOutputStream();
        int previous = START_OF_TEXT;
        for (int token : tokens) {
            bytes.writeBytes(tokenBytes(previous, token));
            previous = token;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * A decoder for a continuation: the first token fed is taken to follow an unknown token, so its leading space
     * is kept (what a generation loop wants for the first sampled token after a prompt). Feed a BOS first to decode
     * from the start of a text.
     */
    default StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this, UNKNOWN_PREVIOUS);
    }

    /** A decoder whose first token is read as the start of a text, like {@link #decode(int[])}. */
    default StreamingDecoder streamingDecoderFromStart() {
        return new StreamingDecoder(this, START_OF_TEXT);
    }
}
