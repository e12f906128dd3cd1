package dev.df11.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.model.TinyLlama;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.format.testing.TestWeights;
import dev.df11.runtime.llama2c.SyntheticCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile files of the reliability issue, one test each, through the command line: each ends with a one-line
 * error (or notice) that names the file and says what to do, exit status 1 (0 where the run may go on), no stack
 * trace, and nothing half-written or destroyed. The SIGBUS case (a shard truncated while mapped) needs a child JVM:
 * see TruncatedWhileDecompressingTest in the format module.
 */
class HostileFilesTest {

    @TempDir
    Path tmp;

    private List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertFailsCleanly(CliRun run, String command, String message) {
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("df11 " + command + ": error: "), run.toString());
        assertTrue(run.err().contains(message), "expected <" + message + "> in\n" + run);
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
        assertFalse(run.err().contains("internal error"), run.toString());
    }

    // --force destroys data

    @Test
    void forceWithASymlinkToTheInputNeverDeletesTheInput() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("proj/bf16"), 1, true);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), bf16);
        List<String> before = listing(bf16);
        CliRun run = CliRun.of("compress", "--no-progress", "--force", link, tmp.resolve("proj"));
        assertFailsCleanly(run, "compress", "the output folder must not be, contain or lie inside the input " + link);
        assertTrue(run.err().contains("choose an output folder elsewhere"), run.toString());
        assertEquals(before, listing(bf16));
        assertEquals(List.of("link", "proj"), listing(tmp));
    }

    @Test
    void forceIntoASymlinkedInputFolderIsRefused() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), bf16);
        List<String> before = listing(bf16);
        CliRun run = CliRun.of("compress", "--no-progress", "--force", bf16, alias);
        assertFailsCleanly(run, "compress", "must not be, contain or lie inside the input");
        assertEquals(before, listing(bf16));
    }

    @Test
    void importLlama2cWithForceNeverDeletesItsOwnCheckpoint() throws IOException {
        Path tok = Files.write(tmp.resolve("tok.bin"), new byte[] {8, 0, 0, 0});
        Path out = tmp.resolve("hf");
        assertEquals(0, CliRun.of("import-llama2c", "--no-progress",
                SyntheticCheckpoint.write(tmp.resolve("m.bin"), 16, 24, 2, 4, 4, 10, 8), tok, out).exitCode());
        Path bin = SyntheticCheckpoint.write(out.resolve("model.bin"), 16, 24, 2, 4, 4, 10, 8);
        CliRun run = CliRun.of("import-llama2c", "--no-progress", "--force", bin, tok, out);
        assertFailsCleanly(run, "import-llama2c", out + ": the output folder must not contain the input " + bin);
        assertTrue(Files.isRegularFile(bin));
    }

    @Test
    void forceRefusesToReplaceAFolderThatIsNotAModel() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path important = Files.createDirectories(tmp.resolve("victim/important"));
        Files.writeString(important.resolve("thesis.tex"), "years of work");
        CliRun run = CliRun.of("compress", "--no-progress", "--force", bf16, important);
        assertFailsCleanly(run, "compress", important + ": exists and is neither empty nor a model folder");
        assertTrue(run.err().contains("choose another output folder"), run.toString());
        assertEquals("years of work", Files.readString(important.resolve("thesis.tex")));
        assertEquals(List.of("important"), listing(tmp.resolve("victim")));
    }

    @Test
    void forceRefusesToReplaceAFile() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        CliRun run = CliRun.of("decompress", "--no-progress", "--force", bf16, file);
        assertEquals(1, run.exitCode(), run.toString());
        CliRun compress = CliRun.of("compress", "--no-progress", "--force", bf16, file);
        assertFailsCleanly(compress, "compress", file + ": is a file, not a folder; --force replaces only");
        assertEquals("keep me", Files.readString(file));
        assertEquals(List.of("bf16", "notes.txt"), listing(tmp));
    }

    @Test
    void forceReplacesAPreviousOutputAndAnEmptyFolder() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Files.createDirectory(tmp.resolve("out"));
        assertEquals(0, CliRun.of("compress", "--no-progress", "--force", bf16, tmp.resolve("out")).exitCode());
        CliRun again = CliRun.of("compress", "--no-progress", "--force", bf16, tmp.resolve("out"));
        assertEquals(0, again.exitCode(), again.toString());
        CliRun back = CliRun.of("decompress", "--no-progress", tmp.resolve("out"), tmp.resolve("back"));
        assertEquals(0, back.exitCode(), back.toString());
        CliRun backAgain = CliRun.of("decompress", "--no-progress", "--force", tmp.resolve("out"), tmp.resolve("back"));
        assertEquals(0, backAgain.exitCode(), backAgain.toString());
        TinyLlama.assertSameTensors(bf16, tmp.resolve("back"));
        assertEquals(List.of("back", "bf16", "out"), listing(tmp));
    }

    // local file leak

    @Test
    void symlinkedReadmeLeadingOutsideTheInputIsNotCopied() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path secret = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash");
        Files.createSymbolicLink(bf16.resolve("README.md"), secret);
        CliRun run = CliRun.of("compress", "--no-progress", bf16, tmp.resolve("out"));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("note: 'README.md' not copied: it is a symbolic link to " + secret.toRealPath()
                + ", outside the input folder"), run.toString());
        assertTrue(run.err().contains("copy it into the output yourself if the model needs it"), run.toString());
        assertFalse(Files.exists(tmp.resolve("out/README.md"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, CliRun.of("verify", "--no-progress", tmp.resolve("out"), "--against", bf16).exitCode());
    }

    // unreadable output with exit 0

    @Test
    void tensorNamedLikeAUnitArrayIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path extra = bf16.resolve("extra.safetensors");
        new SafetensorsWriter().add("foo.encoded_exponent", DType.BF16, new long[] {16},
                TestWeights.gaussian(3, 16)).write(extra);
        CliRun run = CliRun.of("compress", "--no-progress", bf16, tmp.resolve("out"));
        assertFailsCleanly(run, "compress", extra + ": tensor 'foo.encoded_exponent': its name ends in "
                + "'.encoded_exponent', which a DF11 folder reserves for the arrays of compressed units");
        assertTrue(run.err().contains("rename the tensor in the input before compressing"), run.toString());
        assertEquals(List.of("bf16"), listing(tmp));
    }

    // unclear messages

    @Test
    void outputWhoseParentIsAFileNamesThatFile() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        CliRun run = CliRun.of("compress", "--no-progress", bf16, file.resolve("out"));
        assertFailsCleanly(run, "compress", file + ": is a file, so the output folder " + file.resolve("out")
                + " cannot be created inside it");
        assertFalse(run.err().contains("config.json"), run.toString());
        assertEquals(List.of("bf16", "notes.txt"), listing(tmp));
    }

    @Test
    void inputThatIsAFileSaysSoInsteadOfNoSuchFolder() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path file = bf16.resolve("model.safetensors");
        CliRun compress = CliRun.of("compress", "--no-progress", file, tmp.resolve("out"));
        assertFailsCleanly(compress, "compress", file + ": is a file, not a model folder (give the folder that "
                + "holds config.json and the .safetensors files)");
        CliRun inspect = CliRun.of("inspect", file);
        assertFailsCleanly(inspect, "inspect", file + ": is a file, not a model folder");
        assertEquals(List.of("bf16"), listing(tmp));
    }

    @Test
    void generateServeAndChatGivenAFileAsTheModelSaySo() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path file = bf16.resolve("model.safetensors");
        String expected = file + ": is a file, not a model folder (give the folder that holds config.json and the"
                + " .safetensors files)";
        assertFailsCleanly(CliRun.of("generate", "--model", file, "--prompt-ids", "1"), "generate", expected);
        assertFailsCleanly(CliRun.of("serve", "--model", file, "--port", "0"), "serve", expected);
        assertFailsCleanly(CliRun.of("chat", "--model", file), "chat", expected);
    }

    @Test
    void generateServeAndChatGivenAMissingModelFolderSaySo() {
        Path missing = tmp.resolve("no-such-model");
        String expected = "no such file or folder: " + missing + " (no such model folder)";
        for (String command : List.of("generate", "serve", "chat")) {
            CliRun run = command.equals("generate") ? CliRun.of("generate", "--model", missing, "--prompt-ids", "1")
                    : command.equals("serve") ? CliRun.of("serve", "--model", missing, "--port", "0")
                    : CliRun.of("chat", "--model", missing);
            assertFailsCleanly(run, command, expected);
            assertFalse(run.err().contains("config.json") || run.err().contains("chat template"), run.toString());
        }
        assertFalse(Files.exists(missing));
    }

    @Test
    void importLlama2cGivenAFolderForTheCheckpointSaysSo() throws IOException {
        Path folder = Files.createDirectory(tmp.resolve("stories"));
        Path tok = Files.write(tmp.resolve("tok.bin"), new byte[] {8, 0, 0, 0});
        CliRun run = CliRun.of("import-llama2c", "--no-progress", folder, tok, tmp.resolve("out"));
        assertFailsCleanly(run, "import-llama2c", folder + ": is a folder; give the llama2.c checkpoint file "
                + "(model.bin) itself");
        assertFalse(run.err().contains("No such device"), run.toString());
        assertEquals(List.of("stories", "tok.bin"), listing(tmp));
    }

    @Test
    void importLlama2cGivenAFolderForTheTokenizerSaysSo() throws IOException {
        Path bin = SyntheticCheckpoint.write(tmp.resolve("m.bin"), 16, 24, 2, 4, 4, 10, 8);
        Path folder = Files.createDirectory(tmp.resolve("tokenizer"));
        CliRun run = CliRun.of("import-llama2c", "--no-progress", bin, folder, tmp.resolve("out"));
        assertFailsCleanly(run, "import-llama2c", folder + ": is a folder; give the llama2.c tokenizer file");
        assertEquals(List.of("m.bin", "tokenizer"), listing(tmp));
    }

    @Test
    void mappedFileFaultWithNoFileToBlameStillGetsAClearMessage() {
        String message = ErrorMessages.describe(
                new InternalError("a fault occurred in an unsafe memory access operation"));
        assertTrue(message.startsWith("a memory-mapped input file could not be read"), message);
        assertTrue(message.contains("run again once nothing else writes to the input"), message);
        assertFalse(ErrorMessages.isInternalError(
                new InternalError("a fault occurred in an unsafe memory access operation")));
        assertTrue(ErrorMessages.isInternalError(new InternalError("something else")));
    }

    // leftovers

    @Test
    void partialFolderLeftByAKilledRunIsRemovedByTheNextCompress() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path out = Files.createDirectory(tmp.resolve("models"));
        // what kill -9 leaves: the staging folder with a shard, and its lock file that no live process holds
        Path leftover = Files.createDirectory(out.resolve(".df11.partial-5eed"));
        Files.write(leftover.resolve(".model.safetensors.0123.tmp"), new byte[4096]);
        Files.writeString(out.resolve(".df11.partial-5eed.lock"), "df11 staging folder of process 1\n");
        Path olderDf11 = Files.createDirectory(out.resolve(".old.partial-abcd"));
        CliRun run = CliRun.of("compress", "--no-progress", bf16, out.resolve("df11"));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("note: removed " + leftover + ", left behind by a killed run"), run.toString());
        assertEquals(List.of(".old.partial-abcd", "df11"), listing(out));
        assertTrue(Files.isDirectory(olderDf11), "without a lock file nothing proves a partial folder abandoned");
    }
}
