package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and copying the non-tensor files of a model folder, hostile ones included. */
class ModelFolderTest {

    @TempDir
    Path tmp;

    private Path in;
    private Path out;

    private void folders() throws IOException {
        in = Files.createDirectory(tmp.resolve("in"));
        out = Files.createDirectory(tmp.resolve("out"));
    }

    @Test
    void copiesRegularFilesButNotConfigWeightsHiddenFilesOrSubfolders() throws IOException {
        folders();
        Files.writeString(in.resolve("tokenizer.json"), "{}");
        Files.writeString(in.resolve("config.json"), "{}");
        Files.writeString(in.resolve("model.safetensors"), "");
        Files.writeString(in.resolve(".hidden"), "");
        Files.createDirectory(in.resolve("original"));
        assertEquals(List.of("subfolder 'original' not copied"), ModelFolder.copyOtherFiles(in, out));
        try (var s = Files.list(out)) {
            assertEquals(List.of("tokenizer.json"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void symlinkedExtraFileLeadingOutsideTheInputIsNotFollowed() throws IOException {
        folders();
        Path secret = Files.writeString(tmp.resolve("passwd"), "root:x:0:0");
        Files.createSymbolicLink(in.resolve("README.md"), secret);
        List<String> notices = ModelFolder.copyOtherFiles(in, out);
        assertEquals(1, notices.size());
        assertTrue(notices.getFirst().startsWith("'README.md' not copied: it is a symbolic link to "
                + secret.toRealPath() + ", outside the input folder"), notices.getFirst());
        assertFalse(Files.exists(out.resolve("README.md"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void symlinkedExtraFileWithARelativeTargetClimbingOutOfTheInputIsNotFollowed() throws IOException {
        folders();
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(in.resolve("notes.txt"), Path.of("../secret.txt"));
        assertEquals(1, ModelFolder.copyOtherFiles(in, out).size());
        assertFalse(Files.exists(out.resolve("notes.txt"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void symlinkedExtraFileInsideTheInputIsCopiedAsAFile() throws IOException {
        folders();
        Files.createDirectory(in.resolve("docs"));
        Files.writeString(in.resolve("docs/README.md"), "# model");
        Files.createSymbolicLink(in.resolve("README.md"), Path.of("docs/README.md"));
        assertEquals(List.of("subfolder 'docs' not copied"), ModelFolder.copyOtherFiles(in, out));
        assertFalse(Files.isSymbolicLink(out.resolve("README.md")));
        assertEquals("# model", Files.readString(out.resolve("README.md")));
    }

    @Test
    void brokenSymlinkAmongExtraFilesIsNoticed() throws IOException {
        folders();
        Files.createSymbolicLink(in.resolve("tokenizer.json"), Path.of("missing.json"));
        List<String> notices = ModelFolder.copyOtherFiles(in, out);
        assertEquals(List.of("'tokenizer.json' not copied: it is a symbolic link to missing.json, which does not "
                + "exist"), notices);
    }

    @Test
    void inputThatIsAFileSaysSo() throws IOException {
        Path file = Files.writeString(tmp.resolve("model.safetensors"), "");
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> ModelFolder.readConfig(file));
        assertEquals(file + ": is a file, not a model folder (give the folder that holds config.json and the "
                + ".safetensors files)", e.getMessage());
    }

    @Test
    void diskFullWhileWritingConfigNamesTheFile() throws IOException {
        Path devFull = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(devFull), "needs Linux's /dev/full");
        folders();
        Files.createSymbolicLink(out.resolve(ModelFolder.CONFIG), devFull);
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> ModelFolder.writeConfig(JsonNodeFactory.instance.objectNode(), out));
        assertEquals(out.resolve(ModelFolder.CONFIG).toString(), e.getFile());
        assertTrue(e.getReason().contains("No space left on device (free some space, or write the output to "
                + "another disk)"), e.getReason());
    }
}
