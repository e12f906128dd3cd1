package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.format.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading folders in the official DFloat11 layout (no shape metadata: shapes derived from config.json). */
class Df11ModelTest {

    @TempDir
    Path tmp;

    @Test
    void readsAnOfficialFolderAndDerivesShapesFromTheConfig() throws IOException {
        Path dir = OfficialFolder.write(tmp.resolve("df11"), 288, OfficialFolder.LLAMA_PATTERNS);
        try (Df11Model model = Df11Model.open(dir)) {
            assertEquals(List.of("model.layers.0"), model.unitNames());
            assertEquals(Set.of("model.norm.weight"), model.plainTensorNames());
            assertArrayEquals(new long[] {288, 288}, model.locate("model.layers.0.self_attn.v_proj.weight")
                    .orElseThrow().shape());
            assertArrayEquals(new long[] {768, 288}, model.locate("model.layers.0.mlp.up_proj.weight")
                    .orElseThrow().shape());
            MatrixRef down = model.locate("model.layers.0.mlp.down_proj.weight").orElseThrow();
            assertEquals(new MatrixRef("model.layers.0", 6, new long[] {288, 768}), down);
            Df11Unit unit = model.unit("model.layers.0");
            assertEquals(995_328, unit.elementCount());
            assertEquals(model.storedBytes("model.layers.0"), model.tensors().files().stream()
                    .filter(f -> f.path().getFileName().toString().equals("model_layers_0.safetensors"))
                    .flatMap(f -> f.tensors().stream()).mapToLong(TensorInfo::byteSize).sum());
            try (SafetensorsDirectory reference = SafetensorsDirectory.open(tmp.resolve("df11-bf16"));
                    Arena arena = Arena.ofShared()) {
                MemorySegment out = arena.allocate(2 * unit.elementCount());
                new Df11Decoder(2).decode(unit, out);
                List<String> names = model.matrixNames("model.layers.0");
                for (int m = 0; m < 7; m++) {
                    MemorySegment slice = out.asSlice(2 * unit.matrixStart(m), 2 * (unit.matrixEnd(m) - unit.matrixStart(m)));
                    assertEquals(-1, slice.mismatch(reference.data(names.get(m))), names.get(m));
                }
                Df11Verifier.Report report = Df11Verifier.verify(model, reference, 2, ProgressListener.NONE);
                assertTrue(report.identical(), report.mismatches().toString());
                assertEquals(8, report.tensorsCompared());
            }
            assertSame(model.unit("model.layers.0"), model.unit("model.layers.0"), "validated once, then cached");
        }
    }

    @Test
    void aShapeTheConfigContradictsIsAnErrorOnUse() throws IOException {
        Path dir = OfficialFolder.write(tmp.resolve("df11"), 256, OfficialFolder.LLAMA_PATTERNS);
        try (Df11Model model = Df11Model.open(dir)) {
            Df11FormatException e = assertThrows(Df11FormatException.class,
                    () -> model.locate("model.layers.0.self_attn.q_proj.weight"));
            assertTrue(e.getMessage().contains("model.layers.0") && e.getMessage().contains("[252, 256]")
                    && e.getMessage().contains("82944"), e.getMessage());
        }
    }

    @Test
    void unknownMatrixNamesHaveNoShape() throws IOException {
        Path dir = OfficialFolder.write(tmp.resolve("df11"), 288,
                "{\"model\\\\.layers\\\\.\\\\d+\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\"]}");
        try (Df11Model model = Df11Model.open(dir)) {
            assertEquals("model.layers.0.c.weight", model.matrixNames("model.layers.0").get(2));
            Df11FormatException e = assertThrows(Df11FormatException.class,
                    () -> model.locate("model.layers.0.c.weight"));
            assertTrue(e.getMessage().contains("no shape is recorded"), e.getMessage());
        }
    }

    @Test
    void rejectsInconsistentFolders() throws IOException {
        Path wrongCount = OfficialFolder.write(tmp.resolve("a"), 288, "{\"model\\\\.layers\\\\.\\\\d+\": [\"x\"]}");
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> Df11Model.open(wrongCount));
        assertTrue(e.getMessage().contains("'model.layers.0' holds 7 matrices but its pattern names 1"),
                e.getMessage());

        Path noConfig = OfficialFolder.write(tmp.resolve("b"), 288, OfficialFolder.LLAMA_PATTERNS);
        Files.writeString(noConfig.resolve("config.json"), "{\"model_type\": \"llama\"}");
        assertTrue(assertThrows(Df11ModelException.class, () -> Df11Model.open(noConfig)).getMessage()
                .contains("no 'dfloat11_config'"));

