package dev.df11.runtime.chat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading templates from model folders, and the engine bridges, beyond the transformers references. */
class ChatTemplateTest {

    @TempDir
    Path dir;

    private void config(String json) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), json);
    }

    @Test
    void folderWithoutTemplateGivesEmpty() throws IOException {
        assertTrue(ChatTemplate.load(dir).isEmpty());
        config("{\"bos_token\": \"<s>\"}");
        assertTrue(ChatTemplate.load(dir).isEmpty());
    }

    @Test
    void chatTemplateJinjaFileWinsOverTokenizerConfig() throws IOException {
        config("{\"bos_token\": {\"content\": \"<s>\", \"special\": true}, \"chat_template\": \"config\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ bos_token }}{{ messages[0].content }}\n");
        ChatTemplate t = ChatTemplate.load(dir).orElseThrow();
        assertEquals("<s>hi", t.render(List.of(ChatMessage.user("hi")), false));
        assertTrue(t.source().endsWith("chat_template.jinja"));
    }

    @Test
    void processorChatTemplateJsonIsTheLastResort() throws IOException {
        config("{\"bos_token\": \"<bos>\"}");
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"{{ bos_token }}P\"}");
        ChatTemplate t = ChatTemplate.load(dir).orElseThrow();
        assertEquals("<bos>P", t.render(List.of(ChatMessage.user("a")), false));
        assertTrue(t.source().endsWith("chat_template.json (chat_template)"), t.source());
    }

    @Test
    void malformedProcessorChatTemplateJsonIsAnError() throws IOException {
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": 3}");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
        assertTrue(e.getMessage().contains("chat_template.json"), e.getMessage());
    }

    @Test
    void namedTemplateListUsesDefault() throws IOException {
        config("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, "
                + "{\"name\": \"default\", \"template\": \"D{{ messages|length }}\"}]}");
        assertEquals("D2", ChatTemplate.load(dir).orElseThrow()
                .render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), false));
    }

    @Test
    void namedTemplateListWithoutDefaultIsAnError() throws IOException {
        config("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}]}");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
        assertTrue(e.getMessage().contains("default"), e.getMessage());
    }

    @Test
    void chatTemplateOfTheWrongTypeIsAnError() throws IOException {
        config("{\"chat_template\": 42}");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    }

    @Test
    void malformedTokenizerConfigIsAnError() throws IOException {
        config("{\"chat_template\": ");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    }

    @Test
    void templateThatDoesNotParseIsAnErrorNamingTheFile() throws IOException {
        config("{\"chat_template\": \"{% for m in messages %}{{ m.content }}\"}");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json (chat_template)"), e.getMessage());
    }

    @Test
    void unknownFunctionIsRefusedNotRenderedAsEmpty() {
        ChatTemplate t = ChatTemplate.of("{{ no_such_function('x') }}ok", Map.of(), "test");
        assertThrows(ChatTemplateException.class, () -> t.render(List.of(ChatMessage.user("a")), false));
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplateCode() {
        ChatTemplate t = ChatTemplate.of("{{ messages[0].content }}", Map.of(), "test");
        assertEquals("{{ 1 + 1 }} {% if true %}", t.render(List.of(ChatMessage.user("{{ 1 + 1 }} {% if true %}")), false));
    }

    @Test
    void pythonStringMethods() {
        ChatTemplate t = ChatTemplate.of("{{ m.lstrip('\\n') }}|{{ m.rstrip('\\n') }}|{{ m.strip() }}|"
                + "{{ m.startswith('\\nA') }}|{{ m.endswith('b\\n') }}|{{ m.split('|')|length }}|"
                + "{{ m.split('x')[-1] }}", Map.of(), "test");
        assertEquals("A x b\n|\nA x b|A x b|True|True|1| b\n",
                t.render(List.of(ChatMessage.user("unused")), false, Map.of("m", "\nA x b\n")));
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessage() {
        ChatTemplate t = ChatTemplate.of("{{ raise_exception('no system role') }}", Map.of(), "test");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(ChatMessage.user("a")), false));
        assertEquals("test: the chat template raised: no system role", e.getMessage());
    }

    @Test
    void emptyConversationIsRefused() {
        ChatTemplate t = ChatTemplate.of("x", Map.of(), "test");
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(), true));
    }

    /** Expected strings are Python's json.dumps(x, ensure_ascii=False[, indent=2]), as transformers' tojson. */
    @Test
    void tojsonWritesWhatPythonWrites() {
        java.util.Map<String, Object> x = new java.util.LinkedHashMap<>();
        x.put("a", java.util.Arrays.asList(1, 2.5, 1e-05, 1e16, 123456789.125, true, null, "\u00e9\u0001"));
        x.put("b", Map.of());
        x.put("c", List.of());
        ChatTemplate t = ChatTemplate.of("{{ x|tojson }}|{{ x|tojson(indent=2) }}", Map.of(), "test");
        assertEquals("{\"a\": [1, 2.5, 1e-05, 1e+16, 123456789.125, true, null, \"\u00e9\\u0001\"], \"b\": {}, \"c\": []}|"
                + "{\n  \"a\": [\n    1,\n    2.5,\n    1e-05,\n    1e+16,\n    123456789.125,\n    true,\n    null,\n"
                + "    \"\u00e9\\u0001\"\n  ],\n  \"b\": {},\n  \"c\": []\n}",
                t.render(List.of(ChatMessage.user("u")), false, Map.of("x", x)));
    }

    /** Expected: what Jinja2 in transformers prints for the same template and values. */
    @Test
    void printedValuesLookAsPythonPrintsThem() {
        ChatTemplate t = ChatTemplate.of("{{ true }}|{{ [1, 'a', true, none, 2.5, 1e-05] }}|"
                + "{{ {'k': \"it's\", 'n': none} }}|{{ x }}|{{ 1.0 }}", Map.of(), "test");
        assertEquals("True|[1, 'a', True, None, 2.5, 1e-05]|{'k': \"it's\", 'n': None}|[False, 'q\"\\'', 3]|1.0",
                t.render(List.of(ChatMessage.user("u")), false, Map.of("x", List.of(false, "q\"'", 3))));
    }

    /** Expected strings: Python's datetime(2026, 12, 6, 17, 5, 9).strftime(...) (Llama 3.1 prints "%d %b %Y"). */
    @Test
    void strftimeFormatsAsPython() {
        java.time.ZonedDateTime t = java.time.ZonedDateTime.of(2026, 12, 6, 17, 5, 9, 0, java.time.ZoneOffset.UTC);
        assertEquals("06 Dec 2026", TemplateFunctions.strftime(t, "%d %b %Y"));
        assertEquals("2026-12-06 17:05:09", TemplateFunctions.strftime(t, "%Y-%m-%d %H:%M:%S"));
        assertEquals("Sunday, December 06", TemplateFunctions.strftime(t, "%A, %B %d"));
    }

    @Test
    void strftimeNowIsAvailableToTemplates() {
        ChatTemplate t = ChatTemplate.of("{{ strftime_now('%Y') }}", Map.of(), "test");
        assertEquals(String.valueOf(java.time.Year.now().getValue()), t.render(List.of(ChatMessage.user("u")), false));
    }

    @Test
    void rangeIsNotCutShort() {
        ChatTemplate t = ChatTemplate.of("{{ range(5000)|list|length }}", Map.of(), "test");
        assertEquals("5000", t.render(List.of(ChatMessage.user("u")), false));
    }

    @Test
    void templateWritingAHugeOutputIsRefused() {
        ChatTemplate t = ChatTemplate.of("{% for i in range(10000) %}{% for j in range(1000) %}{{ x }}"
                + "{% endfor %}{% endfor %}", Map.of(), "hostile");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(ChatMessage.user("u")), false, Map.of("x", "x".repeat(4096))));
        assertTrue(e.getMessage().startsWith("hostile: "), e.getMessage());
    }
}
