package dev.df11.tornado.forward.weights;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The off-heap check made before a model's device arrays are allocated. */
class HostMemoryTest {

    @Test
    void aModelThatFitsPasses() {
        assertDoesNotThrow(() -> HostMemory.require(1 << 20, "a small model"));
    }

    @Test
    void aModelBeyondTheLimitIsRefusedNamingSizesAndTheSetting() {
        long needed = HostMemory.offHeapLimit() + (3L << 30);
        HostMemory.InsufficientHostMemoryException e = assertThrows(
                HostMemory.InsufficientHostMemoryException.class, () -> HostMemory.require(needed, "the model"));
        String message = e.getMessage();
        assertTrue(message.startsWith("the model need " + HostMemory.gib(needed)), message);
        assertTrue(message.contains(HostMemory.gib(HostMemory.offHeapLimit()) + " off-heap limit"), message);
        assertTrue(message.contains("MaxDirectMemorySize") || message.contains("DF11_OFFHEAP"), message);
    }

    @Test
    void theLaunchersSettingIsNamedWhenGiven() {
        System.setProperty(HostMemory.SETTING_PROPERTY, "DF11_OFFHEAP");
        try {
            String message = assertThrows(HostMemory.InsufficientHostMemoryException.class,
                    () -> HostMemory.require(Long.MAX_VALUE / 2, "the model")).getMessage();
            assertTrue(message.contains("DF11_OFFHEAP=64g"), message);
        } finally {
            System.clearProperty(HostMemory.SETTING_PROPERTY);
        }
    }

    @Test
    void onlyDirectMemoryErrorsAreOffHeap() {
        assertTrue(HostMemory.isOffHeap(new OutOfMemoryError("Cannot reserve 525336592 bytes of direct buffer memory"
                + " (allocated: 14754892008, limit: 15271460864)")));
        assertFalse(HostMemory.isOffHeap(new OutOfMemoryError("Java heap space")));
    }
}
