package dev.df11.runtime.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * BOS/EOS ids as a model's {@code config.json} gives them: {@code "bos_token_id": 1}, {@code "eos_token_id": 2} or a
 * list ({@code "eos_token_id": [128001, 128008, 128009]}). A missing or null field means "not given here".
 */
public final class ConfigTokenIds {

    private ConfigTokenIds() {
    }

    /** {@code config.bos_token_id}, or null when the config or the field is absent. */
    public static Integer bos(JsonNode config, Path tokenizerFile, int vocabSize) throws InvalidTokenizerException {
        int[] ids = ids(config, "bos_token_id", tokenizerFile, vocabSize);
        if (ids == null || ids.length == 0) {
            return null;
        }
        if (ids.length > 1) {
            throw new InvalidTokenizerException(tokenizerFile,
                    "config.json bos_token_id lists " + ids.length + " ids; a model has one BOS token");
        }
        return ids[0];
    }

    /** {@code config.eos_token_id} as a list, or null when the config or the field is absent. */
    public static int[] eos(JsonNode config, Path tokenizerFile, int vocabSize) throws InvalidTokenizerException {
        return ids(config, "eos_token_id", tokenizerFile, vocabSize);
    }

    private static int[] ids(JsonNode config, String field, Path tokenizerFile, int vocabSize)
            throws InvalidTokenizerException {
        if (config == null || !config.hasNonNull(field)) {
            return null;
        }
        JsonNode node = config.get(field);
        int[] ids;
        if (node.isArray()) {
            ids = new int[node.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = id(node.get(i), field + "[" + i + "]", tokenizerFile);
            }
        } else {
            ids = new int[] {id(node, field, tokenizerFile)};
        }
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new InvalidTokenizerException(tokenizerFile, "config.json " + field + " "
                        + Arrays.toString(ids) + " is outside this tokenizer's " + vocabSize + " ids");
            }
        }
        return ids;
    }

    private static int id(JsonNode node, String field, Path tokenizerFile) throws InvalidTokenizerException {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidTokenizerException(tokenizerFile,
                    "config.json " + field + " is " + node + ", not an integer token id");
        }
        return node.intValue();
    }
}
