package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The tuning table: the entry for the device, by-shape launches, fixed once the user gives a launch; rows per group
 * always cut to what the fused kernel's stage holds (the same launch for every matrix-vector kernel).
 */
class KernelTuningTest {

    @Test
    void picksTheMeasuredLaunchForEachLlamaShapeOnAnH100() {
        KernelTuning h100 = KernelTuning.forDevice("NVIDIA H100 80GB HBM3");
        assertEquals("nvidia-hopper", h100.family());
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
}
