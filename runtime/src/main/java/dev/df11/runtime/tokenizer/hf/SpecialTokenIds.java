package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.ConfigTokenIds;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * BOS and EOS of a Hugging Face tokenizer, from the first source that gives them: the model's {@code config.json}
 * ({@code bos_token_id}, {@code eos_token_id}), then {@code tokenizer_config.json} beside {@code tokenizer.json}
 * ({@code bos_token}, {@code eos_token}, by content), then for BOS the {@code post_processor}'s template (a special
 * token in front of the sequence, as Llama 2's {@code <s>}).
 *
 * <p>Whether a prompt gets a BOS: {@code add_bos_token} of {@code tokenizer_config.json} when given, else whether
 * the template puts one in front, else whether {@code tokenizer_config.json} names a BOS token at all (Qwen names
 * none, though its config.json has a {@code bos_token_id}).
 *
 * @param bos             the BOS id, or -1
 * @param eos             the EOS ids (several when config.json lists several)
 * @param addBosByDefault whether a prompt should start with BOS
 */
record SpecialTokenIds(int bos, int[] eos, boolean addBosByDefault) {

    static SpecialTokenIds resolve(JsonNode root, Path file, JsonNode config, Map<String, Integer> vocab,
                                   List<AddedTokens.AddedToken> added, int vocabSize) throws IOException {
        Path configFile = file.resolveSibling("tokenizer_config.json");
        JsonNode tokenizerConfig = Files.isRegularFile(configFile) ? HfTokenizerLoader.readTree(configFile) : null;

        int templateBos = templateBos(root.get("post_processor"), vocab, added);
        if (templateBos >= vocabSize) {
            throw new InvalidTokenizerException(file, "post_processor puts token " + templateBos
                    + " in front of every sequence, outside the " + vocabSize + " token ids");
        }
        Integer configBos = ConfigTokenIds.bos(config, file, vocabSize);
        int bos = configBos != null ? configBos
                : tokenizerConfig != null && tokenizerConfig.has("bos_token")
                ? tokenId(tokenizerConfig, "bos_token", configFile, vocab, added)
                : templateBos;

        int[] configEos = ConfigTokenIds.eos(config, file, vocabSize);
        int[] eos = configEos != null ? configEos : new int[0];
        if (configEos == null && tokenizerConfig != null && tokenizerConfig.has("eos_token")) {
            int id = tokenId(tokenizerConfig, "eos_token", configFile, vocab, added);
            eos = id >= 0 ? new int[] {id} : new int[0];
        }

        boolean addBos;
        JsonNode flag = tokenizerConfig == null ? null : tokenizerConfig.get("add_bos_token");
        if (flag != null && flag.isBoolean()) {
            addBos = flag.booleanValue();
        } else if (templateBos >= 0) {
            addBos = true;
        } else {
            addBos = tokenizerConfig != null && tokenizerConfig.hasNonNull("bos_token");
        }
        return new SpecialTokenIds(bos, eos, addBos && bos >= 0);
    }

    /** The id of a token named in tokenizer_config.json as a string or {@code {"content": ...}}; -1 for null. */
    private static int tokenId(JsonNode tokenizerConfig, String field, Path configFile, Map<String, Integer> vocab,
                               List<AddedTokens.AddedToken> added) throws InvalidTokenizerException {
        JsonNode node = tokenizerConfig.get(field);
        if (node.isObject()) {
            node = node.get("content");
        }
        if (node == null || node.isNull()) {
            return -1;
        }
        if (!node.isTextual()) {
            throw new InvalidTokenizerException(configFile, field + " is " + node + ", not a token's text");
        }
        int id = idOf(node.textValue(), vocab, added);
        if (id < 0) {
            throw new InvalidTokenizerException(configFile, field + " \"" + node.textValue()
                    + "\" is neither an added token nor in the vocabulary of tokenizer.json");
        }
        return id;
    }

    /**
     * A {@code TemplateProcessing} post-processor (alone or in a {@code Sequence}) whose single-sequence template
     * starts with a special token: that token's id, else -1.
     */
    private static int templateBos(JsonNode processor, Map<String, Integer> vocab,
                                   List<AddedTokens.AddedToken> added) {
        if (processor == null || !processor.isObject()) {
            return -1;
        }
        String type = processor.path("type").asText();
        if (type.equals("Sequence")) {
            for (JsonNode step : processor.path("processors")) {
                int id = templateBos(step, vocab, added);
                if (id >= 0) {
                    return id;
                }
            }
            return -1;
        }
        if (!type.equals("TemplateProcessing")) {
            return -1;
        }
        JsonNode first = processor.path("single").path(0).path("SpecialToken");
        if (!first.isObject()) {
            return -1;
        }
        String name = first.path("id").asText();
        JsonNode ids = processor.path("special_tokens").path(name).path("ids");
        if (ids.isArray() && ids.size() == 1 && ids.get(0).canConvertToInt()) {
            return Math.max(-1, ids.get(0).intValue());
        }
        return idOf(name, vocab, added);
    }

    private static int idOf(String content, Map<String, Integer> vocab, List<AddedTokens.AddedToken> added) {
        for (AddedTokens.AddedToken token : added) {
            if (token.content().equals(content)) {
                return token.id();
            }
        }
        Integer id = vocab.get(content);
        return id == null ? -1 : id;
    }
}
