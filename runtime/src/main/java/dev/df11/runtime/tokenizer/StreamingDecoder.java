package dev.df11.runtime.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes tokens one at a time, as a generation loop produces them. Each {@link #feed(int)} returns only text that is
 * complete: the bytes of a UTF-8 character split across tokens (an emoji spelled as four byte-fallback tokens) are
 * held back until its last byte arrives. Malformed bytes become U+FFFD exactly as in {@link Tokenizer#decode}, so
 * after {@link #finish()} the concatenated output equals {@code decode} of the same tokens (given the same start).
 *
 * <p>Not thread-safe: one decoder per generation stream.
 */
public final class StreamingDecoder {

    private final Tokenizer tokenizer;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final StringBuilder text = new StringBuilder();
    private byte[] pending = new byte[0];
    private int previous;
    private boolean finished;

    /**
     * @param previous the token taken to come before the first one fed: {@link Tokenizer#START_OF_TEXT} or
     *                 {@link Tokenizer#UNKNOWN_PREVIOUS} (or a real token id)
     */
    public StreamingDecoder(Tokenizer tokenizer, int previous) {
        this.tokenizer = tokenizer;
        this.previous = previous;
    }

    /** Adds a token; returns the text it completes (possibly empty when it ends inside a UTF-8 character). */
    public String feed(int token) {
        if (finished) {
            throw new IllegalStateException("this StreamingDecoder was finished; start a new one");
        }
        byte[] bytes = tokenizer.tokenBytes(previous, token);
        previous = token;
        return decode(bytes, false);
    }

    /** Ends the stream: returns U+FFFD for bytes of an unfinished character still held back, else "". */
    public String finish() {
        if (finished) {
            return "";
        }
        finished = true;
        return decode(new byte[0], true);
    }

    /** All text returned so far. */
    public String text() {
        return text.toString();
    }

    /** Number of bytes held back because they may start a UTF-8 character that the next token completes. */
    public int pendingBytes() {
        return pending.length;
    }

    private String decode(byte[] bytes, boolean endOfInput) {
        byte[] joined = Arrays.copyOf(pending, pending.length + bytes.length);
        System.arraycopy(bytes, 0, joined, pending.length, bytes.length);
        ByteBuffer in = ByteBuffer.wrap(joined);
        // Every byte yields at most one char (a 4-byte sequence gives 2), so this buffer cannot overflow.
        CharBuffer out = CharBuffer.allocate(joined.length);
        CoderResult result = utf8.decode(in, out, endOfInput);
        if (endOfInput) {
            result = utf8.flush(out);
        }
        if (result.isOverflow()) {
            throw new IllegalStateException("UTF-8 decoding overflowed a buffer sized for the worst case");
        }
        // An incomplete sequence at the end stays in the input (underflow): keep it for the next token.
        pending = Arrays.copyOfRange(joined, in.position(), joined.length);
        String piece = out.flip().toString();
        text.append(piece);
        return piece;
    }
}
