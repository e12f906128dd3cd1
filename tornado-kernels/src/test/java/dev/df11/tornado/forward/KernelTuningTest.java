package dev.df11.tornado.forward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tuning table: the entry for the device, by-shape launches, fixed once the user gives a launch; rows per group
 * always cut to what the fused kernel's stage holds (the same launch for every matrix-vector kernel).
 */
class KernelTuningTest {

    @Test
    void picksTheMeasuredLaunchForEachLlamaShapeOnAnH100() {
        KernelTuning h100 = KernelTuning.forDevice("NVIDIA H100 80GB HBM3");
        assertEquals("nvidia-hopper", h100.family());
        // Measured 2026-12-07: generation keeps the kernels that are fastest at batch 1; serving takes the staged
        // kernel everywhere (two slots for down's 128 work-items a row).
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PAIRS, 4, 128, 64),
                h100.productLaunch(28672, 4096, false), "gate|up");
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PLANES, 1, 128, 128),
                h100.productLaunch(4096, 14336, false), "down");
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.STAGED, 16, 256, 64),
                h100.productLaunch(28672, 4096, true), "gate|up, serving");
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.STAGED, 16, 256, 64),
                h100.productLaunch(6144, 4096, true), "q|k|v, serving");
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.STAGED_TWO_SLOTS, 8, 256, 128),
                h100.productLaunch(4096, 14336, true), "down, serving");
        assertEquals(new KernelTuning.MatVecLaunch(128, 2), h100.matVecLaunch(6144, 4096), "q|k|v");
        assertEquals(new KernelTuning.MatVecLaunch(128, 2), h100.matVecLaunch(4096, 4096), "o");
        // The table says 256:8 for these; 8 rows of 4096 are more than the fused stage's 16,384 weights.
        assertEquals(new KernelTuning.MatVecLaunch(256, 4), h100.matVecLaunch(28672, 4096), "gate|up");
        assertEquals(new KernelTuning.MatVecLaunch(128, 1), h100.matVecLaunch(4096, 14336), "down");
        assertEquals(new KernelTuning.MatVecLaunch(256, 4), h100.matVecLaunch(128256, 4096), "lm_head");
        assertEquals(256, h100.norm());
        assertEquals(128, h100.attention());
        assertEquals(256, h100.elementwise());
    }

    @Test
    void aDeviceTheTableDoesNotNameGetsTheDefaultEntry() {
        KernelTuning pocl = KernelTuning.forDevice("cpu-haswell-AMD EPYC 7B13");
        assertEquals("default", pocl.family());
        assertEquals(KernelTuning.defaults(), pocl);
        assertEquals(new KernelTuning.MatVecLaunch(128, 2), pocl.matVecLaunch(4096, 4096));
    }

    @Test
    void aGivenLaunchServesEveryShape() {
        KernelTuning fixed = KernelTuning.defaults().withMatVec(64, 4);
        assertEquals(new KernelTuning.MatVecLaunch(64, 4), fixed.matVecLaunch(128256, 4096));
        assertEquals(new KernelTuning.MatVecLaunch(64, 4), fixed.matVecLaunch(4096, 2048));
        assertEquals(new KernelTuning.MatVecLaunch(64, 1), fixed.matVecLaunch(4096, 14336), "14,336 weights a row:"
                + " one row fills the fused stage");
        assertEquals(new KernelTuning.MatVecLaunch(64, 2), fixed.matVecLaunch(4096, 8192));
        assertThrows(IllegalArgumentException.class, () -> KernelTuning.defaults().withMatVec(128, 3));
        assertThrows(IllegalArgumentException.class, () -> KernelTuning.defaults().withMatVec(512, 2));
    }

    @Test
    void normsTakeWiderGroupsThanTheOtherKernels() {
        assertEquals(1024, new KernelTuning("t", 128, 2, 1024, 128, 256, List.of()).norm());
        IllegalArgumentException norm = assertThrows(IllegalArgumentException.class,
                () -> new KernelTuning("t", 128, 2, 2048, 128, 256, List.of()));
        assertTrue(norm.getMessage().contains("norm work-group size 2048") && norm.getMessage().contains("1..1024"),
                norm.getMessage());
        IllegalArgumentException attention = assertThrows(IllegalArgumentException.class,
                () -> new KernelTuning("t", 128, 2, 256, 1024, 256, List.of()));
        assertTrue(attention.getMessage().contains("attention work-group size 1024"), attention.getMessage());
    }

    @Test
    void withoutAProductRuleTwoRowsAWorkItemServeEveryLaunchOfTwoOrMoreRows() {
        KernelTuning h100 = KernelTuning.forDevice("NVIDIA H100 80GB HBM3");
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PLANES, 1, 128, 128),
                KernelTuning.defaultProduct(h100.matVecLaunch(4096, 14336)), "down: one row a group");
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PAIRS, 2, 64, 64),
                KernelTuning.defaults().withMatVec(128, 2).productLaunch(4096, 4096, false));
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PAIRS, 4, 128, 64),
                KernelTuning.defaultProduct(new KernelTuning.MatVecLaunch(256, 4)), "two slots of two rows");
    }

    @Test
    void aRuleNamesTheProductKernelAndItsRowsOnTheLaunchsWorkItemsPerRow() {
        KernelTuning.ShapeRule wide = new KernelTuning.ShapeRule(16384, 0, new KernelTuning.MatVecLaunch(256, 8),
                ProductKernel.PAIRS, 2);
        KernelTuning tuning = new KernelTuning("t", 128, 2, 256, 128, 256, List.of(wide));
        // 256:8 is cut to 256:4 by the fused stage (4,096 weights a row): 64 work-items a row.
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PAIRS, 2, 64, 64),
                tuning.productLaunch(28672, 4096, false));
        assertEquals(KernelTuning.defaultProduct(tuning.matVecLaunch(4096, 4096)), tuning.productLaunch(4096, 4096, false),
                "a shape no rule covers");
        KernelTuning.ShapeRule misfit = new KernelTuning.ShapeRule(0, 0, new KernelTuning.MatVecLaunch(256, 2),
                ProductKernel.PAIRS, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new KernelTuning("t", 128, 2, 256, 128, 256, List.of(misfit)).productLaunch(4096, 4096, false));
        assertTrue(e.getMessage().contains("pairs cannot serve 3 rows per group"), e.getMessage());
    }

    @Test
    void aServingProductAppliesOnlyWhereSeveralSequencesShareTheSteps() {
        KernelTuning.ShapeRule rule = new KernelTuning.ShapeRule(0, 0, new KernelTuning.MatVecLaunch(128, 2),
                ProductKernel.PLANES, 0, ProductKernel.STAGED);
        KernelTuning tuning = new KernelTuning("t", 128, 2, 256, 128, 256, List.of(rule));
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PLANES, 2, 128, 64),
                tuning.productLaunch(4096, 4096, false));
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.STAGED, 16, 256, 64),
                tuning.productLaunch(4096, 4096, true));
        KernelTuning servingOnly = new KernelTuning("t", 128, 2, 256, 128, 256, List.of(new KernelTuning.ShapeRule(0,
                0, new KernelTuning.MatVecLaunch(128, 2), null, 0, ProductKernel.STAGED)));
        assertEquals(KernelTuning.defaultProduct(new KernelTuning.MatVecLaunch(128, 2)),
                servingOnly.productLaunch(4096, 4096, false));
    }

    @Test
    void anUnknownProductKernelNameIsRefusedWithTheNamesItKnows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProductKernel.named("tiles"));
        assertTrue(e.getMessage().contains("\"tiles\"") && e.getMessage().contains("planes, pairs, staged, staged-two-slots"),
                e.getMessage());
    }

    @Test
    void theStagedKernelTakesSixteenRowsOnFourSlotsOfTheLaunchsWorkItemsPerRow() {
        KernelTuning.ShapeRule staged = new KernelTuning.ShapeRule(0, 0, new KernelTuning.MatVecLaunch(128, 2),
                ProductKernel.STAGED, 0);
        KernelTuning tuning = new KernelTuning("t", 128, 2, 256, 128, 256, List.of(staged));
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.STAGED, 16, 256, 64),
                tuning.productLaunch(4096, 4096, false));
        // 5,120 columns: 256:8 is cut to 256:2 by the fused stage, 128 work-items a row: two slots of four rows.
        KernelTuning wide = new KernelTuning("t", 128, 2, 256, 128, 256, List.of(new KernelTuning.ShapeRule(16384,
                0, new KernelTuning.MatVecLaunch(256, 8), ProductKernel.STAGED, 0)));
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.STAGED_TWO_SLOTS, 8, 256, 128),
                wide.productLaunch(27648, 5120, false));
        // 256 work-items a row (256:1): no staged form holds it; the default product.
        KernelTuning widest = new KernelTuning("t", 128, 2, 256, 128, 256, List.of(new KernelTuning.ShapeRule(0,
                0, new KernelTuning.MatVecLaunch(256, 1), ProductKernel.STAGED, 0)));
        assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PLANES, 1, 256, 256),
                widest.productLaunch(4096, 4096, false));
        KernelTuning eight = new KernelTuning("t", 128, 2, 256, 128, 256, List.of(new KernelTuning.ShapeRule(0, 0,
                new KernelTuning.MatVecLaunch(128, 2), ProductKernel.STAGED, 8)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> eight.productLaunch(4096, 4096, false));
        assertTrue(e.getMessage().contains("staged cannot serve 8 rows per group (rows exactly 16)"),
                e.getMessage());
    }

    @Test
    void aTableFileNamedBySystemPropertyReplacesTheBundledOne(@TempDir Path dir) throws IOException {
        Path table = dir.resolve("tuning.json");
        Files.writeString(table, """
                {"families": [{"family": "mine", "matVec": {"local": 64, "rows": 1},
                  "matVecByShape": [{"minRows": 1024, "local": 128, "rows": 2, "product": "planes"}],
                  "norm": 128, "attention": 64, "elementwise": 128, "servingTensorCores": true}]}
                """);
        String before = System.getProperty(KernelTuning.TABLE_PROPERTY);
        System.setProperty(KernelTuning.TABLE_PROPERTY, table.toString());
        try {
            KernelTuning mine = KernelTuning.forDevice("NVIDIA H100 80GB HBM3");
            assertEquals("mine", mine.family());
            assertEquals(new KernelTuning.ProductLaunch(ProductKernel.PLANES, 2, 128, 64),
                    mine.productLaunch(4096, 4096, false));
            assertTrue(mine.servingTensorCores() && mine.onBackend(true).servingTensorCores());
            assertFalse(mine.onBackend(false).servingTensorCores(), "only PTX emits mma");
            assertEquals(mine.byShape(), mine.onBackend(false).byShape());
            Files.writeString(table, "{}");
            IllegalStateException e = assertThrows(IllegalStateException.class, KernelTuning::defaults);
            assertTrue(e.getMessage().contains(table.toString()), e.getMessage());
            System.setProperty(KernelTuning.TABLE_PROPERTY, dir.resolve("missing.json").toString());
            UncheckedIOException missing = assertThrows(UncheckedIOException.class, KernelTuning::defaults);
            assertTrue(missing.getMessage().contains("missing.json"), missing.getMessage());
        } finally {
            restoreTable(before);
        }
    }

    /** The tables the GPU scripts pass with {@code -Ddf11.tuning.table} (benchmarks/gpu/tables): each must load. */
    @Test
    void theBenchmarkTablesLoad() throws IOException {
        Path tables = Path.of("..", "benchmarks", "gpu", "tables");
        List<Path> files;
        try (var list = Files.list(tables)) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no tables in " + tables.toAbsolutePath());
        String before = System.getProperty(KernelTuning.TABLE_PROPERTY);
        try {
            for (Path file : files) {
                System.setProperty(KernelTuning.TABLE_PROPERTY, file.toString());
                KernelTuning hopper = KernelTuning.forDevice("NVIDIA H100 80GB HBM3");
                assertEquals("nvidia-hopper", hopper.family(), file.toString());
                assertEquals("default", KernelTuning.defaults().family(), file.toString());
                if (file.getFileName().toString().equals("hopper-norm1024.json")) {
                    assertEquals(1024, hopper.norm());
                }
                assertEquals(file.getFileName().toString().equals("hopper-tail-task.json"), hopper.tailTask(),
                        file + ": only the tail-task table runs the tails as tasks");
            }
            restoreTable(before);
            assertFalse(KernelTuning.forDevice("NVIDIA H100 80GB HBM3").tailTask(), "the bundled table folds them");
        } finally {
            restoreTable(before);
        }
    }

    private static void restoreTable(String before) {
        if (before == null) {
            System.clearProperty(KernelTuning.TABLE_PROPERTY);
        } else {
            System.setProperty(KernelTuning.TABLE_PROPERTY, before);
        }
    }
}
