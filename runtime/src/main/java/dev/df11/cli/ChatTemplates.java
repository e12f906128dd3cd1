package dev.df11.cli;

import dev.df11.runtime.serving.ChatRenderer;

import java.nio.file.Path;

/**
 * Where {@code df11 serve} gets a model's chat template. The template engine ({@code dev.df11.runtime.chat
 * .ChatTemplate}, Jinja as transformers renders it) is built on another branch; until it is merged, no model has
 * a chat template here and chat requests get 400 saying so. Wiring it is this one method.
 */
final class ChatTemplates {

    private ChatTemplates() {
    }

    /** The model's chat template as a renderer, or null when it has none. */
    static ChatRenderer forModel(Path model) {
        return null;
    }
}
