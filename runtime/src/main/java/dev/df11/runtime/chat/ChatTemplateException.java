package dev.df11.runtime.chat;

/**
 * A chat template that cannot be read or rendered: malformed JSON or template text, a construct the Jinja engine does
 * not implement, or the template's own {@code raise_exception} (e.g. roles that do not alternate). The message names
 * the file the template came from.
 */
public final class ChatTemplateException extends RuntimeException {

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
