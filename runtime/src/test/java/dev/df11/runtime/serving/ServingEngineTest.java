package dev.df11.runtime.serving;

import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the serving engine does before the server takes its first request. */
class ServingEngineTest {

    @Test
    void theBackendRunsOneStepBeforeTheFirstRequest() throws IOException {
        try (ServingEngine engine = ServingEngine.open(new ServingEngine.Options(TestModels.stories15MDf11(), "cpu",
                null, 2, false, null, 64, 2, 8, 0))) {
            assertTrue(engine.forward().decodeStats().layerWaits() > 0,
                    "a warm-up step asked for every layer's weights: " + engine.forward().decodeStats());
        }
    }
}