        Path otherLayout = OfficialFolder.write(tmp.resolve("c"), 288, OfficialFolder.LLAMA_PATTERNS);
        Files.writeString(otherLayout.resolve("config.json"), Files.readString(otherLayout.resolve("config.json"))
                .replace("[512]", "[256]"));
        assertTrue(assertThrows(Df11ModelException.class, () -> Df11Model.open(otherLayout)).getMessage()
                .contains("only [512]"));

        Path badRegex = OfficialFolder.write(tmp.resolve("d"), 288, "{\"model\\\\.layers\\\\.(\": []}");
        assertTrue(assertThrows(Df11ModelException.class, () -> Df11Model.open(badRegex)).getMessage()
                .contains("bad unit pattern"));

        Path missingGaps = OfficialFolder.write(tmp.resolve("e"), 288, OfficialFolder.LLAMA_PATTERNS);
        rewriteUnitFile(missingGaps, "model.layers.0.gaps", null);
        Df11ModelException gaps = assertThrows(Df11ModelException.class, () -> Df11Model.open(missingGaps));
        assertTrue(gaps.getMessage().contains("model_layers_0.safetensors")
                && gaps.getMessage().contains("no 'model.layers.0.gaps'"), gaps.getMessage());

        Path badSplits = OfficialFolder.write(tmp.resolve("f"), 288, OfficialFolder.LLAMA_PATTERNS);
        rewriteUnitFile(badSplits, "model.layers.0.split_positions",
                MemorySegment.ofArray(new long[] {5, 4, 3, 2, 1, 0}));
        assertTrue(assertThrows(Df11ModelException.class, () -> Df11Model.open(badSplits)).getMessage()
                .contains("not increasing"));

        assertThrows(java.nio.file.NoSuchFileException.class, () -> Df11Model.open(tmp.resolve("none")));
    }

    @Test
    void aCorruptUnitIsReportedWithFileAndUnit() throws IOException {
        Path dir = OfficialFolder.write(tmp.resolve("df11"), 288, OfficialFolder.LLAMA_PATTERNS);
        rewriteUnitFile(dir, "model.layers.0.output_positions", MemorySegment.ofArray(new int[344 / 4]));
        try (Df11Model model = Df11Model.open(dir)) {
            Df11FormatException e = assertThrows(Df11FormatException.class, () -> model.unit("model.layers.0"));
            assertTrue(e.getMessage().contains("model_layers_0.safetensors") && e.getMessage().contains("model.layers.0"),
                    e.getMessage());
        }
    }

    /** Gaps pass validation (right size) but break decoding: the decoder's error names the file too. */
    @Test
    void aDecodeTimeErrorNamesTheFileAndUnit() throws IOException {
        Path dir = OfficialFolder.write(tmp.resolve("df11"), 288, OfficialFolder.LLAMA_PATTERNS);
        long gapBytes;
        try (var f = dev.df11.format.safetensors.SafetensorsFile.open(dir.resolve("model_layers_0.safetensors"))) {
            gapBytes = f.readBytes("model.layers.0.gaps").length;
        }
        byte[] allOnes = new byte[(int) gapBytes];
        java.util.Arrays.fill(allOnes, (byte) 0xFF);
        rewriteUnitFile(dir, "model.layers.0.gaps", MemorySegment.ofArray(allOnes));
        try (Df11Model model = Df11Model.open(dir); Arena arena = Arena.ofConfined()) {
            Df11Unit unit = model.unit("model.layers.0");
            Df11FormatException e = assertThrows(Df11FormatException.class,
                    () -> new Df11Decoder(1).decode(unit, arena.allocate(2 * unit.elementCount())));
            assertTrue(e.getMessage().startsWith("DF11 unit 'model.layers.0' in "
                    + dir.resolve("model_layers_0.safetensors") + ": "), e.getMessage());
        }
    }

    /** Rewrites the per-unit file with one tensor replaced (same shape) or, for null, removed. */
    private static void rewriteUnitFile(Path dir, String tensor, MemorySegment replacement) throws IOException {
        Path file = dir.resolve("model_layers_0.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (var f = dev.df11.format.safetensors.SafetensorsFile.open(file)) {
            for (TensorInfo t : f.tensors()) {
                if (!t.name().equals(tensor)) {
                    w.add(t.name(), t.dtype(), t.shape(), MemorySegment.ofArray(f.readBytes(t.name())));
                } else if (replacement != null) {
                    w.add(t.name(), t.dtype(), t.shape(), replacement);
                }
            }
        }
        w.write(file);
    }
}
