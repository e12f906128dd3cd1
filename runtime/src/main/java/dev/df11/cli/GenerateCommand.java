package dev.df11.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.backend.DecodeStats;
import dev.df11.format.model.ChecksumVerifier;
import dev.df11.format.model.Df11Config;
import dev.df11.format.model.Df11Model;
import dev.df11.format.model.Df11ModelException;
import dev.df11.format.model.ModelFolder;
import dev.df11.format.model.ProgressListener;
import dev.df11.runtime.chat.ChatMessage;
import dev.df11.runtime.chat.ChatTemplate;
import dev.df11.runtime.chat.GenerationDefaults;
import dev.df11.runtime.inference.Backends;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationResult;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.inference.ProcessMemory;
import dev.df11.runtime.inference.StopReason;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.tokenizer.StreamingDecoder;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * {@code df11 generate}: runs a BF16 or DF11 Llama-family folder and streams the generated text to stdout, then
 * reports speed, decode time and memory on stderr (or everything as one JSON object with {@code --json}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a BF16 or DF11 model folder (DF11 is detected by dfloat11_config in "
                + "config.json). Text goes to stdout as it is produced; timings and memory go to stderr.")
public final class GenerateCommand extends Df11Command {

    @Option(names = "--model", required = true, paramLabel = "<dir>", description = "Model folder.")
    Path model;

    @ArgGroup(exclusive = true)
    PromptOptions prompt = new PromptOptions();

    static final class PromptOptions {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (needs a tokenizer).")
        String text;

        @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",",
                description = "Prompt as token ids, e.g. 1,450,4996. Without any prompt: BOS alone.")
        int[] ids;
    }

    @Mixin
    SamplingOptions samplingOptions = new SamplingOptions();

    @Option(names = "--chat", description = "Render --prompt as one user turn with the model's chat template "
            + "(chat_template.jinja or tokenizer_config.json's chat_template) and the generation prompt.")
    boolean chat;

    @Option(names = "--system", paramLabel = "TEXT", description = "With --chat: a system message before the user "
            + "turn.")
    String system;

    @Option(names = "--template-var", paramLabel = "NAME=VALUE", description = "With --chat: an extra chat-template "
            + "variable, e.g. enable_thinking=false for Qwen3 (VALUE is read as JSON when it is JSON, else as text).")
    Map<String, String> templateVars = new LinkedHashMap<>();

    @Option(names = "--backend", defaultValue = "cpu", description = "Backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Option(names = "--threads", description = "Compute threads, 1 to " + ThreadsOption.MAX_THREADS
            + " (default: all cores).")
    Integer threads;

    @Option(names = "--context", defaultValue = "0", converter = WholeNumberConverter.class,
            description = "Context length in tokens, at most max_position_embeddings (default: "
                    + "max_position_embeddings, at most 2048).")
    long context;

    @Option(names = "--batch", defaultValue = "64", converter = WholeNumberConverter.class,
            description = "Prompt tokens per forward pass, at least 1 (default: ${DEFAULT-VALUE}).")
    long batch;

    @Mixin
    DecodeModeOption decodeMode = new DecodeModeOption();

    @Option(names = "--prefetch", description = "DF11: decode the next unit on a background thread while the "
            + "current one computes (a second decode buffer).")
    boolean prefetch;

    @Option(names = "--warmup", description = "Run the prompt and a few tokens once, untimed, before the measured "
            + "run (the first run includes JIT compilation and page faults).")
    boolean warmup;

    @Option(names = "--json", description = "Print ids, text and timings as one JSON object instead of streaming.")
    boolean json;

    @Option(names = "--check", description = "DF11: before generating, decode every unit once and check every tensor "
            + "against the checksums recorded at compress time (costs one full decode; stops on a mismatch).")
    boolean check;

    private static final int DEFAULT_CONTEXT_CAP = 2048;
    private static final long DEFAULT_MAX_TOKENS = 256;

    private SamplingOptions.Resolved resolved;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected int run() throws Exception {
        // Every option is checked before anything is printed: an error must not run onto the echoed prompt.
        int threadCount = ThreadsOption.resolve("--threads", threads);
        GenerateOptionChecks.check(0, 0, 1, batch, context);
        checkChatOptions();
        String deviceSpec = deviceOptions.resolve(backend);
        GenerationDefaults defaults = GenerationDefaults.load(model);
        resolved = samplingOptions.resolve(defaults, DEFAULT_MAX_TOKENS, new int[0]);
        boolean sampling = resolved.sampling();
        long samplingSeed = resolved.seed();
        long maxTokens = resolved.maxTokens();
        if (check) {
            checkWeights(threadCount);
        }
        WeightStore weights = WeightStores.open(model, new WeightStores.Df11Options(threadCount));
        Tokenizer tokenizer;
        int[] promptIds;
        ForwardPass forward;
        try {
            ModelConfig config = weights.config();
            int contextLength = GenerateOptionChecks.contextLength(context, config, model.resolve("config.json"),
                    DEFAULT_CONTEXT_CAP, "cpu".equals(backend));
            tokenizer = loadTokenizer();
            promptIds = promptIds(tokenizer, config);
            GenerateOptionChecks.checkPrompt(promptIds, prompt.ids != null ? "--prompt-ids"
                    : prompt.text != null ? "--prompt" : "the default prompt (BOS)", config, contextLength);
            forward = new ForwardPass(
                    Backends.create(backend, threadCount, deviceSpec, prefetch, decodeMode.value()), weights,
                    contextLength,
                    (int) Math.min(batch, contextLength));
        } catch (Exception | Error e) {
            weights.close();
            throw e;
        }
        GenerationSettings settings = resolved.settings(promptIds.length, defaults);
        if (tokenizer != null) {
            Set<Integer> stops = new LinkedHashSet<>(settings.stopTokenIds());
            Arrays.stream(tokenizer.eosIds()).forEach(stops::add);
            settings = settings.withStopTokens(stops);
        }
        try (forward) {
            if (warmup) {
                new Generator(forward).generate(promptIds, GenerationSettings.greedy((int) Math.min(4, maxTokens)),
                        token -> { });
            }
            if (!json && !resolved.fromModel().isEmpty()) {
                err().println("generation_config.json: " + resolved.fromModel());
                err().flush();
            }
            TextStream stream = json ? null : new TextStream(tokenizer, promptIds);
            GenerationResult result;
            try {
                result = new Generator(forward).generate(promptIds, settings,
                        stream != null ? stream::token : token -> { });
            } catch (RuntimeException | Error e) {
                if (stream != null) {
                    stream.endLine();     // the error message (stderr) then starts on a line of its own
                }
                throw e;
            }
            if (stream != null) {
                stream.finish();
            }
            if (json) {
                out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                        report(result, forward, tokenizer, threadCount, sampling, samplingSeed)));
                out().flush();
            } else {
                printSummary(result, forward, samplingSeed);
            }
        }
        return 0;
    }

    /** {@code --check}: the same check as {@code df11 verify} without --against, before any weight is used. */
    private void checkWeights(int threadCount) throws IOException {
        if (!ModelFolder.readConfig(model).has(Df11Config.KEY)) {
            err().println("note: --check: " + model + " is a BF16 folder; only DF11 folders written by df11 carry "
                    + "checksums, so nothing was checked");
            return;
        }
        ChecksumVerifier.Report r;
        try (Df11Model df11 = Df11Model.open(model)) {
            r = ChecksumVerifier.verify(df11, threadCount, ProgressListener.NONE);
        }
        if (!r.mismatches().isEmpty()) {
            throw new Df11ModelException(model, r.mismatches().size() + " tensor(s) fail the check, first "
                    + r.mismatches().getFirst() + "; nothing was generated (run 'df11 verify " + model
                    + "' for the full list)");
        }
        if (!r.recorded()) {
            err().println("note: --check: " + ChecksumVerifier.noChecksumsNotice(model));
        } else {
            err().printf("checked:    %d tensors against their recorded checksums in %s%n", r.tensorsChecked(),
                    Sizes.seconds(r.nanos()));
        }
        err().flush();
    }

    private Tokenizer loadTokenizer() throws IOException {
        boolean present = Files.isRegularFile(model.resolve("tokenizer.json"))
                || Files.isRegularFile(model.resolve("tokenizer.bin"));
        if (!present) {
            if (prompt.text != null) {
                throw new IllegalArgumentException(model + ": no tokenizer.json or tokenizer.bin, so --prompt cannot "
                        + "be encoded; give --prompt-ids instead");
            }
            return null;
        }
        JsonNode configJson = JSON.readTree(model.resolve("config.json").toFile());
        return Tokenizers.load(model, configJson);
    }

    private int[] promptIds(Tokenizer tokenizer, ModelConfig config) {
        if (prompt.ids != null) {
            return prompt.ids;
        }
        if (prompt.text != null && chat) {
            return tokenizer.encode(chatPrompt(), false);   // the template writes BOS itself, as transformers
        }
        if (prompt.text != null) {
            return tokenizer.encode(prompt.text, tokenizer.addsBosByDefault());
        }
        int bos = tokenizer != null && tokenizer.bosId() >= 0 ? tokenizer.bosId() : config.bosTokenId();
        if (bos < 0) {
            throw new IllegalArgumentException(model + ": the model names no BOS token; give --prompt or --prompt-ids");
        }
        return new int[] {bos};
    }

    private void checkChatOptions() {
        if (!templateVars.isEmpty() && !chat) {
            throw new IllegalArgumentException("--template-var is for --chat: add --chat to render the prompt with "
                    + "the model's chat template");
        }
        ChatCommand.templateVariables(templateVars);     // checked before anything is printed
        if (system != null && !chat) {
            throw new IllegalArgumentException("--system is for --chat: add --chat to render the prompt with the "
                    + "model's chat template");
        }
        if (chat && prompt.text == null) {
            throw new IllegalArgumentException("--chat needs --prompt TEXT (the user's message); --prompt-ids are "
                    + "already token ids");
        }
    }

    /** --chat: the system message (if any) and the user's turn, rendered with the generation prompt. */
    private String chatPrompt() {
        ChatTemplate template = ChatTemplate.load(model).orElseThrow(() -> new IllegalArgumentException(model
                + " has no chat template (looked for " + ChatTemplate.filesLookedFor(model) + "): leave out --chat "
                + "to use the prompt as plain text"));
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(prompt.text));
        return template.render(messages, true, ChatCommand.templateVariables(templateVars));
    }

    /**
     * Prints the prompt and then each generated token as text (or ids when there is no tokenizer). The prompt is
     * printed with the first generated token, not before the prompt is processed: what the backend reports on stderr
     * while the first step runs (a device backend compiling and uploading) then does not cut into the text.
     */
    private final class TextStream {
        private final StreamingDecoder decoder;
        private int[] unprintedPrompt;

        TextStream(Tokenizer tokenizer, int[] promptIds) {
            this.decoder = tokenizer == null ? null : tokenizer.streamingDecoderFromStart();
            this.unprintedPrompt = promptIds;
        }

        void token(int id) {
            printPrompt();
            print(id);
        }

        private void printPrompt() {
            if (unprintedPrompt != null) {
                for (int id : unprintedPrompt) {
                    print(id);
                }
                unprintedPrompt = null;
            }
        }

        private void print(int id) {
            out().print(decoder == null ? id + " " : decoder.feed(id));
            out().flush();
        }

        void finish() {
            printPrompt();
            if (decoder != null) {
                out().print(decoder.finish());
            }
            out().println();
            out().flush();
        }

        void endLine() {
            printPrompt();
            out().println();
            out().flush();
        }
    }

    private void printSummary(GenerationResult r, ForwardPass forward, long samplingSeed) {
        var err = err();
        WeightStore weights = forward.weights();
        String stop = r.stopReason() == StopReason.CONTEXT_FULL
                ? "context limit reached (" + forward.contextLength() + " tokens; raise it with --context)"
                : r.stopReason().description();
        err.printf("stopped: %s%n", stop);
        if (resolved.sampling()) {
            err.printf("sampling: temperature %s, top-p %s, top-k %s, seed %d%n", resolved.temperature(),
                    resolved.topP(), resolved.topK() == 0 ? "off" : resolved.topK(), samplingSeed);
        }
        err.printf(Locale.ROOT, "prompt:     %d tokens in %s (%.1f tokens/s)%n", r.promptTokens().length,
                Sizes.seconds(r.promptNanos()), r.promptTokensPerSecond());
        err.printf(Locale.ROOT, "generation: %d tokens, %d forward passes in %s (%.2f tokens/s)%n",
                r.generatedTokens().length, r.generationForwards(), Sizes.seconds(r.generationNanos()),
                r.generationTokensPerSecond());
        err.printf("weights:    %s, %s resident (decode buffers %s), backend %s, activations + KV cache %s%n",
                weights.kind(), Sizes.bytes(forward.residentWeightBytes()), Sizes.bytes(forward.decodeBufferBytes()),
                forward.backend().name(), Sizes.bytes(forward.backend().workingBytes()));
        DecodeStats decode = r.decodeStats();
        if (decode.decodes() > 0) {
            err.printf(Locale.ROOT, "decode:     %.3f ms per unit (%d units, %.2f GB/s of BF16); forward waited "
                            + "%.3f ms per layer unit, %.3f ms per output band%s%n",
                    decode.meanDecodeMillis(), decode.decodes(), decode.decodeGigabytesPerSecond(),
                    decode.meanLayerWaitMillis(), decode.meanOutputWaitMillis(), prefetch ? " (prefetching)" : "");
        }
        OptionalLong peak = ProcessMemory.peakResidentBytes();
        err.printf("memory:     peak resident %s (VmHWM)%n", peak.isPresent() ? Sizes.bytes(peak.getAsLong()) : "unknown");
        err.flush();
    }

    /** The --json report; top_p and seed are null for greedy decoding (temperature 0), which uses neither. */
    private ObjectNode report(GenerationResult r, ForwardPass forward, Tokenizer tokenizer, int threadCount,
                              boolean sampling, long samplingSeed) {
        WeightStore weights = forward.weights();
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model.toString());
        root.put("weights", weights.kind());
        root.put("backend", forward.backend().name());
        root.put("threads", threadCount);
        root.put("context", forward.contextLength());
        root.put("temperature", resolved.temperature());
        if (sampling) {
            root.put("top_p", resolved.topP());
            root.put("top_k", resolved.topK());
            root.put("seed", samplingSeed);
        } else {
            root.putNull("top_p");
            root.putNull("top_k");
            root.putNull("seed");
        }
        Arrays.stream(r.promptTokens()).forEach(root.putArray("prompt_ids")::add);
        Arrays.stream(r.generatedTokens()).forEach(root.putArray("generated_ids")::add);
        if (tokenizer != null) {
            int[] all = new int[r.promptTokens().length + r.generatedTokens().length];
            System.arraycopy(r.promptTokens(), 0, all, 0, r.promptTokens().length);
            System.arraycopy(r.generatedTokens(), 0, all, r.promptTokens().length, r.generatedTokens().length);
            String prompt = tokenizer.decode(r.promptTokens());
            String full = tokenizer.decode(all);
            root.put("prompt_text", prompt);
            root.put("text", full.startsWith(prompt) ? full.substring(prompt.length()) : full);
        }
        root.put("stop_reason", r.stopReason().name().toLowerCase(Locale.ROOT));
        root.put("prompt_tokens", r.promptTokens().length);
        root.put("prompt_seconds", r.promptNanos() / 1e9);
        root.put("prompt_tokens_per_second", r.promptTokensPerSecond());
        root.put("generated_tokens", r.generatedTokens().length);
        root.put("generation_forwards", r.generationForwards());
        root.put("generation_seconds", r.generationNanos() / 1e9);
        root.put("generation_tokens_per_second", r.generationTokensPerSecond());
        ObjectNode decode = root.putObject("decode");
        DecodeStats stats = r.decodeStats();
        decode.put("unit_decodes", stats.decodes());
        decode.put("mean_unit_decode_ms", stats.meanDecodeMillis());
        decode.put("decoded_gb_per_second", stats.decodeGigabytesPerSecond());
        decode.put("mean_layer_wait_ms", stats.meanLayerWaitMillis());
        decode.put("mean_output_wait_ms", stats.meanOutputWaitMillis());
        decode.put("embedding_lookup_seconds", r.embeddingLookupNanos() / 1e9);
        decode.put("prefetch", prefetch);
        root.put("resident_weight_bytes", forward.residentWeightBytes());
        root.put("decode_buffer_bytes", forward.decodeBufferBytes());
        root.put("working_bytes", forward.backend().workingBytes());
        ProcessMemory.peakResidentBytes().ifPresent(peak -> root.put("peak_rss_bytes", peak));
        return root;
    }
}
