package dev.df11.tornado.backend;

import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.forward.weights.DecodeMode;
import dev.df11.tornado.forward.weights.MemoryPlan;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static dev.df11.tornado.backend.TornadoBackendAgreementTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model split across two execution plans on the same (PoCL) device, the residual stream handed from one plan to the
 * next through the host: the same greedy tokens and bit-identical logits as one plan, in BF16 and DF11.
 */
class TornadoPipelineTest {

    private static final int[] PROMPT = {3, 17, 42, 5, 88, 9};
    private static final int STEPS = 8;
    private static final int CONTEXT = 32;
    private static final int MAX_BATCH = 4;

    private static TornadoBackend twoPlans(TornadoBackendOptions options) {
        return new TornadoBackend(options, Collections.nCopies(2, (TornadoDevice) null), null);
    }

    @Test
    void twoPlansGiveTheBitsOfOne() throws IOException {
        RandomModelWriter.Flavor flavor = RandomModelWriter.Flavor.LLAMA3_UNTIED;
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-" + flavor), flavor, 21);
        Path df11 = TestModels.compress(dir);
        var options = new WeightStores.Df11Options(2);
        for (Path model : List.of(dir, df11)) {
            Generation one = Generation.run(TornadoBackendAgreementTest.tornado(), WeightStores.open(model, options),
                    PROMPT, STEPS, CONTEXT, MAX_BATCH);
            TornadoBackend pipeline = twoPlans(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT));
            Generation two = Generation.run(pipeline, WeightStores.open(model, options), PROMPT, STEPS,
                    CONTEXT, MAX_BATCH);
            String what = flavor + (model == dir ? " BF16" : " DF11");
            assertArrayEquals(one.tokens(), two.tokens(), what + ": greedy tokens");
            assertEquals(one.logits().size(), two.logits().size());
            for (int step = 0; step < one.logits().size(); step++) {
                assertArrayEquals(bits(one.logits().get(step)), bits(two.logits().get(step)),
                        what + ": two plans changed the logits at step " + step);
            }
        }
        TornadoBackend nibbles = twoPlans(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.NIBBLE));
        Generation two = Generation.run(nibbles, WeightStores.open(df11, options), PROMPT, STEPS, CONTEXT, MAX_BATCH,
                () -> assertTrue(nibbles.nibbleLayoutBytes() > 0, "no unit was laid out in nibbles"));
        Generation one = Generation.run(TornadoBackendAgreementTest.tornado(), WeightStores.open(dir, options),
                PROMPT, STEPS, CONTEXT, MAX_BATCH);
        for (int step = 0; step < one.logits().size(); step++) {
            assertArrayEquals(bits(one.logits().get(step)), bits(two.logits().get(step)),
                    flavor + ": two plans over the nibble layout changed BF16's logits at step " + step);
        }
    }

    /** The split every two-device plan of a 2-layer model makes: one block each, the output unit on the second. */
    @Test
    void eachPlanHoldsOneBlockAndTheLastTheOutput() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-plan"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 22);
        TornadoBackend pipeline = twoPlans(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT));
        Generation.run(pipeline, WeightStores.open(TestModels.compress(dir), new WeightStores.Df11Options(2)), PROMPT,
                1, CONTEXT, MAX_BATCH);
        MemoryPlan plan = pipeline.memoryPlan();
        assertEquals(2, plan.devices().size());
        assertEquals(0, plan.devices().get(0).firstLayer());
        assertEquals(1, plan.devices().get(0).endLayer());
        assertEquals(1, plan.devices().get(1).firstLayer());
        assertEquals(RandomModelWriter.LAYERS, plan.devices().get(1).endLayer());
        assertTrue(plan.devices().get(1).output());
        assertTrue(plan.devices().get(0).decodeBuffer() > 0, "DF11 blocks decode on the first device");
    }

    /** A budget the model does not fit is refused at load, before anything is allocated. */
    @Test
    void aPlanThatDoesNotFitIsRefusedAtLoad() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-small"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 23);
        TornadoBackend pipeline = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT),
                Collections.nCopies(2, (TornadoDevice) null), List.of(16L << 10, 16L << 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Generation.run(pipeline,
                WeightStores.open(dir, new WeightStores.Df11Options(2)), PROMPT, 1, CONTEXT, MAX_BATCH));
        assertTrue(e.getMessage().contains("does not fit 2 devices at a context of " + CONTEXT), e.getMessage());
    }

    /**
     * Rows of several sequences in one step (serving) through two plans: each sequence's tokens and logits are the
     * bits one plan gives, the KV-cache slots of each stage holding its own blocks' keys and values.
     */
    @Test
    void sequencesBatchedThroughTwoPlansGiveTheBitsOfOne() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-rows"), RandomModelWriter.Flavor.QWEN2, 24);
        List<RowSchedule.Sequence> schedule = List.of(
                new RowSchedule.Sequence(new int[] {3, 17, 42, 5, 88, 9, 21}, 6, 0),
                new RowSchedule.Sequence(new int[] {60, 2, 33}, 4, 1),
                new RowSchedule.Sequence(new int[] {11, 12, 13}, 5, 3));
        var options = new WeightStores.Df11Options(2);
        List<RowSchedule.Result> one;
        try (WeightStore weights = WeightStores.open(dir, options);
             TornadoBackend backend = TornadoBackendAgreementTest.tornado()) {
            backend.reserveSequences(3);
            backend.load(weights, CONTEXT, 6);
            one = RowSchedule.run(backend, weights, schedule, 6);
        }
        try (WeightStore weights = WeightStores.open(dir, options);
             TornadoBackend backend = twoPlans(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT))) {
            backend.reserveSequences(3);
            backend.load(weights, CONTEXT, 6);
            assertEquals(3, backend.maxSequences());
            List<RowSchedule.Result> two = RowSchedule.run(backend, weights, schedule, 6);
            for (int s = 0; s < schedule.size(); s++) {
                assertArrayEquals(one.get(s).tokens(), two.get(s).tokens(), "sequence " + s + ": tokens");
                for (int step = 0; step < one.get(s).logits().size(); step++) {
                    assertArrayEquals(bits(one.get(s).logits().get(step)), bits(two.get(s).logits().get(step)),
                            "sequence " + s + ": logits at step " + step);
                }
            }
        }
    }

    @Test
    void devicesListWithAnEmptyEntryIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceSelection.selectAll("0:0,,0:0"));
        assertTrue(e.getMessage().contains("--devices '0:0,,0:0' has an empty entry"), e.getMessage());
    }

    @Test
    void devicesListNamingAMissingDeviceListsTheDevices() {
        var e = assertThrows(dev.df11.runtime.backend.BackendUnavailableException.class,
                () -> DeviceSelection.selectAll("0:0,7:9"));
        assertTrue(e.getMessage().contains("no TornadoVM device '7:9'. Devices:"), e.getMessage());
    }

    /** {@code --devices auto}'s candidates start with the default device, under the id `df11 devices` gives it. */
    @Test
    void autoCandidatesStartWithTheDefaultDeviceAndItsId() {
        var defaultDevice = DeviceSelection.select(null);
        List<dev.df11.tornado.device.TornadoDevices.Listed> like = dev.df11.tornado.device.TornadoDevices.like(
                defaultDevice);
        assertEquals(defaultDevice.getDeviceName(), like.get(0).device().getDeviceName());
        String id = like.get(0).id();
        assertTrue(DeviceSelection.describeAll().stream().anyMatch(line -> line.startsWith(id + " ")),
                id + " in " + DeviceSelection.describeAll());
        assertEquals(defaultDevice.getDeviceName(), DeviceSelection.select(id).getDeviceName());
        assertTrue(like.stream().allMatch(l -> l.device().getDeviceType() == defaultDevice.getDeviceType()));
    }

    @Test
    void devicesListGivesOneDevicePerEntryInOrder() {
        assertEquals(3, DeviceSelection.selectAll("0:0, 0:0,0:0").size());
    }

    /**
     * stories15M (6 blocks) over three plans with budgets that give them 1, 3 and 2 blocks: a middle stage, which
     * takes the residual stream from the host and hands it back, and stages of several blocks; one plan's bits.
     */
    @Test
    void threeUnevenPlansGiveTheBitsOfOne() throws IOException {
        Path dir = TestModels.stories15MDf11();
        var options = new WeightStores.Df11Options(2);
        int[] prompt = {1, 9038, 2501, 263, 931, 29892};   // BOS "Once upon a time,"
        List<Long> budgets;
        try (WeightStore weights = WeightStores.open(dir, options)) {
            MemoryPlan.ModelBytes bytes = MemoryPlan.ModelBytes.of(weights,
                    new dev.df11.tornado.forward.ForwardShape(weights.config(), CONTEXT, MAX_BATCH),
                    DecodeMode.EXACT);
            long decode = Arrays.stream(bytes.layerDecode()).max().orElseThrow();
            long block = Arrays.stream(bytes.layerWeights()).max().orElseThrow() + bytes.cachePerPosition() * CONTEXT;
            long fixed = bytes.activationsFixed() + bytes.activationsPerPosition() * CONTEXT + block / 5;
            budgets = List.of(fixed + decode + block, fixed + decode + 3 * block,
                    fixed + Math.max(decode, bytes.outputDecode()) + 2 * block + bytes.outputWeights());
        }
        Generation one = Generation.run(TornadoBackendAgreementTest.tornado(), WeightStores.open(dir, options),
                prompt, STEPS, CONTEXT, MAX_BATCH);
        TornadoBackend three = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT),
                Collections.nCopies(3, (TornadoDevice) null), budgets);
        Generation split = Generation.run(three, WeightStores.open(dir, options), prompt, STEPS, CONTEXT, MAX_BATCH);
        int[] layers = three.memoryPlan().devices().stream().mapToInt(MemoryPlan.Placement::layers).toArray();
        assertArrayEquals(new int[] {1, 3, 2}, layers, three.memoryPlan().table());
        assertArrayEquals(one.tokens(), split.tokens(), "greedy tokens");
        for (int step = 0; step < one.logits().size(); step++) {
            assertArrayEquals(bits(one.logits().get(step)), bits(split.logits().get(step)),
                    "three plans changed the logits at step " + step);
        }
    }

    /** Budgets of a two-block model where one device holds a block and the output unit, not both blocks. */
    private static List<Long> oneBlockEach(Path model) throws IOException {
        try (WeightStore weights = WeightStores.open(model, new WeightStores.Df11Options(2))) {
            MemoryPlan.ModelBytes bytes = MemoryPlan.ModelBytes.of(weights,
                    new dev.df11.tornado.forward.ForwardShape(weights.config(), CONTEXT, MAX_BATCH),
                    DecodeMode.EXACT);
            long decode = Math.max(Arrays.stream(bytes.layerDecode()).max().orElseThrow(), bytes.outputDecode());
            long block = Arrays.stream(bytes.layerWeights()).max().orElseThrow() + bytes.cachePerPosition() * CONTEXT;
            long budget = bytes.activationsFixed() + bytes.activationsPerPosition() * CONTEXT + decode + block
                    + bytes.outputWeights() + block / 5;
            return List.of(budget, budget);
        }
    }

    /** {@code --devices auto} over two candidates that each hold the model: one device, no pipeline; its plan kept. */
    @Test
    void autoOverDevicesThatEachHoldTheModelTakesOne() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-auto-one"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 25);
        TornadoBackend auto = TornadoBackend.auto(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT),
                Collections.nCopies(2, (TornadoDevice) null), List.of("0:0", "0:1"), List.of(1L << 30, 1L << 30));
        Generation.run(auto, WeightStores.open(dir, new WeightStores.Df11Options(2)), PROMPT, 1, CONTEXT, MAX_BATCH);
        MemoryPlan plan = auto.memoryPlan();
        assertEquals(1, plan.devices().size(), plan.table());
        assertTrue(plan.devices().get(0).device().name().startsWith("0:0 "), plan.table());
        assertEquals(RandomModelWriter.LAYERS, plan.devices().get(0).layers());
    }

    /**
     * {@code --devices auto} over three candidates of which one alone is too small and two hold the model: a pipeline
     * of the first two, with one plan's tokens and logits.
     */
    @Test
    void autoOverDevicesTooSmallAloneRunsThePipelineOfTheFewestThatHoldIt() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-auto-two"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 26);
        var options = new WeightStores.Df11Options(2);
        List<Long> two = oneBlockEach(dir);
        TornadoBackend auto = TornadoBackend.auto(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT),
                Collections.nCopies(3, (TornadoDevice) null), List.of("0:0", "0:1", "0:2"),
                List.of(two.get(0), two.get(1), two.get(1)));
        Generation split = Generation.run(auto, WeightStores.open(dir, options), PROMPT, STEPS, CONTEXT, MAX_BATCH);
        MemoryPlan plan = auto.memoryPlan();
        assertEquals(2, plan.devices().size(), plan.table());
        assertTrue(plan.devices().get(1).device().name().startsWith("0:1 "), plan.table());
        Generation one = Generation.run(TornadoBackendAgreementTest.tornado(), WeightStores.open(dir, options),
                PROMPT, STEPS, CONTEXT, MAX_BATCH);
        assertArrayEquals(one.tokens(), split.tokens(), "greedy tokens");
        for (int step = 0; step < one.logits().size(); step++) {
            assertArrayEquals(bits(one.logits().get(step)), bits(split.logits().get(step)),
                    "auto's pipeline changed the logits at step " + step);
        }
    }

    @Test
    void autoOverDevicesThatDoNotHoldTheModelTogetherIsRefusedAtLoad() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-auto-none"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 27);
        TornadoBackend auto = TornadoBackend.auto(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT),
                Collections.nCopies(2, (TornadoDevice) null), List.of("0:0", "0:1"), List.of(16L << 10, 16L << 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Generation.run(auto,
                WeightStores.open(dir, new WeightStores.Df11Options(2)), PROMPT, 1, CONTEXT, MAX_BATCH));
        assertTrue(e.getMessage().contains("--devices auto: the model does not fit the 2 devices like the default one "
                + "(0:0,0:1) together"), e.getMessage());
    }

    /**
     * Serving slots over a pipeline: budgets that hold two blocks' worth of one slot more on each device than the
     * blocks need. The slots are those every device holds, not the devices' memory summed: the plan at that count
     * fits, and one more slot would not.
     */
    @Test
    void pipelineSlotsAreThoseEveryDeviceHolds() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pipeline-slots"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 28);
        var options = new WeightStores.Df11Options(2);
        List<Long> budgets = oneBlockEach(dir);
        try (WeightStore weights = WeightStores.open(dir, options);
             TornadoBackend backend = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT),
                     Collections.nCopies(2, (TornadoDevice) null), budgets)) {
            backend.reserveSequences(64);
            backend.load(weights, CONTEXT, MAX_BATCH);
            int slots = backend.maxSequences();
            assertTrue(slots >= 1 && slots < 64, "slots " + slots);
            assertTrue(backend.memoryPlan().devices().stream().allMatch(p -> p.headroom() >= 0),
                    backend.memoryPlan().table());
            MemoryPlan.ModelBytes more = MemoryPlan.ModelBytes.of(weights,
                    new dev.df11.tornado.forward.ForwardShape(weights.config(), CONTEXT, MAX_BATCH, slots + 1),
                    DecodeMode.EXACT);
            List<MemoryPlan.Device> devices = backend.memoryPlan().devices().stream()
                    .map(MemoryPlan.Placement::device).toList();
            assertThrows(IllegalArgumentException.class, () -> MemoryPlan.of(more, CONTEXT, devices));
        }
    }

    /** One device that does not hold the model: refused before anything is allocated, with the plan. */
    @Test
    void oneDeviceThatDoesNotHoldTheModelIsRefusedBeforeLoading() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("one-device-small"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 29);
        TornadoBackend backend = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT),
                Collections.singletonList((TornadoDevice) null), List.of(64L << 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Generation.run(backend,
                WeightStores.open(dir, new WeightStores.Df11Options(2)), PROMPT, 1, CONTEXT, MAX_BATCH));
        assertTrue(e.getMessage().contains("the model does not fit 1 device at a context of " + CONTEXT),
                e.getMessage());
        assertTrue(e.getMessage().contains("device #0 ("), e.getMessage());
    }
}
