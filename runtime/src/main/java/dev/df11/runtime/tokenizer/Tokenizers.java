package dev.df11.runtime.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.tokenizer.hf.HfTokenizerLoader;
import dev.df11.runtime.tokenizer.llama2c.Llama2cTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds and reads a model folder's tokenizer. Kept apart from {@link Tokenizer} so that the interface does not
 * depend on its implementations (which depend on it).
 */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * Loads the tokenizer of a model folder: {@code tokenizer.json} (Hugging Face) when present, else
     * {@code tokenizer.bin} (llama2.c).
     *
     * @param modelDir the model folder
     * @param config   the model's {@code config.json} (for {@code bos_token_id} / {@code eos_token_id}), or null
     * @throws java.nio.file.NoSuchFileException when neither file exists (the message names both)
     * @throws InvalidTokenizerException         when the file is malformed or uses an unsupported feature
     */
    public static Tokenizer load(Path modelDir, JsonNode config) throws IOException {
        Path json = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            return HfTokenizerLoader.load(json, config);
        }
        Path bin = modelDir.resolve("tokenizer.bin");
        if (Files.isRegularFile(bin)) {
            return Llama2cTokenizer.read(bin, config);
        }
        String hint = Files.exists(modelDir.resolve("tokenizer.model"))
                ? " (tokenizer.model, a SentencePiece protobuf, is not supported: convert it to tokenizer.json)"
                : "";
        throw new java.nio.file.NoSuchFileException(modelDir.toString(), null,
                "no tokenizer: neither tokenizer.json (Hugging Face) nor tokenizer.bin (llama2.c) is in this folder"
                        + hint);
    }
}
