package dev.df11.tornado.device;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device ids: {@link TornadoDevices#id} names every listed device as {@link TornadoDevices#select} reads it. */
class TornadoDevicesTest {

    @Test
    void everyListedDeviceHasTheIdThatSelectsIt() {
        assertTrue(!TornadoDevices.describeAll().isEmpty(), "no TornadoVM device");
        for (String line : TornadoDevices.describeAll()) {
            String id = line.substring(0, line.indexOf(' '));
            TornadoDevice device = TornadoDevices.select(id);
            assertEquals(id, TornadoDevices.id(device), line);
        }
        assertEquals(TornadoDevices.id(TornadoDevices.select("default")), TornadoDevices.id(TornadoDevices.select(
                TornadoDevices.id(TornadoDevices.select(null)))));
    }
}
