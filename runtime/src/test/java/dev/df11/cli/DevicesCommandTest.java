package dev.df11.cli;

import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code df11 devices} and {@code generate --device}: the listing, and messages (not stack traces) for backends or
 * devices that are not there.
 */
class DevicesCommandTest {

    @Test
    void listsTheCpuBackend() {
        CliRun run = CliRun.of("devices");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("cpu: one device"), run.toString());
    }

    @Test
    void unknownBackendOrDeviceIsAMessage() throws Exception {
        CliRun unknown = CliRun.of("devices", "--backend", "quantum");
        assertEquals(1, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("no backend 'quantum'; available: cpu"), unknown.toString());

        CliRun device = CliRun.of("generate", "--model", TestModels.stories15M(), "--backend", "cpu", "--device", "1",
                "--max-tokens", "1");
        assertEquals(1, device.exitCode(), device.toString());
        assertTrue(device.err().contains("has no devices to choose from"), device.toString());
        assertTrue(!device.err().contains("\tat "), "no stack trace: " + device);
    }

    @Test
    void decodeModeOnTheCpuBackendIsAMessage() throws Exception {
        CliRun run = CliRun.of("generate", "--model", TestModels.stories15M(), "--decode-mode", "fused",
                "--max-tokens", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--decode-mode applies to --backend tornado"), run.toString());
        assertTrue(!run.out().contains("Once"), "refused before the prompt is echoed: " + run);
    }

    @Test
    void devicesOnTheCpuBackendIsAMessage() throws Exception {
        CliRun run = CliRun.of("generate", "--model", TestModels.stories15M(), "--devices", "0:0,0:1",
                "--max-tokens", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--devices runs a pipeline over TornadoVM devices: add --backend tornado"),
                run.toString());
        assertTrue(!run.out().contains("Once"), "refused before the prompt is echoed: " + run);
    }

    @Test
    void deviceAndDevicesTogetherIsAMessage() throws Exception {
        CliRun run = CliRun.of("generate", "--model", TestModels.stories15M(), "--backend", "tornado", "--device",
                "0:0", "--devices", "0:0,0:1", "--max-tokens", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--device and --devices both given"), run.toString());
    }

    @Test
    void devicesNamingOneDeviceIsAMessage() throws Exception {
        CliRun run = CliRun.of("generate", "--model", TestModels.stories15M(), "--backend", "tornado", "--devices",
                "0:0", "--max-tokens", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("names one device; give two or more"), run.toString());
    }

    @Test
    void devicesNamingOneDeviceSuggestsAuto() throws Exception {
        CliRun run = CliRun.of("generate", "--model", TestModels.stories15M(), "--backend", "tornado", "--devices",
                "1:0", "--max-tokens", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--devices auto to let the backend choose"), run.toString());
    }

    @Test
    void devicesAutoOnTheCpuBackendIsAMessage() throws Exception {
        CliRun run = CliRun.of("generate", "--model", TestModels.stories15M(), "--devices", "auto",
                "--max-tokens", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--devices runs a pipeline over TornadoVM devices: add --backend tornado"),
                run.toString());
    }

    @Test
    void emptyDevicesIsAMessage() throws Exception {
        CliRun run = CliRun.of("generate", "--model", TestModels.stories15M(), "--backend", "tornado", "--devices",
                " ", "--max-tokens", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--devices is empty"), run.toString());
    }

    /** chat and serve take --devices through the same option class as generate, with the same checks. */
    @Test
    void chatDevicesOnTheCpuBackendIsAMessage() throws Exception {
        CliRun run = CliRun.of("chat", "--model", TestModels.stories15M(), "--devices", "0:0,0:1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--devices runs a pipeline over TornadoVM devices: add --backend tornado"),
                run.toString());
    }

    @Test
    void chatDeviceAndDevicesTogetherIsAMessage() throws Exception {
        CliRun run = CliRun.of("chat", "--model", TestModels.stories15M(), "--backend", "tornado", "--device", "0:0",
                "--devices", "auto");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--device and --devices both given"), run.toString());
    }

    @Test
    void serveDevicesOnTheCpuBackendIsAMessage() throws Exception {
        CliRun run = CliRun.of("serve", "--model", TestModels.stories15M(), "--port", "0", "--devices", "0:0,0:1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--devices runs a pipeline over TornadoVM devices: add --backend tornado"),
                run.toString());
    }

    @Test
    void serveDevicesNamingOneDeviceIsAMessage() throws Exception {
        CliRun run = CliRun.of("serve", "--model", TestModels.stories15M(), "--port", "0", "--backend", "tornado",
                "--devices", "0:0");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("names one device; give two or more"), run.toString());
    }

    @Test
    void generateChatAndServeDescribeDevicesInTheirHelp() {
        for (String command : new String[] {"generate", "chat", "serve"}) {
            CliRun run = CliRun.of(command, "--help");
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().contains("--devices=auto|B:D,B:D,..."), command + ": " + run);
            assertTrue(run.out().contains("--device=<id>"), command + ": " + run);
        }
    }
}
