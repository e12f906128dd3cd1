package dev.df11.runtime.serving;

import java.util.List;

/**
 * Turns chat messages into the model's prompt text with its chat template (the {@code dev.df11.runtime.chat} API
 * {@code ChatTemplate.render(messages, addGenerationPrompt)}); the server uses it for {@code /v1/chat/completions}.
 */
@FunctionalInterface
public interface ChatRenderer {

    /** A message as the request gives it. */
    record Message(String role, String content) {
    }

    /** The prompt text for {@code messages}, ending with the assistant's turn opened. */
    String render(List<Message> messages);
}
