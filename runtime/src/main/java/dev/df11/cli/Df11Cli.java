package dev.df11.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code df11} command line. Each subcommand lives in its own class in this package;
 * register new ones in {@link Command#subcommands()} below.
 */
@Command(
        name = "df11",
        mixinStandardHelpOptions = true,
        version = "df11 0.1.0",
        description = "Lossless DFloat11 compression of BF16 LLM weights, and a Java runtime that runs them.",
        subcommands = {
                CommandLine.HelpCommand.class,
                CompressCommand.class,
                DecompressCommand.class,
                VerifyCommand.class,
                InspectCommand.class,
                ImportLlama2cCommand.class,
                GenerateCommand.class,
                ServeCommand.class,
                ChatCommand.class,
                DevicesCommand.class,
                SyntheticCommand.class,
        })
public final class Df11Cli {

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new Df11Cli());
    }
}
