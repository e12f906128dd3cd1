package dev.df11.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.model.FolderDamage;
import dev.df11.format.model.TinyLlama;
import dev.df11.runtime.testmodels.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The silently wrong results through the command line: {@code verify} without {@code --against} checks the
 * recorded checksums, {@code decompress} refuses (leaving nothing), {@code generate --check} refuses; each names the
 * tensor and the file, exits 1 and prints no stack trace. A folder without checksums is never reported as verified.
 */
class IntegrityCommandsTest {

    private static final String K = "model.layers.0.self_attn.k_proj.weight";
    private static final String Q = "model.layers.0.self_attn.q_proj.weight";

    @TempDir
    Path tmp;

    private Path df11;

    @BeforeEach
    void compress() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, false);
        df11 = tmp.resolve("df11");
        CliRun run = CliRun.of("compress", "--no-progress", "-t", "1", bf16, df11);
        assertEquals(0, run.exitCode(), run.toString());
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** verify exits 1 with a MISMATCH line for {@code tensor} containing {@code fragment}. */
    private static void assertVerifyFails(Path dir, String tensor, String fragment) {
        CliRun run = CliRun.of("verify", "--no-progress", dir);
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("MISMATCH " + tensor + ": in "
                + dir.resolve("model.safetensors")) && l.contains(fragment)), run.toString());
        assertTrue(run.out().contains("FAILED:"), run.toString());
        assertFalse(run.out().contains("OK"), run.toString());
    }

    /** decompress exits 1 naming the tensor and leaves no output folder. */
    private void assertDecompressRefuses(String tensor) throws IOException {
        List<String> before = listing();
        CliRun run = CliRun.of("decompress", "--no-progress", df11, tmp.resolve("back"));
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("df11 decompress: error: " + df11 + ": tensor '" + tensor + "' in "),
                run.toString());
        assertTrue(run.err().contains("nothing was written"), run.toString());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
        assertEquals(before, listing(), "nothing half-written");
    }

    @Test
    void verifyWithoutAReferenceChecksTheRecordedChecksums() {
        CliRun run = CliRun.of("verify", "--no-progress", df11);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("by its recorded checksums: 3 units decoded, 12 tensors"), run.toString());
        assertTrue(run.out().contains("OK: every tensor matches its recorded checksum"), run.toString());
        String help = CliRun.of("verify", "--help").out();
        assertTrue(help.contains("Exit status:") && help.matches("(?s).*\\b3\\s+the folder records no checksums.*"),
                help);
    }

    @Test
    void flippedSignMantissaByteFailsVerifyAndDecompress() throws IOException {
        FolderDamage.flipSignMantissaBit(df11, "model.layers.0", 5000);   // an element of k_proj
        assertVerifyFails(df11, K, "checksum mismatch");
        assertDecompressRefuses(K);
    }

    @Test
    void swappedSameLengthLutSymbolsFailVerifyAndDecompress() throws IOException {
        FolderDamage.swapSameLengthLutSymbols(df11, "model.layers.0");
        assertVerifyFails(df11, Q, "checksum mismatch");
        assertDecompressRefuses(Q);
    }

    @Test
    void patternDictOrderChangedFailsVerifyAndDecompress() throws IOException {
        FolderDamage.swapLayerAttributes(df11, 1, 2);    // k_proj and v_proj: same shape
        assertVerifyFails(df11, K, "checksum mismatch");
        assertDecompressRefuses("model.layers.0.self_attn.v_proj.weight");
    }

    @Test
    void recordedShapeChangedFailsVerifyAndDecompress() throws IOException {
        FolderDamage.changeRecordedShape(df11, Q, "[64,64]", "[16,256]");
        assertVerifyFails(df11, Q, "the folder gives it BF16[16, 256], but its checksum record says BF16[64, 64]");
        assertDecompressRefuses(Q);
    }

    @Test
    void changedChecksumRecordFailsVerify() throws IOException {
        String recorded = FolderDamage.changeRecordedChecksum(df11, "model.norm.weight");
        assertVerifyFails(df11, "model.norm.weight", "stored bytes have CRC-32C " + recorded);
    }

    @Test
    void malformedChecksumRecordIsAOneLineError() throws IOException {
        FolderDamage.changeChecksumRecord(df11, r -> r.substring(0, r.length() / 2));
        for (String command : List.of("verify", "decompress")) {
            CliRun run = command.equals("verify") ? CliRun.of("verify", "--no-progress", df11)
                    : CliRun.of("decompress", "--no-progress", df11, tmp.resolve("back"));
            assertEquals(1, run.exitCode(), run.toString());
            assertTrue(run.err().startsWith("df11 " + command + ": error: " + df11.resolve("model.safetensors")
                    + ": the checksum record (df11.checksums) is not valid JSON"), run.toString());
            assertFalse(run.err().contains("\tat "), run.toString());
        }
        assertFalse(Files.exists(tmp.resolve("back")));
    }

    @Test
    void folderWithoutChecksumsIsNotReportedVerified() throws IOException {
        FolderDamage.changeChecksumRecord(df11, r -> null);
        CliRun verify = CliRun.of("verify", "--no-progress", df11);
        assertEquals(3, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains("NOT VERIFIED: every unit decoded without a format error, but " + df11
                + " records no checksums"), verify.toString());
        assertTrue(verify.out().contains("read " + df11 + ": 3 units decoded, 12 tensors"), verify.toString());
        assertTrue(verify.out().contains("verify --against"), verify.toString());
        assertFalse(verify.out().contains("OK"), verify.toString());
        assertEquals(0, CliRun.of("verify", "--no-progress", df11, "--against", tmp.resolve("bf16")).exitCode(),
                "--against still proves it");

        CliRun decompress = CliRun.of("decompress", "--no-progress", df11, tmp.resolve("back"));
        assertEquals(0, decompress.exitCode(), decompress.toString());
        assertTrue(decompress.err().contains("note: " + df11 + " records no checksums"), decompress.toString());
        assertTrue(decompress.out().contains("checked: no (the folder records no checksums)"), decompress.toString());
    }

    @Test
    void decompressChecksByDefaultAndNoCheckTurnsItOff() throws IOException {
        CliRun checked = CliRun.of("decompress", "--no-progress", df11, tmp.resolve("a"));
        assertEquals(0, checked.exitCode(), checked.toString());
        assertTrue(checked.out().contains("checked: every tensor matches its recorded checksum"), checked.toString());
        CliRun explicit = CliRun.of("decompress", "--no-progress", "--check", df11, tmp.resolve("b"));
        assertTrue(explicit.out().contains("checked: every tensor matches"), explicit.toString());

        FolderDamage.flipSignMantissaBit(df11, "model.layers.0", 5000);
        CliRun unchecked = CliRun.of("decompress", "--no-progress", "--no-check", df11, tmp.resolve("c"));
        assertEquals(0, unchecked.exitCode(), unchecked.toString());
        assertTrue(unchecked.out().contains("checked: no (--no-check)"), unchecked.toString());
    }

    @Test
    void generateCheckRefusesADamagedModel() throws IOException {
        Path model = TestModels.compress(TestModels.stories15M());
        CliRun clean = CliRun.of("generate", "--model", model, "--check", "--prompt-ids", "1", "--max-tokens", "2",
                "--threads", "2");
        assertEquals(0, clean.exitCode(), clean.toString());
        assertTrue(clean.err().contains("checked:    ") && clean.err().contains("tensors against their recorded"
                + " checksums"), clean.toString());

        FolderDamage.flipSignMantissaBit(model, "model.layers.3", 123);
        CliRun damaged = CliRun.of("generate", "--model", model, "--check", "--prompt-ids", "1", "--max-tokens", "2",
                "--threads", "2");
        assertEquals(1, damaged.exitCode(), damaged.toString());
        assertTrue(damaged.err().startsWith("df11 generate: error: " + model + ": 1 tensor(s) fail the check, first "
                + "model.layers.3.self_attn.q_proj.weight: in "), damaged.toString());
        assertEquals("", damaged.out(), "nothing generated");
        // without --check the damage goes unnoticed: the reason the check exists
        assertEquals(0, CliRun.of("generate", "--model", model, "--prompt-ids", "1", "--max-tokens", "2",
                "--threads", "2").exitCode());

        CliRun bf16 = CliRun.of("generate", "--model", TestModels.stories15M(), "--check", "--prompt-ids", "1",
                "--max-tokens", "1", "--threads", "2");
        assertEquals(0, bf16.exitCode(), bf16.toString());
        assertTrue(bf16.err().contains("note: --check: " + TestModels.stories15M() + " is a BF16 folder"),
                bf16.toString());
    }
}
