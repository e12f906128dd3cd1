package dev.df11.tornado.forward;

import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.forward.weights.Bf16Placement;
import dev.df11.tornado.forward.weights.DecodeMode;
import dev.df11.tornado.forward.weights.DeviceWeights;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two ways an execution plan could make TornadoVM upload weights whose host copies it has released are refused
 * with a message: a second plan on the same graphs, and running a closed plan (its device memory freed).
 */
class ForwardPlanMisuseTest {

    @Test
    void aSecondPlanOnTheSameGraphsAndAClosedPlanAreRefused() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("plan-misuse"), RandomModelWriter.Flavor.LLAMA3_UNTIED,
                23);
        try (WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1))) {
            ForwardShape shape = new ForwardShape(store.config(), 16, 2, 1);
            DeviceWeights weights = DeviceWeights.of(store, shape, Bf16Placement.DEVICE, DecodeMode.EXACT);
            ForwardGraphs graphs = ForwardGraphs.build(shape, new Activations(shape), weights,
                    KernelTuning.defaults(), 8);
            ForwardPlan plan = new ForwardPlan(graphs, weights, null, false, false);
            IllegalStateException second = assertThrows(IllegalStateException.class,
                    () -> new ForwardPlan(graphs, weights, null, false, false));
            assertTrue(second.getMessage().contains("already belong to an execution plan"), second.getMessage());
            plan.close();
            plan.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, plan::embed);
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            assertThrows(IllegalStateException.class, plan::output);
        }
    }
}
