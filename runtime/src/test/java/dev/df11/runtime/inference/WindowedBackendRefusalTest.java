package dev.df11.runtime.inference;

import dev.df11.runtime.testmodels.DefaultsBackend;
import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backend that keeps {@link Backend#unsupported}'s default (the TornadoVM backend does) has no windowed attention:
 * the forward pass refuses a sliding window shorter than the context before the backend loads anything, and accepts
 * a context the window covers (where the window masks nothing).
 */
class WindowedBackendRefusalTest {

    private static WeightStore windowedModel() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("windowed"), Flavor.MISTRAL_WINDOWED, 1);
        return WeightStores.open(dir, WeightStores.Df11Options.defaults());
    }

    @Test
    void windowShorterThanTheContextIsRefusedNamingTheWayOut() throws IOException {
        DefaultsBackend backend = new DefaultsBackend();
        try (WeightStore weights = windowedModel()) {
            String message = assertThrows(UnsupportedModelException.class,
                    () -> new ForwardPass(backend, weights, 64, 4)).getMessage();
            assertTrue(message.contains("backend 'device'") && message.contains("sliding_window = "
                    + RandomModelWriter.WINDOW) && message.contains("--backend cpu")
                    && message.contains("--context " + RandomModelWriter.WINDOW), message);
        }
        assertFalse(backend.loaded(), "the backend loaded a model it cannot run");
    }

    @Test
    void contextWithinTheWindowIsAccepted() throws IOException {
        DefaultsBackend backend = new DefaultsBackend();
        WeightStore weights = windowedModel();
        new ForwardPass(backend, weights, RandomModelWriter.WINDOW, 1).close();
        assertTrue(backend.loaded());
    }
}
