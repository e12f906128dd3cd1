package dev.df11.format.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class of the test class path in a separate JVM: for what the test JVM must not do itself (a case that
 * would crash it if the code under test regressed, a process that dies without cleaning up, a lock held by another
 * process).
 */
public final class ChildJvm {

    /** A running child; stdin stays open until {@link #finish} or {@link #kill}. */
    public static final class Running {
        private final Process process;

        Running(Process process) {
            this.process = process;
        }

        /** Reads the child's next line of output other than the JVM's warnings (blocks until it prints one). */
        public String readLine() throws IOException {
            InputStream in = process.getInputStream();
            while (true) {
                StringBuilder line = new StringBuilder();
                int c = in.read();
                for (; c >= 0 && c != '\n'; c = in.read()) {
                    line.append((char) c);
                }
                if (c < 0 || !line.toString().startsWith("WARNING:")) {
                    return line.toString();
                }
            }
        }

        /** Closes the child's stdin and waits for it to exit. */
        public Result finish() throws IOException, InterruptedException {
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), out);
        }

        public void kill() {
            process.destroyForcibly();
        }
    }

    /** Exit status and everything the child printed (stdout and stderr merged). */
    public record Result(int exitCode, String output) { }

    private ChildJvm() { }

    /**
     * Starts {@code main} with {@code args}, the test JVM's class path and df11's JVM options, in {@code workDir}
     * (where a crashing JVM would leave its hs_err file).
     */
    public static Running start(Path workDir, List<String> jvmOptions, Class<?> main, Object... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:-CreateCoredumpOnCrash"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        for (Object a : args) {
            command.add(String.valueOf(a));
        }
        return new Running(new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start());
    }

    /** Runs {@code main} to the end. */
    public static Result run(Path workDir, List<String> jvmOptions, Class<?> main, Object... args)
            throws IOException, InterruptedException {
        return start(workDir, jvmOptions, main, args).finish();
    }
}
