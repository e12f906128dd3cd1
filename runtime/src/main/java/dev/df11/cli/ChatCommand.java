package dev.df11.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.format.model.ModelFolder;
import dev.df11.runtime.chat.ChatSession;
import dev.df11.runtime.chat.ChatTemplate;
import dev.df11.runtime.chat.ChatTemplateException;
import dev.df11.runtime.chat.GenerationDefaults;
import dev.df11.runtime.inference.Backends;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.StopReason;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.tokenizer.StreamingDecoder;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code df11 chat}: a multi-turn conversation on standard input and output, rendered with the model's own chat
 * template. One line is one user message; replies stream as they are generated. {@code /reset} starts over,
 * {@code /exit} (or the end of input) quits. Works interactively and piped.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with an instruct model (BF16 or DF11 folder with a chat template): one line per user "
                + "message, replies streamed to stdout. /reset starts over, /exit or end of input quits.")
public final class ChatCommand extends Df11Command {

    /** Where user lines come from; tests replace it. */
    static InputStream input = System.in;

    @Option(names = "--model", required = true, paramLabel = "<dir>", description = "Model folder.")
    Path model;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt opening the conversation "
            + "(kept by /reset).")
    String system;

    @Option(names = "--template-var", paramLabel = "NAME=VALUE", description = "Extra chat-template variable, "
            + "e.g. enable_thinking=false for Qwen3 (VALUE is read as JSON when it is JSON, else as text).")
    Map<String, String> templateVars = new LinkedHashMap<>();

    @Mixin
    SamplingOptions samplingOptions = new SamplingOptions();

    @Option(names = "--backend", defaultValue = "cpu", description = "Backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Option(names = "--threads", description = "Compute threads, 1 to " + ThreadsOption.MAX_THREADS
            + " (default: all cores).")
    Integer threads;

    @Option(names = "--context", defaultValue = "0", converter = WholeNumberConverter.class,
            description = "Context length in tokens for the whole conversation, at most max_position_embeddings "
                    + "(default: max_position_embeddings, at most 4096).")
    long context;

    @Option(names = "--batch", defaultValue = "64", converter = WholeNumberConverter.class,
            description = "Prompt tokens per forward pass, at least 1 (default: ${DEFAULT-VALUE}).")
    long batch;

    @Mixin
    DecodeModeOption decodeMode = new DecodeModeOption();

    @Option(names = "--prefetch", description = "DF11: decode the next unit on a background thread.")
    boolean prefetch;

    private static final int DEFAULT_CONTEXT_CAP = 4096;
    private static final long DEFAULT_MAX_TOKENS = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected int run() throws Exception {
        int threadCount = ThreadsOption.resolve("--threads", threads);
        GenerateOptionChecks.check(0, 0, 1, batch, context);
        String device = deviceOptions.resolve(backend);
        Map<String, Object> variables = templateVariables(templateVars);
        ModelFolder.requireFolder(model);   // before the template lookup, which would blame a missing template
        GenerationDefaults defaults = GenerationDefaults.load(model);
        SamplingOptions.Resolved resolved = samplingOptions.resolve(defaults, DEFAULT_MAX_TOKENS, new int[0]);
        ChatTemplate template = ChatTemplate.load(model).orElseThrow(() -> new IllegalArgumentException(model
                + " has no chat template (looked for " + ChatTemplate.filesLookedFor(model) + "); df11 chat needs "
                + "an instruct model's template"));
        if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException(model + ": no tokenizer.json, so messages cannot be encoded");
        }
        WeightStore weights = WeightStores.open(model, new WeightStores.Df11Options(threadCount));
        ForwardPass forward;
        Tokenizer tokenizer;
        try {
            ModelConfig config = weights.config();
            int contextLength = GenerateOptionChecks.contextLength(context, config, model.resolve("config.json"),
                    DEFAULT_CONTEXT_CAP, "cpu".equals(backend));
            JsonNode configJson = JSON.readTree(model.resolve("config.json").toFile());
            tokenizer = Tokenizers.load(model, configJson);
            forward = new ForwardPass(
                    Backends.create(backend, threadCount, device, prefetch, decodeMode.value()), weights, contextLength,
                    (int) Math.min(batch, contextLength));
        } catch (Exception | Error e) {
            weights.close();
            throw e;
        }
        GenerationSettings settings = resolved.settings(0, GenerationDefaults.NONE);
        Set<Integer> stops = new LinkedHashSet<>(settings.stopTokenIds());
        Arrays.stream(tokenizer.eosIds()).forEach(stops::add);
        settings = settings.withStopTokens(stops);
        try (forward) {
            forward.warmUp();   // the first step's device work (uploads, kernel builds) before the first "> "
            ChatSession chat = new ChatSession(template, tokenizer, forward, settings, system, variables);
            err().println("chat: " + model + " (" + template.source() + "), context " + forward.contextLength()
                    + " tokens, " + (resolved.sampling() ? "sampling at temperature " + resolved.temperature()
                    + " (top-p " + resolved.topP() + ", top-k " + (resolved.topK() == 0 ? "off" : resolved.topK())
                    + ", seed " + resolved.seed() + ")" : "greedy")
                    + (resolved.fromModel().isEmpty() ? "" : "; from generation_config.json: " + resolved.fromModel()));
            err().println("one line per message; /reset starts over, /exit quits");
            err().flush();
            converse(chat, tokenizer);
        }
        return 0;
    }

    private void converse(ChatSession chat, Tokenizer tokenizer) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        boolean prompt = onTerminal();
        while (true) {
            if (prompt) {
                out().print("> ");
                out().flush();
            }
            String line = in.readLine();
            if (line == null) {
                break;
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.equals("/exit") || trimmed.equals("/quit")) {
                break;
            }
            if (trimmed.equals("/reset")) {
                chat.reset();
                err().println("[conversation reset]");
                err().flush();
                continue;
            }
            if (trimmed.startsWith("/")) {
                err().println("[unknown command " + trimmed + ": /reset starts over, /exit quits]");
                err().flush();
                continue;
            }
            turn(chat, tokenizer, line);
        }
    }

    private void turn(ChatSession chat, Tokenizer tokenizer, String line) {
        StreamingDecoder decoder = tokenizer.streamingDecoderFromStart();
        ChatSession.Turn turn;
        try {
            turn = chat.send(line, token -> {
                out().print(decoder.feed(token));
                out().flush();
            });
        } catch (ChatSession.ContextFullException e) {
            err().println("[" + e.getMessage() + "; the conversation so far is kept]");
            err().flush();
            return;
        } catch (ChatTemplateException e) {
            err().println("[" + e.getMessage() + "; the message was not added]");
            err().flush();
            return;
        }
        out().println(decoder.finish());
        out().flush();
        if (turn.stopReason() == StopReason.MAX_TOKENS) {
            err().println("[reply cut at " + turn.result().generatedTokens().length + " tokens: raise --max-tokens]");
        } else if (turn.stopReason() == StopReason.CONTEXT_FULL) {
            err().println("[context limit reached mid-reply (" + "raise --context, or /reset to start over)]");
        }
        err().flush();
    }

    /** {@code --template-var} values: JSON where they are JSON ({@code false}, {@code 3}, {@code ["a"]}), else text. */
    static Map<String, Object> templateVariables(Map<String, String> given) {
        Map<String, Object> variables = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (e.getKey().equals("messages") || e.getKey().equals("add_generation_prompt")) {
                throw new IllegalArgumentException("--template-var " + e.getKey() + " is set by df11 itself: give "
                        + "another name");
            }
            Object value;
            try {
                value = JSON.convertValue(JSON.readTree(e.getValue()), Object.class);
            } catch (IOException | IllegalArgumentException notJson) {
                value = e.getValue();
            }
            variables.put(e.getKey(), value);
        }
        return variables;
    }

    private static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal() && input == System.in;
    }
}
