package dev.df11.tornado.backend;

import dev.df11.runtime.backend.BackendUnavailableException;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the TornadoVM backend says when it is used wrongly or cannot run: every failure names what is wrong, none is a
 * crash or a TornadoVM stack trace.
 */
class TornadoBackendMisuseTest {

    @Test
    void unknownDeviceListsTheDevicesThatExist() {
        var provider = new TornadoBackendProvider();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> provider.create(1, "9:9"));
        assertTrue(e.getMessage().contains("no TornadoVM device '9:9'"), e.getMessage());
        assertTrue(e.getMessage().contains("0:0"), "the message should list the devices: " + e.getMessage());
        assertTrue(provider.available(), provider.unavailableReason());
        assertTrue(!provider.devices().isEmpty());
    }

    @Test
    void stepsOutOfOrderAndBadBatchesAreRefused() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("misuse"), RandomModelWriter.Flavor.LLAMA3_UNTIED, 5);
        try (WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1));
             TornadoBackend backend = TornadoBackendAgreementTest.tornado()) {
            assertThrows(IllegalStateException.class, () -> backend.block(0, 0), "block before load");
            backend.load(store, 16, 2);
            int hidden = store.config().hiddenSize();
            MemorySegment rows = MemorySegment.ofArray(new short[3 * hidden]);
            assertThrows(IllegalArgumentException.class, () -> backend.embed(rows, 3), "batch above maxBatch");
            assertThrows(IllegalArgumentException.class, () -> backend.embed(rows, 2), "rows of the wrong size");
            backend.embed(MemorySegment.ofArray(new short[hidden]), 1);
            assertThrows(IllegalStateException.class, () -> backend.block(1, 0), "block 1 before block 0");
            assertThrows(IllegalArgumentException.class, () -> backend.block(0, 16), "position past the context");
            assertThrows(IllegalStateException.class, backend::finalNorm, "final norm before the blocks");
        }
    }
}
