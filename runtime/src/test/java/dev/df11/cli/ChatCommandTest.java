package dev.df11.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.chat.ChatMessage;
import dev.df11.runtime.chat.ChatTemplate;
import dev.df11.runtime.testmodels.ChatTestModel;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code df11 chat} driven with piped input, and {@code generate --chat}, on a random model with a template. */
class ChatCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void restoreInput() {
        ChatCommand.input = System.in;
    }

    private static CliRun chat(String stdin, Object... args) {
        ChatCommand.input = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return CliRun.of(args);
    }

    private Tokenizer tokenizer(Path model) throws IOException {
        return Tokenizers.load(model, JSON.readTree(model.resolve("config.json").toFile()));
    }

    private JsonNode generateJson(Object... args) throws IOException {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.toString());
        return JSON.readTree(run.out());
    }

    @Test
    void pipedConversationStreamsRepliesResetsAndExits() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        CliRun run = chat("hello\n\n/reset\nhello\n/exit\nnever read\n",
                "chat", "--model", model, "--max-tokens", "6", "--threads", "1", "--system", "be brief");
        assertEquals(0, run.exitCode(), run.toString());
        List<String> replies = run.out().lines().toList();
        assertEquals(2, replies.size(), run.toString());
        assertEquals(replies.get(0), replies.get(1), "greedy: the same first turn after /reset gives the same reply");
        assertTrue(run.err().contains("[conversation reset]"), run.toString());

        // The reply is what generate --chat produces for the same turn (same prompt, same greedy decoding).
        JsonNode generated = generateJson("generate", "--model", model, "--chat", "--system", "be brief",
                "--prompt", "hello", "--max-tokens", "6", "--threads", "1", "--json");
        assertEquals(generated.get("text").textValue().strip(), replies.get(0).strip());
    }

    @Test
    void generateChatRendersOneUserTurnWithTheTemplate() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        JsonNode report = generateJson("generate", "--model", model, "--chat", "--system", "sys", "--prompt",
                "Hi there", "--max-tokens", "2", "--threads", "1", "--json");
        String rendered = ChatTemplate.load(model).orElseThrow()
                .render(List.of(ChatMessage.system("sys"), ChatMessage.user("Hi there")), true);
        assertEquals("<s><|system|>\nsys<|end|>\n<|user|>\nHi there<|end|>\n<|assistant|>\n", rendered);
        int[] ids = StreamSupport.stream(report.get("prompt_ids").spliterator(), false).mapToInt(JsonNode::intValue)
                .toArray();
        assertArrayEquals(tokenizer(model).encode(rendered, false), ids);
    }

    @Test
    void chatWithoutTemplateNamesTheFilesLookedFor() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, false);
        CliRun run = chat("hello\n", "chat", "--model", model);
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("chat_template.jinja") && run.err().contains("tokenizer_config.json"),
                run.toString());
        assertEquals("", run.out());
    }

    @Test
    void generateChatWithoutTemplateNamesTheFilesLookedFor() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, false);
        CliRun run = CliRun.of("generate", "--model", model, "--chat", "--prompt", "hi");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no chat template") && run.err().contains("chat_template.jinja"),
                run.toString());
        assertEquals("", run.out());
    }

    @Test
    void systemWithoutChatIsRejected() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        CliRun run = CliRun.of("generate", "--model", model, "--system", "sys", "--prompt", "hi");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--system is for --chat"), run.toString());
    }

    @Test
    void chatWithPromptIdsIsRejected() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        CliRun run = CliRun.of("generate", "--model", model, "--chat", "--prompt-ids", "1,2");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--chat needs --prompt"), run.toString());
    }

    @Test
    void messageBeyondTheContextIsRefusedAndTheChatGoesOn() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        CliRun run = chat("hi\n" + "x".repeat(80) + "\nok\n", "chat", "--model", model, "--context", "48",
                "--max-tokens", "2", "--threads", "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("more than the context of 48 tokens") && run.err().contains("kept"),
                run.toString());
        assertEquals(2, run.out().lines().count(), run.toString());
    }

    @Test
    void generationConfigSamplingDefaultsApplyUnlessOverridden() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        Files.writeString(model.resolve("generation_config.json"),
                "{\"eos_token_id\": [2, 6], \"do_sample\": true, \"temperature\": 0.7, \"top_p\": 0.8, \"top_k\": 5}");
        JsonNode fromModel = generateJson("generate", "--model", model, "--prompt", "hi", "--max-tokens", "2",
                "--threads", "1", "--seed", "3", "--json");
        assertEquals(0.7, fromModel.get("temperature").doubleValue(), 1e-6);
        assertEquals(0.8, fromModel.get("top_p").doubleValue(), 1e-6);
        assertEquals(5, fromModel.get("top_k").intValue());
        JsonNode overridden = generateJson("generate", "--model", model, "--prompt", "hi", "--max-tokens", "2",
                "--threads", "1", "--temperature", "0", "--json");
        assertEquals(0, overridden.get("temperature").doubleValue());
        assertTrue(overridden.get("top_k").isNull());
    }

    /**
     * An end token that only generation_config.json names (as Llama 3 Instruct's {@code <|eot_id|>}) stops
     * {@code generate} where it is chosen: greedy ids up to it, the token itself not emitted.
     */
    @Test
    void generateStopsAtAnEndTokenOnlyGenerationConfigNames() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        Files.writeString(model.resolve("generation_config.json"), "{\"do_sample\": false}");
        int[] free = ids(generateJson("generate", "--model", model, "--prompt", "hi", "--max-tokens", "8",
                "--threads", "1", "--json").get("generated_ids"));
        assertTrue(free.length >= 2, "the free run generated " + free.length + " tokens");
        int stop = free[free.length / 2];
        int firstAt = java.util.Arrays.stream(free).boxed().toList().indexOf(stop);
        Files.writeString(model.resolve("generation_config.json"),
                "{\"eos_token_id\": [" + stop + "], \"do_sample\": false}");
        JsonNode stopped = generateJson("generate", "--model", model, "--prompt", "hi", "--max-tokens", "8",
                "--threads", "1", "--json");
        assertEquals("end_of_sequence", stopped.get("stop_reason").textValue());
        assertArrayEquals(java.util.Arrays.copyOf(free, firstAt), ids(stopped.get("generated_ids")));
    }

    private static int[] ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::intValue).toArray();
    }

    @Test
    void generationConfigWithoutTopKSamplesWithTransformersDefaultTopK() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        Files.writeString(model.resolve("generation_config.json"), "{\"do_sample\": true, \"temperature\": 0.6}");
        JsonNode report = generateJson("generate", "--model", model, "--prompt", "hi", "--max-tokens", "1",
                "--threads", "1", "--seed", "1", "--json");
        assertEquals(50, report.get("top_k").intValue());
        assertEquals(0.9, report.get("top_p").doubleValue(), 1e-6, "df11's top-p default: the file names none");
    }

    @Test
    void malformedGenerationConfigIsAnErrorNamingTheFile() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        Files.writeString(model.resolve("generation_config.json"), "{\"eos_token_id\": \"two\"}");
        CliRun run = CliRun.of("generate", "--model", model, "--prompt", "hi");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("generation_config.json") && run.err().contains("eos_token_id"), run.toString());
    }

    @Test
    void negativeTopKIsRejected() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        CliRun run = CliRun.of("generate", "--model", model, "--prompt", "hi", "--top-k", "-1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--top-k -1"), run.toString());
    }

    @Test
    void templateVariablesReachTheTemplate() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        Files.writeString(model.resolve("chat_template.jinja"), "{{ bos_token }}{% if flag is false %}OFF{% endif %}"
                + "{{ messages[0].content }}{{ name }}");
        JsonNode report = generateJson("generate", "--model", model, "--chat", "--prompt", "hi", "--template-var",
                "flag=false", "--template-var", "name=bob", "--max-tokens", "1", "--threads", "1", "--json");
        assertEquals("OFFhibob", report.get("prompt_text").textValue());
    }

    @Test
    void templateVarWithoutChatIsRejected() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        CliRun run = CliRun.of("generate", "--model", model, "--prompt", "hi", "--template-var", "a=1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--template-var is for --chat"), run.toString());
    }

    @Test
    void templateVarNamedMessagesIsRejected() throws IOException {
        Path model = ChatTestModel.write(dir.resolve("m"), 5, true);
        CliRun run = chat("hi\n", "chat", "--model", model, "--template-var", "messages=[]");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--template-var messages is set by df11"), run.toString());
    }
}
