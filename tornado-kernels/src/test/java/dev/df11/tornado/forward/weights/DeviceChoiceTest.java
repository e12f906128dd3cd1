package dev.df11.tornado.forward.weights;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --devices auto}, a pipeline's KV slots and the {@code --devices} suggestion, on fake device sizes (no device
 * is touched).
 */
class DeviceChoiceTest {

    private static final long MIB = 1L << 20;
    private static final int CONTEXT = 1024;

    /**
     * {@code layers} blocks of 100 MiB, a 300 MiB output unit, decode buffers of 10 MiB per block and 40 MiB for the
     * output unit, activations of 2 MiB plus 64 bytes per position, and {@code cacheKib} KiB of KV cache per block,
     * position and sequence slot.
     */
    private static IntFunction<MemoryPlan.ModelBytes> model(int layers, long cacheKib) {
        long[] weights = new long[layers];
        long[] decode = new long[layers];
        Arrays.fill(weights, 100 * MIB);
        Arrays.fill(decode, 10 * MIB);
        return slots -> new MemoryPlan.ModelBytes(weights, decode, 300 * MIB, 40 * MIB, slots * cacheKib * 1024,
                2 * MIB, 64);
    }

    /** {@code count} GPUs of {@code mib} MiB each, ids 1:0, 1:1, ... */
    private static List<DeviceChoice.Candidate> gpus(int count, long mib) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(d -> new DeviceChoice.Candidate("1:" + d, "GPU", mib * MIB)).toList();
    }

    @Test
    void autoTakesOneDeviceWhenTheModelFitsOne() {
        DeviceChoice.Choice choice = DeviceChoice.choose(model(8, 1), CONTEXT, gpus(3, 2000), 1);
        assertEquals("1:0", choice.ids());
        assertEquals(1, choice.plan().devices().size());
        assertEquals(8, choice.plan().devices().get(0).layers());
        assertEquals(1, choice.sequences());
    }

    /** 32 blocks (about 3.5 GiB with the output unit) need two 2000 MiB GPUs of four; the other two stay out. */
    @Test
    void autoTakesTheFewestLeadingDevicesThatHoldTheModel() {
        DeviceChoice.Choice choice = DeviceChoice.choose(model(32, 1), CONTEXT, gpus(4, 2000), 1);
        assertEquals("1:0,1:1", choice.ids());
        assertEquals(2, choice.plan().devices().size());
        assertEquals(32, choice.plan().devices().get(1).endLayer());
        assertTrue(choice.plan().devices().stream().allMatch(p -> p.headroom() >= 0), choice.plan().table());
    }

    @Test
    void autoRefusalNamesTheCandidatesAndSaysHowManyDevicesWouldFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceChoice.choose(model(32, 1), CONTEXT, gpus(1, 2000), 1));
        assertTrue(e.getMessage().contains("--devices auto: the model does not fit the 1 device like the default one "
                + "(1:0) together"), e.getMessage());
        assertTrue(e.getMessage().contains("It would fit 2 devices"), e.getMessage());
    }

    @Test
    void autoWithNoCandidatesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceChoice.choose(model(8, 1), CONTEXT, List.of(), 1));
        assertTrue(e.getMessage().contains("no devices to choose from"), e.getMessage());
    }

    /**
     * 8 blocks with 64 MiB of KV cache per block and slot at this context: one 2000 MiB GPU holds the model with one
     * slot (1654 MiB), two hold it with four (the fifth overflows the second device by its output unit).
     */
    @Test
    void autoTakesAnotherDeviceForTheSlotsAskedFor() {
        IntFunction<MemoryPlan.ModelBytes> bytes = model(8, 64);
        assertEquals("1:0", DeviceChoice.choose(bytes, CONTEXT, gpus(2, 2000), 1).ids());
        DeviceChoice.Choice four = DeviceChoice.choose(bytes, CONTEXT, gpus(3, 2000), 4);
        assertEquals("1:0,1:1", four.ids());
        assertEquals(4, four.sequences());
    }

    /** When no number of candidates holds every slot asked for: the fewest that hold the most. */
    @Test
    void autoTakesTheFewestDevicesHoldingTheMostSlotsWhenNoneHoldAll() {
        DeviceChoice.Choice choice = DeviceChoice.choose(model(8, 64), CONTEXT, gpus(2, 2000), 16);
        assertEquals("1:0,1:1", choice.ids());
        assertEquals(4, choice.sequences());
        DeviceChoice.Choice one = DeviceChoice.choose(model(8, 64), CONTEXT, gpus(1, 2000), 16);
        assertEquals(1, one.sequences());
    }

    /**
     * Two 2000 MiB devices: their memory summed, less the fixed shares, would hold five slots (5 x 512 MiB plus 1156
     * MiB), but blocks go whole to one device, and with five the second overflows: four.
     */
    @Test
    void pipelineSlotsAreThoseEveryDeviceHolds() {
        List<MemoryPlan.Device> two = gpus(2, 2000).stream().map(DeviceChoice.Candidate::device).toList();
        assertEquals(4, DeviceChoice.sequencesThatFit(model(8, 64), CONTEXT, two, 16));
        assertEquals(3, DeviceChoice.sequencesThatFit(model(8, 64), CONTEXT, two, 3));
    }

    @Test
    void pipelineSlotsAreZeroWhenNotEvenOneFits() {
        List<MemoryPlan.Device> small = gpus(2, 500).stream().map(DeviceChoice.Candidate::device).toList();
        assertEquals(0, DeviceChoice.sequencesThatFit(model(8, 64), CONTEXT, small, 4));
    }

    @Test
    void aTooSmallDeviceGetsTheDevicesListThatHoldsTheModel() {
        Optional<DeviceChoice.Choice> fit = DeviceChoice.fewestThatFit(model(32, 1).apply(1), CONTEXT, gpus(3, 2000));
        assertTrue(fit.isPresent());
        assertEquals("1:0,1:1", fit.get().ids());
    }

    @Test
    void noDevicesListIsSuggestedWhenAllTogetherAreTooSmall() {
        assertTrue(DeviceChoice.fewestThatFit(model(32, 1).apply(1), CONTEXT, gpus(3, 1000)).isEmpty());
    }

    @Test
    void noDevicesListIsSuggestedForALoneDevice() {
        assertTrue(DeviceChoice.fewestThatFit(model(32, 1).apply(1), CONTEXT, gpus(1, 2000)).isEmpty());
    }
}
