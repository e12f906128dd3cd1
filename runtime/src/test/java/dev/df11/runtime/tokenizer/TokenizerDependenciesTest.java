package dev.df11.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The {@link Tokenizer} interface names none of its implementations (issue 16: the Tokenizer ↔ Llama2cTokenizer
 * import cycle). Choosing an implementation for a model folder is {@link Tokenizers#load}'s job; a reference from the
 * interface to a family's package shows up in its class file's constant pool.
 */
class TokenizerDependenciesTest {

    @Test
    void theTokenizerInterfaceNamesNoImplementationPackage() throws IOException {
        String constants;
        try (InputStream in = Tokenizer.class.getResourceAsStream("Tokenizer.class")) {
            assertNotNull(in, "Tokenizer.class on the class path");
            constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        for (String family : new String[] {"dev/df11/runtime/tokenizer/llama2c/", "dev/df11/runtime/tokenizer/hf/",
                "dev/df11/runtime/tokenizer/Tokenizers"}) {
            assertFalse(constants.contains(family), "Tokenizer refers to " + family);
        }
    }
}
