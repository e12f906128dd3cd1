package dev.df11.runtime.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Jinja constructs chat templates use, each rendered as transformers' Jinja2 environment renders it
 * (references made by runtime/src/test/python/make_jinja_compat_references.py).
 */
class JinjaCompatibilityTest {

    @TestFactory
    Stream<DynamicTest> rendersLikeJinja2() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/jinja-compat/cases.json")) {
            root = json.readTree(in);
        }
        List<Map<String, Object>> messages = json.convertValue(root.get("messages"), new TypeReference<>() { });
        Map<String, Object> d = json.convertValue(root.get("d"), new TypeReference<>() { });
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String template = c.get("template").textValue();
            tests.add(DynamicTest.dynamicTest(template, () -> {
                ChatTemplate t = ChatTemplate.of(template, Map.of(), "case");
                if (c.has("text")) {
                    assertEquals(c.get("text").textValue(), t.renderMessages(messages, false, Map.of("d", d)));
                } else {
                    ChatTemplateException e = assertThrows(ChatTemplateException.class,
                            () -> t.renderMessages(messages, false, Map.of("d", d)));
                    assertEquals("case: the chat template raised: " + c.get("error").textValue(), e.getMessage());
                }
            }));
        }
        return tests.stream();
    }
}
