package dev.df11.tornado.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TornadoVM's device-memory cap: parsed as TornadoVM parses it, and a model above it is a message naming it. */
class DeviceMemoryLimitTest {

    @Test
    void parsesSizesAndNamesThePropertyWhenAModelDoesNotFit() {
        String before = System.getProperty(DeviceMemoryLimit.PROPERTY);
        try {
            System.setProperty(DeviceMemoryLimit.PROPERTY, "3GB");
            assertEquals(3L << 30, DeviceMemoryLimit.bytes());
            System.setProperty(DeviceMemoryLimit.PROPERTY, "512MB");
            assertEquals(512L << 20, DeviceMemoryLimit.bytes());
            System.setProperty(DeviceMemoryLimit.PROPERTY, "1000");
            assertEquals(1000, DeviceMemoryLimit.bytes());
            System.setProperty(DeviceMemoryLimit.PROPERTY, "2GB");
            assertDoesNotThrow(() -> DeviceMemoryLimit.require(2L << 30));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DeviceMemoryLimit.require(5L << 30));
            assertTrue(e.getMessage().contains("-Dtornado.device.memory=7GB"), e.getMessage());
            System.setProperty(DeviceMemoryLimit.PROPERTY, "lots");
            assertThrows(IllegalArgumentException.class, DeviceMemoryLimit::bytes);
        } finally {
            if (before == null) {
                System.clearProperty(DeviceMemoryLimit.PROPERTY);
            } else {
                System.setProperty(DeviceMemoryLimit.PROPERTY, before);
            }
        }
    }
}
