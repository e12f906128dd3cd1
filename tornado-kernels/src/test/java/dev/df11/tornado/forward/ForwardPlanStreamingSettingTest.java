package dev.df11.tornado.forward;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which host copies a plan gives back, by backend and setting: on OpenCL all unless {@code df11.tornado.streamWeights}
 * is false; on PTX none unless it is true (its staged transfers are not yet run on a GPU), and then the staged ones.
 */
class ForwardPlanStreamingSettingTest {

    private static final String SETTING = "df11.tornado.streamWeights";

    @AfterEach
    void clear() {
        System.clearProperty(SETTING);
    }

    @Test
    void openClStreamsUnlessTurnedOff() {
        assertTrue(ForwardPlan.streamingEnabled(TornadoVMBackendType.OPENCL));
        assertEquals(0, ForwardPlan.releaseFloor(TornadoVMBackendType.OPENCL, false));
        System.setProperty(SETTING, "false");
        assertFalse(ForwardPlan.streamingEnabled(TornadoVMBackendType.OPENCL));
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.OPENCL, false));
    }

    @Test
    void ptxKeepsEveryHostCopyUnlessTurnedOn() {
        assertFalse(ForwardPlan.streamingEnabled(TornadoVMBackendType.PTX));
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.PTX, true));
        System.setProperty(SETTING, "true");
        assertTrue(ForwardPlan.streamingEnabled(TornadoVMBackendType.PTX));
        assertEquals(16L << 20, ForwardPlan.releaseFloor(TornadoVMBackendType.PTX, true));
        assertEquals(-1, ForwardPlan.releaseFloor(TornadoVMBackendType.PTX, false));
    }
}
