package dev.df11.runtime.cpu;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.weights.WeightUnit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The buffers DF11 units are decoded into: allocated once, each large enough for the largest unit, and reused.
 *
 * <p>With one buffer a unit is decoded when it is acquired (unless it is still there from the previous call). With
 * two buffers, acquiring a unit also starts decoding the unit that follows it in forward order into the other
 * buffer on a background thread, so that decode overlaps the compute of the current unit. A buffer returned by
 * {@link #acquire} stays untouched until the next call.
 */
final class UnitDecodeBuffers implements AutoCloseable {

    private final Df11Decoder decoder;
    private final Function<String, Df11Unit> units;
    private final List<WeightUnit> forwardOrder;
    private final Arena arena = Arena.ofShared();
    private final Slot[] slots;
    private final ExecutorService background;
    private int current = -1;

    private final AtomicLong decodes = new AtomicLong();
    private final AtomicLong decodeNanos = new AtomicLong();
    private final AtomicLong decodedBytes = new AtomicLong();

    private static final class Slot {
        final MemorySegment segment;
        String holds;            // unit decoded (or being decoded) here, null if none
        Future<?> pending;       // background decode in flight, null if none

        Slot(MemorySegment segment) {
            this.segment = segment;
        }
    }

    /**
     * @param units        DF11 units by name
     * @param forwardOrder the compressed units in the order a forward pass acquires them (cyclic)
     * @param prefetch     two buffers and a background decoder thread instead of one buffer
     */
    UnitDecodeBuffers(Df11Decoder decoder, Function<String, Df11Unit> units, List<WeightUnit> forwardOrder,
                      boolean prefetch) {
        this.decoder = decoder;
        this.units = units;
        this.forwardOrder = List.copyOf(forwardOrder);
        long maxElements = forwardOrder.stream().mapToLong(WeightUnit::elementCount).max().orElse(0);
        this.slots = new Slot[prefetch ? 2 : 1];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(arena.allocate(2 * maxElements, 64));
        }
        this.background = prefetch ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "df11-prefetch-decoder");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    long bufferBytes() {
        return slots.length * slots[0].segment.byteSize();
    }

    /** The decoded BF16 elements of a compressed unit (a prefix of a buffer), valid until the next call. */
    MemorySegment acquire(WeightUnit unit) {
        if (unit.elementCount() * 2 > slots[0].segment.byteSize()) {
            throw new IllegalArgumentException("unit " + unit.name() + " is not one these buffers decode");
        }
        int slot = find(unit.name());
        if (slot >= 0) {
            await(slots[slot]);
        } else {
            slot = slots.length == 1 ? 0 : 1 - Math.max(current, 0);
            Slot target = slots[slot];
            await(target);     // a prefetch that guessed wrong must finish before its buffer is reused
            target.holds = null;
            decodeInto(unit, target);
            target.holds = unit.name();
        }
        current = slot;
        if (background != null) {
            prefetchAfter(unit);
        }
        return slots[slot].segment.asSlice(0, 2 * unit.elementCount());
    }

    private void prefetchAfter(WeightUnit unit) {
        int index = forwardOrder.indexOf(unit);
        if (index < 0 || forwardOrder.size() < 2) {
            return;
        }
        WeightUnit next = forwardOrder.get((index + 1) % forwardOrder.size());
        if (find(next.name()) >= 0) {
            return;
        }
        Slot other = slots[1 - current];
        await(other);
        other.holds = next.name();
        other.pending = background.submit(() -> decodeInto(next, other));
    }

    private int find(String unitName) {
        for (int i = 0; i < slots.length; i++) {
            if (unitName.equals(slots[i].holds)) {
                return i;
            }
        }
        return -1;
    }

    private void decodeInto(WeightUnit unit, Slot slot) {
        WeightUnit.DecodeRange range = unit.source();
        long start = System.nanoTime();
        decoder.decodeRange(units.apply(range.unit()), range.from(), range.to(), slot.segment);
        decodeNanos.addAndGet(System.nanoTime() - start);
        decodes.incrementAndGet();
        decodedBytes.addAndGet(2 * range.elementCount());
    }

    /** Waits for a background decode into this slot; a failed one leaves the slot empty and rethrows. */
    private static void await(Slot slot) {
        Future<?> pending = slot.pending;
        if (pending == null) {
            return;
        }
        slot.pending = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    pending.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;     // keep waiting: the decoder is still writing into the buffer
                }
            }
        } catch (ExecutionException e) {
            slot.holds = null;
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("background decode of " + slot.holds + " failed", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Units decoded so far (in the background too). */
    long decodes() {
        return decodes.get();
    }

    /** Time spent decoding them, on whichever thread did it. */
    long decodeNanos() {
        return decodeNanos.get();
    }

    /** BF16 bytes produced. */
    long decodedBytes() {
        return decodedBytes.get();
    }

    @Override
    public void close() {
        for (Slot slot : slots) {
            try {
                await(slot);
            } catch (RuntimeException ignored) {
                // closing: a failed prefetch no longer matters
            }
        }
        if (background != null) {
            background.shutdownNow();
        }
        arena.close();
    }
}
