package dev.df11.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.model.Df11Model;
import dev.df11.format.model.TinyLlama;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressCommandTest {

    @TempDir
    Path tmp;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void explicitPatternInlineOrFromAFile() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 2, true);
        String pattern = "{\"model\\\\.layers\\\\.\\\\d+\\\\.self_attn\": [\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\"]}";
        CliRun inline = CliRun.of("compress", "--no-progress", "--pattern", pattern, bf16, tmp.resolve("a"));
        assertEquals(0, inline.exitCode(), inline.toString());
        assertTrue(inline.out().contains("units:   2 encoded"), inline.toString());
        Path file = Files.writeString(tmp.resolve("pattern.json"), pattern);
        CliRun fromFile = CliRun.of("compress", "--no-progress", "--pattern", file, "-t", "1", bf16, tmp.resolve("b"));
        assertEquals(0, fromFile.exitCode(), fromFile.toString());
        try (Df11Model model = Df11Model.open(tmp.resolve("b"))) {
            assertEquals(List.of("model.layers.0.self_attn", "model.layers.1.self_attn"), model.unitNames());
        }
        assertEquals(-1, Files.mismatch(tmp.resolve("a/model.safetensors"), tmp.resolve("b/model.safetensors")));
        assertEquals(0, CliRun.of("verify", "--no-progress", tmp.resolve("b"), "--against", bf16).exitCode());
    }

    @Test
    void keptUnitsAreNoticedAndStillRoundTrip() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, false);
        TinyLlama.setWord(bf16, "model.embed_tokens.weight", 0, (short) 0x7FC0);   // NaN
        CliRun run = CliRun.of("compress", "--no-progress", bf16, tmp.resolve("df11"));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("note: unit 'model.embed_tokens' kept as BF16"), run.toString());
        assertTrue(run.out().contains("2 encoded, 1 kept as BF16 (model.embed_tokens)"), run.toString());
        assertEquals(0, CliRun.of("verify", "--no-progress", tmp.resolve("df11"), "--against", bf16).exitCode());
        assertEquals(0, CliRun.of("decompress", "--no-progress", tmp.resolve("df11"), tmp.resolve("back")).exitCode());
        TinyLlama.assertSameTensors(bf16, tmp.resolve("back"));
    }

    @Test
    void failuresAreOneLineAndLeaveNoFolder() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, false);
        CliRun badPattern = CliRun.of("compress", "--pattern", "{\"x\": ", bf16, tmp.resolve("out"));
        assertEquals(1, badPattern.exitCode());
        assertTrue(badPattern.err().startsWith("df11 compress: error: --pattern: pattern is not valid JSON"),
                badPattern.toString());
        CliRun noMatch = CliRun.of("compress", "--pattern", "{\"nothing\": []}", bf16, tmp.resolve("out"));
        assertTrue(noMatch.err().contains("matches no unit"), noMatch.toString());
        CliRun missing = CliRun.of("compress", tmp.resolve("nope"), tmp.resolve("out"));
        assertTrue(missing.err().contains("no such file or folder"), missing.toString());
        CliRun badThreads = CliRun.of("compress", "--threads", "0", bf16, tmp.resolve("out"));
        assertEquals(1, badThreads.exitCode());
        assertEquals(List.of("bf16"), listing());

        assertEquals(0, CliRun.of("compress", "--no-progress", bf16, tmp.resolve("out")).exitCode());
        CliRun exists = CliRun.of("compress", "--no-progress", bf16, tmp.resolve("out"));
        assertEquals(1, exists.exitCode());
        assertTrue(exists.err().contains("already exists (use --force to replace it)"), exists.toString());
        assertEquals(0, CliRun.of("compress", "--no-progress", "--force", bf16, tmp.resolve("out")).exitCode());
        assertEquals(List.of("bf16", "out"), listing());
        for (CliRun r : List.of(badPattern, noMatch, missing, exists)) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        }
    }

    @Test
    void corruptDf11FolderIsReportedByFileAndUnit() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, false);
        assertEquals(0, CliRun.of("compress", "--no-progress", bf16, tmp.resolve("df11")).exitCode());
        Path file = tmp.resolve("df11/model.safetensors");
        long gapsOffset;
        try (var st = dev.df11.format.safetensors.SafetensorsFile.open(file)) {
            gapsOffset = st.tensor("model.layers.0.output_positions").dataOffset();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) gapsOffset + 4] = (byte) 0xFF;   // the second position jumps past the unit
        bytes[(int) gapsOffset + 5] = (byte) 0xFF;
        Files.write(file, bytes);
        CliRun run = CliRun.of("decompress", "--no-progress", tmp.resolve("df11"), tmp.resolve("back"));
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("model.layers.0") && run.err().contains("model.safetensors"), run.toString());
        assertFalse(run.err().contains("\tat "), run.toString());
        assertFalse(Files.exists(tmp.resolve("back")));
        CliRun verify = CliRun.of("verify", "--no-progress", tmp.resolve("df11"), "--against", bf16);
        assertEquals(1, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains("MISMATCH model.layers.0.self_attn.q_proj.weight: cannot be decoded"),
                verify.toString());
    }
}
