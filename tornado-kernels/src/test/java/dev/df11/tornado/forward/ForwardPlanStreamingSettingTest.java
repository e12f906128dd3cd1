package dev.df11.tornado.forward;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which host copies a plan gives back, by backend and setting: unless {@code df11.tornado.streamWeights} is false, on
 * OpenCL all of them, on PTX those uploaded through staged transfers (at least the staged minimum), elsewhere none;
 * and none at all when TornadoVM does not reuse device buffers.
 */
class ForwardPlanStreamingSettingTest {

    private static final String SETTING = "df11.tornado.streamWeights";

    @AfterEach
    void clear() {
        System.clearProperty(SETTING);
        System.clearProperty("tornado.reuse.device.buffers");
    }

    @Test
    void streamsByDefaultOnOpenClAndPtx() {
        assertTrue(ForwardPlan.streamingEnabled());
        assertEquals(0, ForwardPlan.releaseFloor(TornadoVMBackendType.OPENCL, false));
        assertEquals(16L << 20, ForwardPlan.releaseFloor(TornadoVMBackendType.PTX, true));
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.PTX, false));
    }

    @Test
    void keepsEveryHostCopyWhenTurnedOff() {
        System.setProperty(SETTING, "false");
        assertFalse(ForwardPlan.streamingEnabled());
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.OPENCL, false));
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.PTX, true));
    }

    @Test
    void keepsEveryHostCopyWhenTornadoDoesNotReuseDeviceBuffers() {
        System.setProperty("tornado.reuse.device.buffers", "false");
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.OPENCL, false));
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.PTX, true));
    }
}
