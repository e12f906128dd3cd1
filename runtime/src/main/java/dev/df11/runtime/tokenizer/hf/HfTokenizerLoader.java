package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;
import dev.df11.runtime.tokenizer.bpe.ByteTokens;
import dev.df11.runtime.tokenizer.bpe.MergeTable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} whose model is BPE: SentencePiece-style (Llama 2, Mistral, Gemma, Phi-3:
 * byte fallback, "▁" word marker) or byte-level (Llama 3, Qwen, cl100k / Phi-4: GPT-2 byte alphabet, regex
 * pre-tokenizer). Merges may be
 * written {@code "a b"} or {@code ["a", "b"]}. Anything else is refused with an {@link InvalidTokenizerException}
 * that names the field, rather than tokenized differently from the reference.
 */
public final class HfTokenizerLoader {

    /** Ids above this are not a vocabulary but a corrupt file (the largest real vocabularies hold ~260,000). */
    private static final int MAX_TOKEN_ID = 16_000_000;

    private HfTokenizerLoader() {
    }

    /**
     * @param file   the {@code tokenizer.json}; a {@code tokenizer_config.json} beside it is read for BOS/EOS
     * @param config the model's {@code config.json}, or null; its {@code bos_token_id}/{@code eos_token_id} win
     */
    public static HfTokenizer load(Path file, JsonNode config) throws IOException {
        var json = new HfJson(file);
        JsonNode root = readTree(file);
        JsonNode model = json.object(root, "model", "");
        String type = model.has("type") ? json.text(model, "type", "model") : model.has("merges") ? "BPE" : null;
        if (!"BPE".equals(type)) {
            throw json.unsupported("model.type", model.get("type"), "BPE");
        }
        requireEmptyOrNull(model, "continuing_subword_prefix", json);
        requireEmptyOrNull(model, "end_of_word_suffix", json);
        JsonNode dropout = model.get("dropout");
        if (dropout != null && !dropout.isNull() && dropout.asDouble() != 0) {
            throw json.unsupported("model.dropout", dropout, "null (BPE dropout is for training)");
        }

        Map<String, Integer> vocab = readVocab(json.object(model, "vocab", "model"), json);
        List<AddedTokens.AddedToken> added = readAddedTokens(root.get("added_tokens"), json);
        int vocabSize = 0;
        for (int id : vocab.values()) {
            vocabSize = Math.max(vocabSize, id + 1);
        }
        for (AddedTokens.AddedToken token : added) {
            vocabSize = Math.max(vocabSize, token.id() + 1);
        }

        MergeTable merges = readMerges(json.array(model, "merges", "model"), vocab, json);
        String unk = json.optionalText(model, "unk_token", "model", null);
        Integer unkId = unk == null ? Integer.valueOf(-1) : vocab.get(unk);
        if (unkId == null) {
            throw json.error("model.unk_token", "\"" + unk + "\" is not in model.vocab");
        }
        int[] byteFallbackIds = json.optionalBoolean(model, "byte_fallback", "model", false)
                ? byteFallbackIds(vocab, json) : null;
        var bpe = new BpeModel(vocab, merges, unkId,
                json.optionalBoolean(model, "fuse_unk", "model", false), byteFallbackIds,
                json.optionalBoolean(model, "ignore_merges", "model", false));

        Normalizer normalizer = Normalizer.parse(root.get("normalizer"), "normalizer", json);
        PreTokenizer preTokenizer = PreTokenizer.parse(root.get("pre_tokenizer"), "pre_tokenizer", json);
        PieceDecoding decoding = PieceDecoding.parse(root.get("decoder"), "decoder", json);

        byte[][] bytesById = new byte[vocabSize][];
        boolean[] addedById = new boolean[vocabSize];
        vocab.forEach((piece, id) -> bytesById[id] = decoding.bytes(piece));
        for (AddedTokens.AddedToken token : added) {
            bytesById[token.id()] = decoding.addedTokenBytes(token.content());
            addedById[token.id()] = true;
        }

        var special = SpecialTokenIds.resolve(root, file, config, vocab, added, vocabSize);
        // Like Hugging Face: raw-matched tokens are cut out of the input first, normalized ones out of each
        // normalized stretch between them, matched by their normalized content.
        List<AddedTokens.AddedToken> raw = new ArrayList<>();
        List<AddedTokens.AddedToken> normalizedTokens = new ArrayList<>();
        for (AddedTokens.AddedToken token : added) {
            if (token.normalized() && normalizer != Normalizer.IDENTITY) {
                normalizedTokens.add(token.matchedAs(normalizer.apply(token.content())));
            } else {
                raw.add(token);
            }
        }
        return new HfTokenizer(file, normalizer, preTokenizer, bpe, new AddedTokens(raw),
                new AddedTokens(normalizedTokens), bytesById, addedById,
                decoding.stripLeadingSpaces(), special.bos(), special.eos(), special.addBosByDefault());
    }

