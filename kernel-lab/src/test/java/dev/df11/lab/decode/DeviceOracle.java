package dev.df11.lab.decode;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The check every GPU decode test makes: the device output equals the CPU decoder's, bit for bit. */
public final class DeviceOracle {

    private DeviceOracle() {
    }

    /** Decodes {@code unit} on the CPU and with {@code version} on the default TornadoVM device; asserts equality. */
    public static void assertDecodesLikeCpu(Df11Unit unit, KernelVersion version) {
        long bytes = 2 * unit.elementCount();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment cpu = arena.allocate(Math.max(2, bytes));
            new Df11Decoder(2).decode(unit, cpu);
            MemorySegment gpu = arena.allocate(Math.max(2, bytes));
            gpu.fill((byte) 0x5A);   // so that an element the kernel skips cannot look right by accident
            try (TornadoDecoder decoder = new TornadoDecoder(LadderUnit.of(unit, "test"), version, null, false)) {
                decoder.decode(gpu);
            }
            long mismatch = MemorySegment.mismatch(cpu, 0, bytes, gpu, 0, bytes);
            assertEquals(-1L, mismatch, () -> unit.name() + " (" + unit.elementCount() + " elements) with " + version
                    + ": element " + mismatch / 2 + " differs from the CPU decoder");
        }
    }

    /** The original BF16 values must also be what the CPU decoder returns (guards the oracle itself). */
    public static void assertCpuRoundTrip(Df11Unit unit, MemorySegment originalBf16) {
        long bytes = 2 * unit.elementCount();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment cpu = arena.allocate(Math.max(2, bytes));
            new Df11Decoder(2).decode(unit, cpu);
            assertEquals(-1L, MemorySegment.mismatch(cpu, 0, bytes, originalBf16, 0, bytes),
                    () -> unit.name() + ": the CPU decoder does not return the originals");
        }
    }
}
