package dev.df11.cli;

import dev.df11.format.safetensors.MappedFiles;
import java.io.Console;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of the df11 subcommands: common options, output streams, progress bars, and one place that turns a failure
 * into a user-level message and exit code 1 (with the stack trace only under {@code --verbose}).
 */
public abstract class Df11Command implements Callable<Integer> {

    /** Exit code of a failed command. */
    public static final int FAILURE = 1;

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    /** Does the work; returns the exit code. Exceptions become a one-line error message and exit code 1. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            // a mapped input truncated by another program fails with an error naming the file, not a JVM fault
            return MappedFiles.guard(this::run);
        } catch (Exception | OutOfMemoryError | StackOverflowError | InternalError e) {
            err().println(spec.qualifiedName() + ": error: " + ErrorMessages.describe(e));
            if (verbose) {
                e.printStackTrace(err());
            } else if (ErrorMessages.isInternalError(e)) {
                err().println("(an internal error; run again with --verbose for details)");
            }
            err().flush();
            return FAILURE;
        }
    }

    /** Standard output of the command line (tests can capture it). */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error of the command line. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * A progress bar on stderr over {@code max} steps; silent under {@code --no-progress} or when stderr is not a
     * terminal (a redrawn bar only fills logs with carriage returns; the summary line says what was done).
     */
    protected Progress progress(String task, long max) {
        return noProgress || !onTerminal() ? Progress.silent() : Progress.console(task, max);
    }

    private static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}
