package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The semantic corruptions that decode without a format error (issue 11: "silently wrong results"), each caught by
 * the checksums compress records, reported by tensor and file, and refused by decompress without leaving output.
 */
class Df11IntegrityTest {

    private static final String Q = "model.layers.0.self_attn.q_proj.weight";
    private static final String K = "model.layers.0.self_attn.k_proj.weight";
    private static final String V = "model.layers.0.self_attn.v_proj.weight";

    @TempDir
    Path tmp;

    private Path df11;

    @BeforeEach
    void compress() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 2, false);
        df11 = tmp.resolve("df11");
        Df11Compressor.compress(bf16, df11, CompressOptions.defaults().withThreads(2), ProgressListener.NONE);
    }

    private ChecksumVerifier.Report verify(Path dir) throws IOException {
        try (Df11Model model = Df11Model.open(dir)) {
            return ChecksumVerifier.verify(model, 2, ProgressListener.NONE);
        }
    }

    private static List<String> problems(ChecksumVerifier.Report report) {
        return report.mismatches().stream().map(Object::toString).toList();
    }

    /** Decompress refuses with a message naming the tensor and leaves only what was there before. */
    private void assertDecompressRefuses(String tensor, String fragment) throws IOException {
        List<String> before = listing();
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> Df11Decompressor.decompress(df11,
                tmp.resolve("back"), 2, false, 1L << 30, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("tensor '" + tensor + "'") && e.getMessage().contains(fragment)
                && e.getMessage().contains("nothing was written"), e.getMessage());
        assertEquals(before, listing(), "no output and no staging folder left");
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void cleanFolderVerifiesByItselfAndRecordsVersionedChecksums() throws IOException {
        ChecksumVerifier.Report report = verify(df11);
        assertTrue(report.verified(), problems(report).toString());
        assertEquals(4, report.units());
        assertEquals(2 * 9 + 3, report.tensorsChecked(), "every matrix and every plain tensor");
        try (SafetensorsFile f = SafetensorsFile.open(df11.resolve("model.safetensors"))) {
            String record = f.metadata().get(TensorChecksums.METADATA_KEY);
            assertTrue(record.startsWith("{\"version\":1,\"algorithm\":\"crc32c\",\"tensors\":{"), record);
            assertTrue(record.contains("\"" + Q + "\":{\"dtype\":\"BF16\",\"shape\":[64,64],\"crc32c\":\""), record);
        }
        Df11Decompressor.Report back = Df11Decompressor.decompress(df11, tmp.resolve("back"), 2, false, 1L << 30,
                ProgressListener.NONE);
        assertEquals(Df11Decompressor.Integrity.VERIFIED, back.integrity());
        TinyLlama.assertSameTensors(tmp.resolve("bf16"), tmp.resolve("back"));
    }

    @Test
    void checksumsCoverEveryShardOfAShardedFolder() throws IOException {
        Path sharded = tmp.resolve("sharded");
        Df11Compressor.compress(tmp.resolve("bf16"), sharded,
                CompressOptions.defaults().withThreads(1).withMaxShardBytes(20_000), ProgressListener.NONE);
        try (SafetensorsDirectory dir = SafetensorsDirectory.open(sharded)) {
            assertTrue(dir.files().size() > 3, "several shards");
        }
        ChecksumVerifier.Report report = verify(sharded);
        assertTrue(report.verified(), problems(report).toString());
        assertEquals(2 * 9 + 3, report.tensorsChecked());
    }

    @Test
    void flippedSignMantissaByteIsCaught() throws IOException {
        // element 5000 of layer 0 lies in k_proj (q_proj holds elements 0..4095)
        FolderDamage.flipSignMantissaBit(df11, "model.layers.0", 5000);
        ChecksumVerifier.Report report = verify(df11);
        assertFalse(report.verified());
        assertEquals(1, report.mismatches().size(), problems(report).toString());
        String problem = problems(report).getFirst();
        assertTrue(problem.startsWith(K + ": in " + df11.resolve("model.safetensors") + ": checksum mismatch"),
                problem);
        assertDecompressRefuses(K, "checksum mismatch");
    }

    @Test
    void swappedSameLengthLutSymbolsAreCaughtByChecksums() throws IOException {
        FolderDamage.swapSameLengthLutSymbols(df11, "model.layers.0");
        ChecksumVerifier.Report report = verify(df11);
        assertFalse(report.verified());
        assertEquals(7, report.mismatches().size(), "every matrix of the unit decodes differently: "
                + problems(report));
        assertTrue(problems(report).stream().allMatch(p -> p.startsWith("model.layers.0.")
                && p.contains("checksum mismatch")), problems(report).toString());
        assertDecompressRefuses(Q, "checksum mismatch");
    }

    @Test
    void patternDictOrderChangedIsCaught() throws IOException {
        // k_proj and v_proj have the same shape, so the folder still opens and decodes: only the checksums notice
        FolderDamage.swapLayerAttributes(df11, 1, 2);
        try (Df11Model model = Df11Model.open(df11)) {
            assertEquals(K, model.matrixNames("model.layers.0").get(2));
        }
        ChecksumVerifier.Report report = verify(df11);
        List<String> problems = problems(report);
        assertEquals(4, problems.size(), problems.toString());
        for (String tensor : List.of(K, V, K.replace(".0.", ".1."), V.replace(".0.", ".1."))) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(tensor + ": ") && p.contains("checksum mismatch")),
                    tensor + " in " + problems);
        }
        assertDecompressRefuses(V, "checksum mismatch");   // stream order now names matrix 1 v_proj
    }

    @Test
    void patternDictQAndKSwappedIsCaught() throws IOException {
        // with grouped-query attention q and k differ in size: the recorded shapes no longer fit, reported by name
        FolderDamage.swapLayerAttributes(df11, 0, 1);
        ChecksumVerifier.Report report = verify(df11);
        List<String> problems = problems(report);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(Q + ": ") && p.contains("is unknown")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(K + ": ") && p.contains("is unknown")), problems.toString());
    }

    @Test
    void recordedShapeChangedIsCaught() throws IOException {
        // same element count, so the folder opens and the matrix decodes as [32, 128]
        FolderDamage.changeRecordedShape(df11, Q, "[64,64]", "[32,128]");
        try (Df11Model model = Df11Model.open(df11)) {
            assertEquals(List.of(32L, 128L), java.util.Arrays.stream(model.locate(Q).orElseThrow().shape()).boxed()
                    .toList());
        }
        List<String> problems = problems(verify(df11));
        assertEquals(List.of(Q + ": in " + df11.resolve("model.safetensors") + ": the folder gives it BF16[32, 128], but"
                + " its checksum record says BF16[64, 64] (a changed recorded shape or pattern_dict?)"), problems);
        assertDecompressRefuses(Q, "its checksum record says BF16[64, 64]");
    }

    @Test
    void changedPlainTensorIsCaught() throws IOException {
        FolderDamage.patch(df11, "model.norm.weight", 3, b -> (byte) (b + 1));
        List<String> problems = problems(verify(df11));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("model.norm.weight: in " + df11.resolve("model.safetensors")
                + ": checksum mismatch: the stored bytes have CRC-32C"), problems.getFirst());
        assertDecompressRefuses("model.norm.weight", "checksum mismatch");
    }

    @Test
    void removedTensorIsCaught() throws IOException {
        FolderDamage.rewrite(df11.resolve("model.safetensors"), m -> m, t -> !t.name().equals("model.norm.weight"));
        List<String> problems = problems(verify(df11));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("model.norm.weight: has a recorded checksum but is not in"),
                problems.getFirst());
        assertDecompressRefuses("model.norm.weight", "has a recorded checksum but is not in");
    }

    @Test
    void changedChecksumRecordIsReported() throws IOException {
        String recorded = FolderDamage.changeRecordedChecksum(df11, V);
        List<String> problems = problems(verify(df11));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith(V + ": ") && problems.getFirst().contains("decoded weights have"
                + " CRC-32C " + recorded), problems.getFirst());
    }

    @Test
    void malformedChecksumRecordIsAnErrorNamingTheFile() throws IOException {
        FolderDamage.changeChecksumRecord(df11, r -> "{\"version\":1,\"algorithm\":\"crc32c\",\"tensors\":{\"x\":");
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> verify(df11));
        assertTrue(e.getMessage().startsWith(df11.resolve("model.safetensors") + ": the checksum record"
                + " (df11.checksums) is not valid JSON"), e.getMessage());
        assertThrows(Df11ModelException.class, () -> Df11Decompressor.decompress(df11, tmp.resolve("back"), 2, false,
                1L << 30, ProgressListener.NONE));
        assertFalse(Files.exists(tmp.resolve("back")));
    }

    @Test
    void checksumRecordOfANewerVersionIsRefused() throws IOException {
        FolderDamage.changeChecksumRecord(df11, r -> r.replace("\"version\":1", "\"version\":2"));
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> verify(df11));
        assertTrue(e.getMessage().contains("has version 2; this df11 reads version 1"), e.getMessage());
    }

    @Test
    void badChecksumEntryIsRefused() throws IOException {
        FolderDamage.changeChecksumRecord(df11, r -> r.replaceFirst("\"crc32c\":\"[0-9a-f]{8}\"", "\"crc32c\":\"xyz\""));
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> verify(df11));
        assertTrue(e.getMessage().contains("has no crc32c of eight hex digits"), e.getMessage());
    }

    @Test
    void folderWithoutChecksumsIsDecodedButNotVerified() throws IOException {
        Path official = OfficialFolder.write(tmp.resolve("official"), 288, OfficialFolder.LLAMA_PATTERNS);
        ChecksumVerifier.Report report = verify(official);
        assertFalse(report.recorded());
        assertFalse(report.verified(), "nothing proves the weights right");
        assertEquals(List.of(), report.mismatches(), "every unit still decodes");
        assertEquals(8, report.tensorsChecked());
        List<String> notices = new ArrayList<>();
        Df11Decompressor.Report back = Df11Decompressor.decompress(official, tmp.resolve("back"), 2, false, 1L << 30,
                new ProgressListener() {
                    @Override
                    public void notice(String message) {
                        notices.add(message);
                    }
                });
        assertEquals(Df11Decompressor.Integrity.NO_CHECKSUMS, back.integrity());
        assertEquals(List.of(ChecksumVerifier.noChecksumsNotice(official)), notices);
        assertTrue(notices.getFirst().contains("cannot be verified by themselves"), notices.getFirst());
    }

    @Test
    void decompressWithoutCheckWritesWhatDecodes() throws IOException {
        FolderDamage.flipSignMantissaBit(df11, "model.layers.0", 5000);
        Df11Decompressor.Report back = Df11Decompressor.decompress(df11, tmp.resolve("back"), 2, false, 1L << 30,
                false, ProgressListener.NONE);
        assertEquals(Df11Decompressor.Integrity.NOT_CHECKED, back.integrity());
        assertTrue(Files.exists(tmp.resolve("back/model.safetensors")));
    }
}
