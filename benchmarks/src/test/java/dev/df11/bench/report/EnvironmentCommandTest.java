package dev.df11.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EnvironmentCommandTest {

    @Test
    void missingBackendsAndMachineFactsReachTheReport(@TempDir Path dir) {
        Path file = dir.resolve("environment.json");
        int code = new CommandLine(new EnvironmentCommand()).execute("--out", file.toString(),
                "--machine", "java=openjdk version \"25.0.3\" 2026-04-21 LTS",
                "--machine", "CPU=AMD EPYC (2 cores)",
                "--absent", "TornadoVM PTX|TORNADO_SDK not set and no --bundle",
                "--absent", "official DFloat11 CUDA kernel|no decode.cu under /opt/a|b",
                "--note", "a quick run");
        assertEquals(0, code);

        ResultSet results = ResultReader.read(List.of(file));
        assertEquals(List.of(
                new ResultSet.Absent("TornadoVM PTX", "TORNADO_SDK not set and no --bundle", "environment.json"),
                new ResultSet.Absent("official DFloat11 CUDA kernel", "no decode.cu under /opt/a|b", "environment.json")),
                results.absent());
        assertEquals(Map.of("java", "openjdk version \"25.0.3\" 2026-04-21 LTS", "CPU", "AMD EPYC (2 cores)"),
                results.environments().get("environment.json"));
        assertEquals(List.of("a quick run"), results.notes());
    }

    @Test
    void absentWithoutAReasonIsAUsageError(@TempDir Path dir) {
        Path file = dir.resolve("environment.json");
        int code = new CommandLine(new EnvironmentCommand()).execute("--out", file.toString(), "--absent", "TornadoVM");
        assertEquals(2, code);
        assertFalse(Files.exists(file));
    }
}
