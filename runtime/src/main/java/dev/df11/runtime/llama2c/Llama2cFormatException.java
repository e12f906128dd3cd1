package dev.df11.runtime.llama2c;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a well-formed llama2.c checkpoint or tokenizer; the message names the file. */
public class Llama2cFormatException extends IOException {

    public Llama2cFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
