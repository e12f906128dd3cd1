package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The matrix-vector launch rule: by shape by default, fixed once the user gives a launch. */
class KernelTuningTest {

    @Test
    void picksTheMeasuredLaunchForEachLlamaShape() {
        KernelTuning gpu = KernelTuning.gpu();
        assertEquals(new KernelTuning.MatVecLaunch(128, 2), gpu.matVecLaunch(6144, 4096), "q|k|v");
        assertEquals(new KernelTuning.MatVecLaunch(128, 2), gpu.matVecLaunch(4096, 4096), "o");
        assertEquals(new KernelTuning.MatVecLaunch(256, 8), gpu.matVecLaunch(28672, 4096), "gate|up");
        assertEquals(new KernelTuning.MatVecLaunch(128, 1), gpu.matVecLaunch(4096, 14336), "down");
        assertEquals(new KernelTuning.MatVecLaunch(256, 8), gpu.matVecLaunch(128256, 4096), "lm_head");
    }

    @Test
    void aGivenLaunchServesEveryShape() {
        KernelTuning fixed = KernelTuning.gpu().withMatVec(64, 4);
        assertEquals(new KernelTuning.MatVecLaunch(64, 4), fixed.matVecLaunch(128256, 4096));
        assertEquals(new KernelTuning.MatVecLaunch(64, 4), fixed.matVecLaunch(4096, 14336));
        assertThrows(IllegalArgumentException.class, () -> KernelTuning.gpu().withMatVec(128, 3));
        assertThrows(IllegalArgumentException.class, () -> KernelTuning.gpu().withMatVec(512, 2));
    }
}
