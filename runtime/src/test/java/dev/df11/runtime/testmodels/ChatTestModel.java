package dev.df11.runtime.testmodels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A random-weight Llama folder ({@link RandomModelWriter}, 97 tokens, context 256) made chat-capable: a
 * character-level {@code tokenizer.json} whose special tokens are {@code <s>} (1), {@code </s>} (2),
 * {@code <|system|>} (3), {@code <|user|>} (4), {@code <|assistant|>} (5) and {@code <|end|>} (6), a Phi-3-style
 * chat template in {@code tokenizer_config.json}, and a {@code generation_config.json} that ends generation at
 * {@code </s>} and {@code <|end|>}.
 */
public final class ChatTestModel {

    public static final String TEMPLATE = "{{ bos_token }}{% for message in messages %}"
            + "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";
    public static final int END = 6;
    private static final String[] SPECIAL = {"<unk>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"};
    private static final String CHARS = " \nabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'-:;()\"/#$%&*+=@[]_`~\t";

    private ChatTestModel() {
    }

    /** Writes the folder; {@code withTemplate} false leaves the chat template out. */
    public static Path write(Path dir, long seed, boolean withTemplate) throws IOException {
        RandomModelWriter.write(dir, RandomModelWriter.Flavor.LLAMA3_UNTIED, seed);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = json.createObjectNode();
        for (int id = 0; id < SPECIAL.length; id++) {
            added.addObject().put("id", id).put("content", SPECIAL[id]).put("special", true);
            vocab.put(SPECIAL[id], id);
        }
        int id = SPECIAL.length;
        for (char c : CHARS.toCharArray()) {
            if (id >= RandomModelWriter.VOCAB) {
                break;
            }
            vocab.put(String.valueOf(c), id++);
        }
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").put("unk_token", "<unk>").put("fuse_unk", true).put("byte_fallback", false);
        model.set("vocab", vocab);
        model.putArray("merges");
        Files.writeString(dir.resolve("tokenizer.json"), root.toString());
        ObjectNode config = json.createObjectNode();
        config.put("bos_token", "<s>").put("eos_token", "</s>").put("unk_token", "<unk>");
        if (withTemplate) {
            config.put("chat_template", TEMPLATE);
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), config.toString());
        Files.writeString(dir.resolve("generation_config.json"),
                "{\"bos_token_id\": 1, \"eos_token_id\": [2, " + END + "], \"do_sample\": false}");
        return dir;
    }
}
