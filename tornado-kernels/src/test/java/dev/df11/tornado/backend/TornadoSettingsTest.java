package dev.df11.tornado.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TornadoVM's device-memory cap: parsed as TornadoVM parses it, and a model above it is a message naming it. */
class TornadoSettingsTest {

    @Test
    void parsesSizesAndNamesThePropertyWhenAModelDoesNotFit() {
        String before = System.getProperty(TornadoSettings.PROPERTY);
        try {
            System.setProperty(TornadoSettings.PROPERTY, "3GB");
            assertEquals(3L << 30, TornadoSettings.bytes());
            System.setProperty(TornadoSettings.PROPERTY, "512MB");
            assertEquals(512L << 20, TornadoSettings.bytes());
            System.setProperty(TornadoSettings.PROPERTY, "1000");
            assertEquals(1000, TornadoSettings.bytes());
            System.setProperty(TornadoSettings.PROPERTY, "2GB");
            assertDoesNotThrow(() -> TornadoSettings.require(2L << 30));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TornadoSettings.require(5L << 30));
            assertTrue(e.getMessage().contains("-Dtornado.device.memory=7GB"), e.getMessage());
            System.setProperty(TornadoSettings.PROPERTY, "lots");
            assertThrows(IllegalArgumentException.class, TornadoSettings::bytes);
        } finally {
            if (before == null) {
                System.clearProperty(TornadoSettings.PROPERTY);
            } else {
                System.setProperty(TornadoSettings.PROPERTY, before);
            }
        }
    }

    @Test
    void adjustsOnlyTheDefaultsTheUserLeftUnset() {
        String[] keys = {TornadoSettings.PROPERTY, TornadoSettings.BYTECODE_PROPERTY, TornadoSettings.EVENTS_PROPERTY};
        String[] before = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            before[i] = System.getProperty(keys[i]);
        }
        try {
            System.clearProperty(TornadoSettings.PROPERTY);
            System.clearProperty(TornadoSettings.BYTECODE_PROPERTY);
            System.setProperty(TornadoSettings.EVENTS_PROPERTY, "4096");
            TornadoSettings.raiseDefaults();
            assertEquals(TornadoSettings.RAISED_DEFAULT, System.getProperty(TornadoSettings.PROPERTY));
            assertEquals(TornadoSettings.RAISED_BYTECODE, System.getProperty(TornadoSettings.BYTECODE_PROPERTY));
            assertEquals("4096", System.getProperty(TornadoSettings.EVENTS_PROPERTY), "a user's value stays");
            System.clearProperty(TornadoSettings.EVENTS_PROPERTY);
            TornadoSettings.raiseDefaults();
            assertEquals(TornadoSettings.LOWERED_EVENTS, System.getProperty(TornadoSettings.EVENTS_PROPERTY));
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], before[i]);
                }
            }
        }
    }
}
