package dev.df11.runtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's chat template (the Jinja text in {@code chat_template.jinja} or {@code tokenizer_config.json}'s
 * {@code chat_template}), rendered the way Hugging Face transformers' {@code apply_chat_template} renders it: the
 * same variables ({@code messages}, {@code add_generation_prompt}, the special tokens {@code bos_token},
 * {@code eos_token}, ...), the same globals ({@code raise_exception}, {@code strftime_now}) and the same whitespace
 * rules ({@code trim_blocks}, {@code lstrip_blocks}). {@link JinjaEngine} bridges where the Jinja engine (HubSpot's
 * Jinjava) differs from Python's Jinja2; a construct it cannot render is an error naming the template file, never a
 * silently different prompt. Immutable; {@link #render} may be called from several threads at once.
 */
public final class ChatTemplate {

    /** The special-token attributes transformers passes to every template (its {@code special_tokens_map}). */
    static final List<String> SPECIAL_TOKEN_KEYS =
            List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final String text;
    private final Map<String, String> specialTokens;

    ChatTemplate(String source, String text, Map<String, String> specialTokens) {
        this.source = source;
        this.text = text;
        this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        JinjaEngine.checkSyntax(text, source);
    }

    /**
     * Creates a template from its text and the special tokens it may use (e.g. {@code bos_token -> <s>}).
     *
     * @param source where the text came from, for error messages
     */
    public static ChatTemplate of(String text, Map<String, String> specialTokens, String source) {
        return new ChatTemplate(source, text, specialTokens);
    }

    /**
     * The chat template of a model folder: {@code chat_template.jinja} if present (as transformers prefers it), else
     * {@code tokenizer_config.json}'s {@code chat_template} (a string, or a list of named templates of which the one
     * named {@code default} is used), else the processor's {@code chat_template.json}. Empty when the folder has
     * none of them. Special tokens always come from {@code tokenizer_config.json}.
     *
     * @throws ChatTemplateException a file that exists but cannot be read as a template (malformed JSON, a
     *                               {@code chat_template} of the wrong type, a template that does not parse)
     */
    public static Optional<ChatTemplate> load(Path modelDir) {
        Path configFile = modelDir.resolve("tokenizer_config.json");
        Path jinjaFile = modelDir.resolve("chat_template.jinja");
        JsonNode config = null;
        if (Files.isRegularFile(configFile)) {
            try {
                config = JSON.readTree(configFile.toFile());
            } catch (IOException e) {
                throw new ChatTemplateException(configFile + ": cannot read it as JSON: " + e.getMessage(), e);
            }
            if (config == null || !config.isObject()) {
                throw new ChatTemplateException(configFile + ": expected a JSON object");
            }
        }
        Map<String, String> tokens = config == null ? Map.of() : specialTokens(config, configFile);
        if (Files.isRegularFile(jinjaFile)) {
            String text;
            try {
                text = Files.readString(jinjaFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ChatTemplateException(jinjaFile + ": cannot read it: " + e.getMessage(), e);
            }
            return Optional.of(new ChatTemplate(jinjaFile.toString(), text, tokens));
        }
        if (config != null && config.has("chat_template") && !config.get("chat_template").isNull()) {
            String text = templateText(config.get("chat_template"), configFile);
            return Optional.of(new ChatTemplate(configFile + " (chat_template)", text, tokens));
        }
        // Multimodal checkpoints (e.g. Gemma 3) may keep it only in the processor's chat_template.json.
        Path processorFile = modelDir.resolve("chat_template.json");
        if (Files.isRegularFile(processorFile)) {
            JsonNode processor;
            try {
                processor = JSON.readTree(processorFile.toFile());
            } catch (IOException e) {
                throw new ChatTemplateException(processorFile + ": cannot read it as JSON: " + e.getMessage(), e);
            }
            if (processor == null || !processor.isObject() || !processor.path("chat_template").isTextual()) {
                throw new ChatTemplateException(processorFile + ": expected a JSON object with a string "
                        + "chat_template");
            }
            return Optional.of(new ChatTemplate(processorFile + " (chat_template)",
                    processor.get("chat_template").textValue(), tokens));
        }
        return Optional.empty();
    }

    /** The files {@link #load} looks at, for messages that say a model has no template. */
    public static String filesLookedFor(Path modelDir) {
        return modelDir.resolve("chat_template.jinja") + ", the chat_template of "
                + modelDir.resolve("tokenizer_config.json") + " or " + modelDir.resolve("chat_template.json");
    }

    private static String templateText(JsonNode node, Path configFile) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isArray()) {
            for (JsonNode entry : node) {
                if (entry.isObject() && "default".equals(entry.path("name").asText(null))
                        && entry.path("template").isTextual()) {
                    return entry.get("template").textValue();
                }
            }
            throw new ChatTemplateException(configFile + ": chat_template is a list of named templates with no "
                    + "'default' entry; df11 renders only the default template");
        }
        throw new ChatTemplateException(configFile + ": chat_template must be a string or a list of "
                + "{name, template} objects, got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Special tokens as transformers stores them in tokenizer_config.json: a string or {"content": ...}. */
    private static Map<String, String> specialTokens(JsonNode config, Path configFile) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String key : SPECIAL_TOKEN_KEYS) {
            JsonNode value = config.get(key);
            if (value == null || value.isNull()) {
                continue;
            }
            if (value.isTextual()) {
                tokens.put(key, value.textValue());
            } else if (value.isObject() && value.path("content").isTextual()) {
                tokens.put(key, value.get("content").textValue());
            } else {
                throw new ChatTemplateException(configFile + ": " + key + " must be a string or an object with a "
                        + "string 'content'");
            }
        }
        return tokens;
    }

    /** The template text as written. */
    public String text() {
        return text;
    }

    /** Where the template came from (a file, and which key of it). */
    public String source() {
        return source;
    }

    /** The special tokens handed to the template ({@code bos_token}, {@code eos_token}, ...). */
    public Map<String, String> specialTokens() {
        return specialTokens;
    }

    /**
     * Renders a conversation.
     *
     * @param addGenerationPrompt end with the header that opens the assistant's reply
     * @throws ChatTemplateException the template raised an exception (e.g. roles that do not alternate) or used a
     *                               construct the engine cannot render
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders a conversation with extra template variables, as {@code apply_chat_template}'s keyword arguments
     * (e.g. Qwen3's {@code enable_thinking}).
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
        List<Map<String, Object>> maps = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            maps.add(map);
        }
        return renderMessages(maps, addGenerationPrompt, variables);
    }

    /**
     * Renders messages given as maps (JSON-like values: strings, numbers, booleans, lists, maps), for messages whose
     * content is a list of parts ({@code [{"type": "text", "text": ...}]}) or that carry other fields.
     */
    public String renderMessages(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt,
                                 Map<String, ?> variables) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("cannot render an empty conversation: give at least one message");
        }
        Map<String, Object> bindings = new LinkedHashMap<>(specialTokens);
        bindings.putAll(variables);
        bindings.put("messages", messages);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        return JinjaEngine.render(text, bindings, source);
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + source + "]";
    }
}
