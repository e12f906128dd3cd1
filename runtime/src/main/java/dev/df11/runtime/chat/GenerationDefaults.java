package dev.df11.runtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A model's own generation defaults, from {@code generation_config.json} (what transformers' {@code generate} uses
 * unless told otherwise). Every field is optional; an absent file gives {@link #NONE}.
 *
 * @param eosTokenIds  every id that ends generation ({@code eos_token_id}: one id or a list; instruct models often
 *                     name several, e.g. Llama 3's {@code <|end_of_text|>}, {@code <|eom_id|>} and {@code <|eot_id|>})
 * @param bosTokenId   {@code bos_token_id}
 * @param doSample     {@code do_sample}: false means greedy decoding whatever the temperature says
 * @param temperature  {@code temperature}
 * @param topP         {@code top_p}
 * @param topK         {@code top_k} (0 means no limit)
 * @param maxNewTokens {@code max_new_tokens}
 * @param maxLength    {@code max_length}: prompt plus generated tokens
 */
public record GenerationDefaults(List<Integer> eosTokenIds, OptionalInt bosTokenId, Optional<Boolean> doSample,
                                 OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                                 OptionalInt maxNewTokens, OptionalInt maxLength) {

    /** No generation_config.json: nothing beyond the model config. */
    public static final GenerationDefaults NONE = new GenerationDefaults(List.of(), OptionalInt.empty(),
            Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty());

    private static final ObjectMapper JSON = new ObjectMapper();

    public GenerationDefaults {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /**
     * Reads {@code modelDir/generation_config.json}; {@link #NONE} when there is none.
     *
     * @throws IllegalArgumentException the file is not JSON, or a field has the wrong type or an impossible value
     *                                  (the message names the file and the field)
     */
    public static GenerationDefaults load(Path modelDir) {
        Path file = modelDir.resolve("generation_config.json");
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        return parse(root, file);
    }

    static GenerationDefaults parse(JsonNode root, Path file) {
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = root.get("eos_token_id");
        if (eosNode != null && !eosNode.isNull()) {
            if (eosNode.isArray()) {
                for (JsonNode id : eosNode) {
                    eos.add(tokenId(id, file, "eos_token_id"));
                }
            } else {
                eos.add(tokenId(eosNode, file, "eos_token_id"));
            }
        }
        OptionalInt bos = root.hasNonNull("bos_token_id")
                ? OptionalInt.of(tokenId(root.get("bos_token_id"), file, "bos_token_id")) : OptionalInt.empty();
        Optional<Boolean> doSample = Optional.empty();
        if (root.hasNonNull("do_sample")) {
            if (!root.get("do_sample").isBoolean()) {
                throw new IllegalArgumentException(file + ": do_sample must be true or false, got " + root.get("do_sample"));
            }
            doSample = Optional.of(root.get("do_sample").booleanValue());
        }
        OptionalDouble temperature = number(root, "temperature", file);
        if (temperature.isPresent() && !(temperature.getAsDouble() >= 0)) {
            throw new IllegalArgumentException(file + ": temperature must be 0 or more, got " + temperature.getAsDouble());
        }
        OptionalDouble topP = number(root, "top_p", file);
        if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
            throw new IllegalArgumentException(file + ": top_p must be above 0 and at most 1, got " + topP.getAsDouble());
        }
        return new GenerationDefaults(eos, bos, doSample, temperature, topP, count(root, "top_k", file),
                count(root, "max_new_tokens", file), count(root, "max_length", file));
    }

    private static int tokenId(JsonNode node, Path file, String field) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new IllegalArgumentException(file + ": " + field + " must be a token id (an integer of 0 or more) "
                    + "or a list of them, got " + node);
        }
        return node.intValue();
    }

    private static OptionalDouble number(JsonNode root, String field, Path file) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw new IllegalArgumentException(file + ": " + field + " must be a number, got " + node);
        }
        return OptionalDouble.of(node.doubleValue());
    }

    private static OptionalInt count(JsonNode root, String field, Path file) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return OptionalInt.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new IllegalArgumentException(file + ": " + field + " must be a whole number of 0 or more, got " + node);
        }
        return OptionalInt.of(node.intValue());
    }

    /**
     * Whether the model's defaults ask for sampling: {@code do_sample} true and a positive temperature (transformers'
     * default temperature is 1.0 when {@code do_sample} is true and none is given).
     */
    public boolean samples() {
        return doSample.orElse(false) && temperature.orElse(1.0) > 0;
    }
}
