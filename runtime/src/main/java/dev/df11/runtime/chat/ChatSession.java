package dev.df11.runtime.chat;

import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationListener;
import dev.df11.runtime.inference.GenerationResult;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.inference.StopReason;
import dev.df11.runtime.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A multi-turn conversation with a model: each turn renders the whole conversation with the chat template (so a
 * template that rewrites earlier turns, like Qwen3 dropping old reasoning, is honoured), tokenizes it, and runs only
 * the tokens after the longest prefix that the KV cache already holds; the rest of the cache is simply overwritten.
 * Not thread-safe: one conversation, one forward pass.
 */
public final class ChatSession {

    /** One turn's outcome. */
    public record Turn(String reply, GenerationResult result, int[] promptIds, int reusedTokens) {

        /** Why the reply ended (an end token, the token budget, or the context). */
        public StopReason stopReason() {
            return result.stopReason();
        }
    }

    /** The rendered conversation does not fit the context; nothing was run and the conversation is unchanged. */
    public static final class ContextFullException extends RuntimeException {
        private final int promptTokens;
        private final int contextLength;

        ContextFullException(int promptTokens, int contextLength) {
            super("the conversation is " + promptTokens + " tokens, more than the context of " + contextLength
                    + " tokens: /reset to start over, or raise --context");
            this.promptTokens = promptTokens;
            this.contextLength = contextLength;
        }

        public int promptTokens() {
            return promptTokens;
        }

        public int contextLength() {
            return contextLength;
        }
    }

    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final ForwardPass forward;
    private final Generator generator;
    private final GenerationSettings settings;
    private final String systemPrompt;
    private final Map<String, ?> variables;
    private final List<ChatMessage> messages = new ArrayList<>();
    /** The tokens whose keys and values the cache holds, at positions 0..cached.length-1. */
    private int[] cached = new int[0];

    /**
     * @param systemPrompt a system message opening every conversation, or null for none
     * @param variables    extra template variables (e.g. {@code enable_thinking})
     */
    public ChatSession(ChatTemplate template, Tokenizer tokenizer, ForwardPass forward, GenerationSettings settings,
                       String systemPrompt, Map<String, ?> variables) {
        this.template = Objects.requireNonNull(template);
        this.tokenizer = Objects.requireNonNull(tokenizer);
        this.forward = Objects.requireNonNull(forward);
        this.generator = new Generator(forward);
        this.settings = Objects.requireNonNull(settings);
        this.systemPrompt = systemPrompt;
        this.variables = Map.copyOf(variables);
        reset();
    }

    /** Forgets the conversation (keeping the system prompt) and the cached tokens. */
    public void reset() {
        messages.clear();
        if (systemPrompt != null) {
            messages.add(ChatMessage.system(systemPrompt));
        }
        cached = new int[0];
    }

    /** The conversation so far. */
    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    /** The prompt ids of the conversation plus {@code user}, with the generation prompt, as the template renders it. */
    public int[] promptIds(String user) {
        List<ChatMessage> next = new ArrayList<>(messages);
        next.add(ChatMessage.user(user));
        return tokenizer.encode(template.render(next, true, variables), false);
    }

    /**
     * Adds the user's message, generates the assistant's reply (streamed to {@code listener}) and adds it to the
     * conversation.
     *
     * @throws ContextFullException the conversation with this message does not fit the context (it is not added)
     * @throws ChatTemplateException the template refuses the conversation (it is not added)
     */
    public Turn send(String user, GenerationListener listener) {
        int[] prompt = promptIds(user);
        if (prompt.length >= forward.contextLength()) {
            throw new ContextFullException(prompt.length, forward.contextLength());
        }
        // At least one token must run: its logits choose the first reply token.
        int reuse = Math.min(commonPrefix(cached, prompt), prompt.length - 1);
        int[] fresh = Arrays.copyOfRange(prompt, reuse, prompt.length);
        cached = Arrays.copyOf(prompt, reuse);          // if generation fails, only this much of the cache is sure
        GenerationResult result = generator.generate(fresh, reuse, settings, listener);
        int[] generated = result.generatedTokens();
        int ran = result.generationForwards();           // generated tokens that were run through the model
        cached = new int[prompt.length + ran];
        System.arraycopy(prompt, 0, cached, 0, prompt.length);
        System.arraycopy(generated, 0, cached, prompt.length, ran);
        String reply = tokenizer.decode(generated);
        messages.add(ChatMessage.user(user));
        messages.add(ChatMessage.assistant(reply));
        return new Turn(reply, result, prompt, reuse);
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
