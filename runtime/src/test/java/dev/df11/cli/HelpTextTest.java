package dev.df11.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command's help renders cleanly: picocli formats each description line (for {@code %n}), and a bare {@code %}
 * (as in "75% of BF16") makes it print a warning on standard error and show the line unformatted.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutPicocliWarnings() {
        List<String> commands = new ArrayList<>();
        String warnings = warningsWhile(() -> render(Df11Cli.newCommandLine(), commands));
        assertTrue(commands.size() > 5, "the subcommands were rendered: " + commands);
        assertEquals("", warnings, "write %% for a percent sign in a description");
    }

    @Test
    void aBarePercentIsCaught() {
        String warnings = warningsWhile(() -> new CommandLine(new BarePercent()).getUsageMessage());
        assertFalse(warnings.isEmpty(), "the check sees picocli's warning");
    }

    @Command(name = "bare")
    static final class BarePercent {
        @Option(names = "--x", description = "about 75% of BF16, 68%, no more")
        int x;
    }

    private static void render(CommandLine command, List<String> names) {
        command.getUsageMessage();
        names.add(command.getCommandName());
        for (CommandLine sub : command.getSubcommands().values()) {
            render(sub, names);
        }
    }

    /** What picocli's tracer printed on standard error while {@code action} ran, its warnings only. */
    private static String warningsWhile(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        StringBuilder warnings = new StringBuilder();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("[picocli WARN]")) {
                warnings.append(line).append('\n');
            }
        }
        return warnings.toString();
    }
}