    static JsonNode readTree(Path file) throws IOException {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new InvalidTokenizerException(file, "is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new InvalidTokenizerException(file, "is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void requireEmptyOrNull(JsonNode model, String field, HfJson json)
            throws InvalidTokenizerException {
        String value = json.optionalText(model, field, "model", null);
        if (value != null && !value.isEmpty()) {
            throw json.unsupported("model." + field, model.get(field), "null or \"\"");
        }
    }

    private static Map<String, Integer> readVocab(JsonNode node, HfJson json) throws InvalidTokenizerException {
        Map<String, Integer> vocab = HashMap.newHashMap(node.size());
        Map<Integer, String> pieceById = HashMap.newHashMap(node.size());
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode id = entry.getValue();
            String path = "model.vocab[\"" + entry.getKey() + "\"]";
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() > MAX_TOKEN_ID) {
                throw json.error(path, "is " + id + ", not a token id in [0, " + MAX_TOKEN_ID + "]");
            }
            String other = pieceById.putIfAbsent(id.intValue(), entry.getKey());
            if (other != null) {
                throw json.error(path, "reuses id " + id + " of \"" + other + "\"");
            }
            vocab.put(entry.getKey(), id.intValue());
        }
        if (vocab.isEmpty()) {
            throw json.error("model.vocab", "is empty");
        }
        return vocab;
    }

    private static List<AddedTokens.AddedToken> readAddedTokens(JsonNode node, HfJson json)
            throws InvalidTokenizerException {
        List<AddedTokens.AddedToken> tokens = new ArrayList<>();
        if (node == null || node.isNull()) {
            return tokens;
        }
        if (!node.isArray()) {
            throw json.error("added_tokens", "is not an array");
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "added_tokens[" + i + "]";
            JsonNode token = node.get(i);
            if (!token.isObject()) {
                throw json.error(path, "is not an object");
            }
            int id = json.integer(token, "id", path);
            if (id < 0 || id > MAX_TOKEN_ID) {
                throw json.error(path + ".id", id + " is outside [0, " + MAX_TOKEN_ID + "]");
            }
            boolean special = json.optionalBoolean(token, "special", path, false);
            // Hugging Face's files always spell "normalized"; where it is missing, its AddedToken::from default.
            tokens.add(new AddedTokens.AddedToken(id, json.text(token, "content", path), special,
                    json.optionalBoolean(token, "lstrip", path, false),
                    json.optionalBoolean(token, "rstrip", path, false),
                    json.optionalBoolean(token, "single_word", path, false),
                    json.optionalBoolean(token, "normalized", path, !special)));
        }
        return tokens;
    }

    /** Rank i of {@code merges[i]} is its cost: earlier merges apply first. */
    private static MergeTable readMerges(JsonNode merges, Map<String, Integer> vocab, HfJson json)
            throws InvalidTokenizerException {
        var table = new MergeTable(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            String path = "model.merges[" + i + "]";
            JsonNode merge = merges.get(i);
            String left;
            String right;
            if (merge.isTextual()) {
                String[] parts = merge.textValue().split(" ", -1);
                if (parts.length != 2) {
                    throw json.error(path, merge + " is not two pieces separated by one space");
                }
                left = parts[0];
                right = parts[1];
            } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
                left = merge.get(0).textValue();
                right = merge.get(1).textValue();
            } else {
                throw json.error(path, merge + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
            Integer leftId = vocab.get(left);
            Integer rightId = vocab.get(right);
            Integer mergedId = vocab.get(left + right);
            if (left.isEmpty() || right.isEmpty() || leftId == null || rightId == null || mergedId == null) {
                throw json.error(path, merge + ": \"" + (leftId == null ? left : rightId == null ? right
                        : left + right) + "\" is not in model.vocab");
            }
            table.put(leftId, rightId, i, mergedId);
        }
        return table;
    }

    /**
     * The ids of {@code <0x00>..<0xFF>}, -1 where the vocabulary lacks one: Gemma 1/2 have no {@code <0x09>}
     * (a tab is its own piece), and Hugging Face then gives a character needing a missing byte the unknown token.
     * A vocabulary with none of them is not a byte-fallback vocabulary but a broken file.
     */
    private static int[] byteFallbackIds(Map<String, Integer> vocab, HfJson json) throws InvalidTokenizerException {
        int[] ids = new int[256];
        boolean any = false;
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(ByteTokens.name(b));
            ids[b] = id == null ? -1 : id;
            any |= id != null;
        }
        if (!any) {
            throw json.error("model.byte_fallback", "is true but model.vocab lacks every byte piece "
                    + ByteTokens.name(0) + ".." + ByteTokens.name(255));
        }
        return ids;
    }
}
