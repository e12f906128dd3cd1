package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.inference.GenerationSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A checked {@code /v1/completions} or {@code /v1/chat/completions} request. Every field the server uses is checked
 * here, and anything wrong is an {@link ApiException} (400) naming the field: malformed JSON, a missing or
 * mistyped field, a value out of range, an unknown model. Fields the server does not implement and that would
 * change the answer ({@code n} above 1, {@code logprobs}, {@code echo}, {@code best_of} above 1, {@code suffix},
 * {@code tools}) are refused rather than ignored; the rest (penalties, {@code user}, ...) are ignored.
 */
record CompletionRequest(boolean chat, String prompt, List<ChatRenderer.Message> messages, int[] promptIds,
                         Integer maxTokens, Float temperature, Float topP, long seed, List<String> stop,
                         boolean stream, boolean includeUsage) {

    static final int MAX_STOP_SEQUENCES = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    static CompletionRequest parse(String body, boolean chat, String servedModel) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw ApiException.invalid("model", "'model' is required (this server serves '" + servedModel + "')");
        }
        if (!model.isTextual()) {
            throw ApiException.invalid("model", "'model' must be a string");
        }
        if (!model.asText().equals(servedModel)) {
            throw new ApiException(400, "invalid_request_error", "model", "model_not_found", "the model '"
                    + model.asText() + "' does not exist: this server serves '" + servedModel + "'");
        }
        String prompt = null;
        int[] promptIds = null;
        List<ChatRenderer.Message> messages = null;
        if (chat) {
            messages = messages(root.get("messages"));
        } else {
            JsonNode p = root.get("prompt");
            if (p == null || p.isNull()) {
                throw ApiException.invalid("prompt", "'prompt' is required");
            }
            if (p.isTextual()) {
                prompt = p.asText();
            } else if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
                prompt = p.get(0).asText();
            } else if (p.isArray() && !p.isEmpty() && allInts(p)) {
                promptIds = new int[p.size()];
                for (int i = 0; i < p.size(); i++) {
                    promptIds[i] = p.get(i).asInt();
                }
            } else {
                throw ApiException.invalid("prompt", "'prompt' must be a string, an array of one string, or a "
                        + "non-empty array of token ids (several prompts in one request are not supported)");
            }
        }
        refuse(root, "n", n -> !(n.isIntegralNumber() && n.asLong() == 1), "only n = 1 is supported");
        refuse(root, "best_of", n -> !(n.isIntegralNumber() && n.asLong() == 1), "only best_of = 1 is supported");
        refuse(root, "logprobs", n -> !(n.isBoolean() && !n.asBoolean()), "logprobs are not supported");
        refuse(root, "top_logprobs", n -> true, "logprobs are not supported");
        refuse(root, "echo", n -> !(n.isBoolean() && !n.asBoolean()), "echo is not supported");
        refuse(root, "suffix", n -> true, "suffix is not supported");
        refuse(root, "tools", n -> !(n.isArray() && n.isEmpty()), "tools are not supported");

        Integer maxTokens = optionalInt(root, chat && root.hasNonNull("max_completion_tokens")
                ? "max_completion_tokens" : "max_tokens", 1, Integer.MAX_VALUE);
        Float temperature = optionalNumber(root, "temperature", 0, 2);
        Float topP = optionalNumber(root, "top_p", 0, 1);
        if (topP != null && topP == 0) {
            throw ApiException.invalid("top_p", "'top_p' must be above 0 and at most 1, got 0");
        }
        long seed;
        JsonNode s = root.get("seed");
        if (s == null || s.isNull()) {
            seed = ThreadLocalRandom.current().nextLong();
        } else if (s.isIntegralNumber() && s.canConvertToLong()) {
            seed = s.asLong();
        } else {
            throw ApiException.invalid("seed", "'seed' must be an integer");
        }
        List<String> stop = stops(root.get("stop"));
        boolean stream = optionalBoolean(root, "stream");
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiException.invalid("stream_options", "'stream_options' must be an object");
            }
            includeUsage = optionalBoolean(options, "include_usage");
        }
        return new CompletionRequest(chat, prompt, messages, promptIds, maxTokens, temperature, topP, seed, stop,
                stream, includeUsage);
    }

    /**
     * The sampling settings for a generation of {@code maxTokens} tokens: the request's temperature and top_p where
     * it gives them, else the model's defaults; generation also ends at {@code stopTokenIds}.
     */
    GenerationSettings settings(int maxTokens, SamplingDefaults defaults, java.util.Set<Integer> stopTokenIds) {
        float t = temperature != null ? temperature : defaults.temperature();
        float p = topP != null ? topP : defaults.topP();
        // top_k is not an OpenAI parameter: the model's own applies only while the request leaves sampling to it.
        int k = temperature == null && topP == null ? defaults.topK() : 0;
        return new GenerationSettings(maxTokens, t, t == 0 ? 1 : p, seed, t == 0 ? 0 : k, stopTokenIds);
    }

    private static List<ChatRenderer.Message> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.invalid("messages", "'messages' is required");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must be a non-empty array");
        }
        List<ChatRenderer.Message> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiException.invalid(where, "'" + where + "' must be an object");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiException.invalid(where + ".role", "'" + where + ".role' is required, a string");
            }
            if (!List.of("system", "developer", "user", "assistant").contains(role.asText())) {
                throw ApiException.invalid(where + ".role", "'" + where + ".role' must be system, developer, user "
                        + "or assistant, got '" + role.asText() + "'");
            }
            out.add(new ChatRenderer.Message(role.asText(), content(m.get("content"), where + ".content")));
        }
        return out;
    }

    /** A message's content: a string, or an array of text parts (other part types are refused). */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            throw ApiException.invalid(where, "'" + where + "' is required");
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.invalid(where, "'" + where + "' parts must be {\"type\": \"text\", \"text\": "
                            + "...}; other content (images, audio) is not supported");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiException.invalid(where, "'" + where + "' must be a string or an array of text parts");
    }

    private static List<String> stops(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray() && node.size() <= MAX_STOP_SEQUENCES) {
            for (JsonNode s : node) {
                if (!s.isTextual()) {
                    throw ApiException.invalid("stop", "'stop' must be a string or an array of strings");
                }
                out.add(s.asText());
            }
        } else {
            throw ApiException.invalid("stop", "'stop' must be a string or an array of at most "
                    + MAX_STOP_SEQUENCES + " strings");
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("stop", "'stop' sequences must not be empty");
        }
        return out;
    }

    private static void refuse(JsonNode root, String field, java.util.function.Predicate<JsonNode> unsupported,
                               String message) {
        JsonNode n = root.get(field);
        if (n != null && !n.isNull() && unsupported.test(n)) {
            throw ApiException.invalid(field, "'" + field + "': " + message);
        }
    }

    private static Integer optionalInt(JsonNode root, String field, long min, long max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer from " + min + " to " + max
                    + ", got " + n);
        }
        return (int) n.asLong();
    }

    private static Float optionalNumber(JsonNode root, String field, double min, double max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !(n.asDouble() >= min && n.asDouble() <= max)) {
            throw ApiException.invalid(field, "'" + field + "' must be a number from " + min + " to " + max
                    + ", got " + n);
        }
        return (float) n.asDouble();
    }

    private static boolean optionalBoolean(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw ApiException.invalid(field, "'" + field + "' must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    private static boolean allInts(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
