package dev.df11.cli;

import dev.df11.format.model.Df11Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --pattern}: explicit units as a JSON pattern_dict, given inline or as a file. */
final class PatternOption {

    @Option(names = "--pattern", paramLabel = "JSON|FILE",
            description = "Units as a JSON pattern_dict {\"regex\": [\"attr\", ...]} (inline, or a file holding it). "
                    + "Default: detect Llama-family units.")
    String pattern;

    /** The pattern_dict, or null when none was given. */
    Map<String, List<String>> value() throws IOException {
        if (pattern == null) {
            return null;
        }
        String text = pattern.strip();
        Path source = Path.of("--pattern");
        if (!text.startsWith("{")) {
            source = Path.of(text);
            text = Files.readString(source);
        }
        return Df11Config.parsePatternDict(text, source);
    }
}
