package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;

import java.nio.file.Path;

/**
 * Typed reads from a parsed {@code tokenizer.json}, each failing with an {@link InvalidTokenizerException} that names
 * the file and the field's path in it (for example {@code normalizer.normalizers[1].type}).
 */
final class HfJson {

    private final Path file;

    HfJson(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    InvalidTokenizerException error(String fieldPath, String problem) {
        return new InvalidTokenizerException(file, fieldPath + " " + problem);
    }

    InvalidTokenizerException unsupported(String fieldPath, JsonNode value, String supported) {
        return error(fieldPath, value + " is not supported (supported: " + supported + ")");
    }

    JsonNode object(JsonNode parent, String field, String parentPath) throws InvalidTokenizerException {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw error(path(parentPath, field), node == null ? "is missing" : "is " + kind(node) + ", not an object");
        }
        return node;
    }

    JsonNode array(JsonNode parent, String field, String parentPath) throws InvalidTokenizerException {
        JsonNode node = parent.get(field);
        if (node == null || !node.isArray()) {
            throw error(path(parentPath, field), node == null ? "is missing" : "is " + kind(node) + ", not an array");
        }
        return node;
    }

    String text(JsonNode parent, String field, String parentPath) throws InvalidTokenizerException {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual()) {
            throw error(path(parentPath, field), node == null ? "is missing" : "is " + kind(node) + ", not a string");
        }
        return node.textValue();
    }

    /** A string field that may be absent or null: returns {@code fallback} then. */
    String optionalText(JsonNode parent, String field, String parentPath, String fallback)
            throws InvalidTokenizerException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw error(path(parentPath, field), "is " + kind(node) + ", not a string");
        }
        return node.textValue();
    }

    boolean optionalBoolean(JsonNode parent, String field, String parentPath, boolean fallback)
            throws InvalidTokenizerException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw error(path(parentPath, field), "is " + kind(node) + ", not true or false");
        }
        return node.booleanValue();
    }

    int integer(JsonNode parent, String field, String parentPath) throws InvalidTokenizerException {
        JsonNode node = parent.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
            throw error(path(parentPath, field), node == null ? "is missing" : "is " + node + ", not an int");
        }
        return node.intValue();
    }

    /** The {@code type} of a component object, e.g. {@code "Sequence"}. */
    String type(JsonNode component, String componentPath) throws InvalidTokenizerException {
        if (!component.isObject()) {
            throw error(componentPath, "is " + kind(component) + ", not an object");
        }
        return text(component, "type", componentPath);
    }

    static String path(String parentPath, String field) {
        return parentPath.isEmpty() ? field : parentPath + "." + field;
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase();
    }
}
