package dev.df11.tornado.forward.weights;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Which devices a model runs on and how many KV-cache slots they hold, decided from sizes alone (device descriptions
 * and {@link MemoryPlan.ModelBytes} in, a {@link MemoryPlan} out), so that it is tested without a device.
 *
 * <ul>
 * <li>{@code --devices auto} ({@link #choose}): the fewest leading candidates (GPUs like the default device, in
 * order) whose plan holds the model with every KV slot asked for; one device when it holds them (no pipeline hops). If
 * no number of them holds every slot, the fewest that hold the most slots; if none holds the model at all, the refusal
 * of the plan over all of them (which says how many devices or how short a context would fit).</li>
 * <li>A pipeline's slots ({@link #sequencesThatFit}): the most that every device's share holds, not just their sum.</li>
 * <li>A single device that is too small ({@link #fewestThatFit}): the devices to suggest with {@code --devices}.</li>
 * </ul>
 */
public final class DeviceChoice {

    private DeviceChoice() {
    }

    /** A device the backend may use: the id {@code --devices} takes and the bytes it may plan with. */
    public record Candidate(String id, String description, long bytes) {
        public MemoryPlan.Device device() {
            return new MemoryPlan.Device(id + " (" + description + ")", bytes);
        }
    }

    /** The devices chosen (leading candidates, in order), the KV slots they hold, and their plan. */
    public record Choice(List<Candidate> devices, int sequences, MemoryPlan plan) {

        /** The ids as {@code --devices} takes them (one id when one device was chosen). */
        public String ids() {
            return String.join(",", devices.stream().map(Candidate::id).toList());
        }
    }

    /**
     * The most KV slots, 1 to {@code requested}, whose plan fits every one of {@code devices}; 0 when not even one
     * does. {@code bytes} gives the model's sizes for a slot count (the KV cache and activations grow with it).
     */
    public static int sequencesThatFit(IntFunction<MemoryPlan.ModelBytes> bytes, int context,
            List<MemoryPlan.Device> devices, int requested) {
        if (requested < 1) {
            throw new IllegalArgumentException("requested sequences must be >= 1, got " + requested);
        }
        if (!fits(bytes.apply(1), context, devices)) {
            return 0;
        }
        int low = 1;
        int high = requested;
        while (low < high) {     // the plan's needs grow with the slots: the largest count that fits
            int mid = low + (high - low + 1) / 2;
            if (fits(bytes.apply(mid), context, devices)) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /**
     * {@code --devices auto}: see the class comment.
     *
     * @param requested the KV slots asked for (1 outside serving)
     * @throws IllegalArgumentException when no candidate list holds the model, with the plan over all candidates
     */
    public static Choice choose(IntFunction<MemoryPlan.ModelBytes> bytes, int context, List<Candidate> candidates,
            int requested) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("--devices auto: the backend has no devices to choose from");
        }
        int layers = bytes.apply(1).layerWeights().length;
        int bestCount = 0;
        int bestSequences = 0;
        for (int n = 1; n <= Math.min(candidates.size(), layers); n++) {
            int sequences = sequencesThatFit(bytes, context, devices(candidates.subList(0, n)), requested);
            if (sequences > bestSequences) {
                bestCount = n;
                bestSequences = sequences;
            }
            if (sequences == requested) {
                break;
            }
        }
        if (bestCount == 0) {
            try {
                MemoryPlan.of(bytes.apply(1), context, devices(candidates.subList(0, Math.min(candidates.size(),
                        layers))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--devices auto: the model does not fit the " + candidates.size()
                        + " device" + (candidates.size() == 1 ? "" : "s") + " like the default one ("
                        + String.join(",", candidates.stream().map(Candidate::id).toList()) + ") together. "
                        + e.getMessage(), e);
            }
            throw new IllegalStateException("a plan that fits was refused");   // fits() and of() agree
        }
        List<Candidate> chosen = List.copyOf(candidates.subList(0, bestCount));
        return new Choice(chosen, bestSequences, MemoryPlan.of(bytes.apply(bestSequences), context, devices(chosen)));
    }

    /**
     * The fewest leading candidates that hold the model (one KV slot) together, when it takes more than one: what to
     * suggest when it does not fit the one device asked for. Empty when one device holds it or none of the lists does.
     */
    public static Optional<Choice> fewestThatFit(MemoryPlan.ModelBytes bytes, int context, List<Candidate> candidates) {
        for (int n = 2; n <= Math.min(candidates.size(), bytes.layerWeights().length); n++) {
            List<Candidate> some = List.copyOf(candidates.subList(0, n));
            if (fits(bytes, context, devices(some))) {
                return Optional.of(new Choice(some, 1, MemoryPlan.of(bytes, context, devices(some))));
            }
        }
        return Optional.empty();
    }

    private static boolean fits(MemoryPlan.ModelBytes bytes, int context, List<MemoryPlan.Device> devices) {
        return devices.size() <= bytes.layerWeights().length
                && MemoryPlan.place(bytes, context, devices).devices().stream().allMatch(p -> p.headroom() >= 0);
    }

    private static List<MemoryPlan.Device> devices(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::device).toList();
    }
}
