package dev.df11.tornado.forward.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host side of an upload: arrays made empty, filled once right before the upload, their pages given back after. */
class HostStagingTest {

    @Test
    void arraysAreZeroUntilFilledAndFilledOnce() {
        try (HostStaging staging = new HostStaging("layer 0")) {
            IntArray words = staging.ints(5_000);
            AtomicInteger fills = new AtomicInteger();
            staging.onFill(() -> {
                fills.incrementAndGet();
                for (int i = 0; i < words.getSize(); i++) {
                    words.set(i, 3 * i + 1);
                }
            });
            assertEquals(5_000, words.getSize());
            assertEquals(0, words.get(4_999), "unwritten memory reads as zero");
            staging.fill();
            staging.fill();
            assertEquals(1, fills.get(), "filled once");
            assertEquals(3 * 4_999 + 1, words.get(4_999));
        }
    }

    @Test
    void aReleasedArrayReadsAsZerosInsteadOfFaulting() {
        assertTrue(AnonymousMemory.available(), "this test needs Linux mappings");
        try (HostStaging staging = new HostStaging("layer 1")) {
            IntArray words = staging.ints(1 << 20);
            staging.onFill(() -> words.init(7));
            staging.fill();
            assertEquals(7, words.get(12_345));
            long released = staging.release(0, true);
            assertEquals(staging.bytes(), released, "every array released");
            assertEquals(0, words.get(12_345), "the mapping stays; its pages are gone");
            assertTrue(staging.released());
        }
    }

    @Test
    void arraysBelowTheFloorAndArraysKernelsWriteAreKeptWhenAsked() {
        try (HostStaging staging = new HostStaging("layer 2")) {
            IntArray big = staging.ints(1 << 20);
            IntArray small = staging.ints(16);
            FloatArray cache = staging.writtenFloats(1 << 20);
            staging.onFill(() -> {
                big.init(1);
                small.init(2);
                cache.init(3f);
            });
            staging.fill();
            long released = staging.release(1 << 20, false);
            assertEquals(big.getNumBytesOfSegment() + TornadoNativeArray.ARRAY_HEADER, released,
                    "only the large read-only array (its header counted)");
            assertEquals(0, big.get(5));
            assertEquals(2, small.get(5));
            assertEquals(3f, cache.get(5));
        }
    }

    @Test
    void droppingTheModelFilesPagesKeepsWhatTheyRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("weights.bin");
        byte[] bytes = new byte[3 * 4096 + 100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(file, bytes);
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             HostStaging staging = new HostStaging("layer 5")) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            MemorySegment onHeap = MemorySegment.ofArray(bytes.clone());
            IntArray words = staging.ints(bytes.length / 4);
            staging.onFill(() -> {
                MemorySegment slice = mapped.asSlice(100, 4096);
                MemorySegment.copy(slice, 0, words.getSegment(), 0, slice.byteSize());
                staging.readFrom(slice);
                staging.readFrom(onHeap);   // not a mapping: left alone
            });
            staging.fill(true);
            assertEquals(bytes[100 + 4000], words.getSegment().get(ValueLayout.JAVA_BYTE, 4000));
            assertEquals(bytes[5000], mapped.get(ValueLayout.JAVA_BYTE, 5000), "a later read maps the page again");
            assertEquals(bytes[7], onHeap.get(ValueLayout.JAVA_BYTE, 7));
        }
    }

    @Test
    void closedArraysKeepTheirAddressesReservedAndInaccessible() throws IOException {
        assertTrue(AnonymousMemory.available(), "this test needs Linux mappings");
        HostStaging staging = new HostStaging("layer 6");
        IntArray words = staging.ints(1 << 20);
        staging.onFill(() -> words.init(5));
        staging.fill();
        long address = words.getSegment().address();
        assertEquals("rw-p", permissionsAt(address));
        staging.close();
        assertEquals("---p", permissionsAt(address),
                "retired, not unmapped: a later mapping cannot land where a driver may still hold a registration");
    }

    /** The permissions of the mapping of this process that holds {@code address}, from /proc/self/maps. */
    private static String permissionsAt(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] fields = line.split("\\s+");
            String[] range = fields[0].split("-");
            if (Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16)) {
                return fields[1];
            }
        }
        return "unmapped";
    }

    @Test
    void aNegativeFloorReleasesNothing() {
        try (HostStaging staging = new HostStaging("the output unit")) {
            IntArray words = staging.ints(64);
            staging.onFill(() -> words.init(9));
            staging.fill();
            assertEquals(0, staging.release(-1, true));
            assertEquals(9, words.get(63));
            assertFalse(staging.released());
        }
    }

    @Test
    void askingForArraysOnceFilledIsRefusedNamingTheUpload() {
        try (HostStaging staging = new HostStaging("layer 3")) {
            staging.ints(4);
            staging.fill();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> staging.ints(4));
            assertTrue(e.getMessage().contains("layer 3"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> staging.onFill(() -> { }));
        }
    }

    @Test
    void aClosedStagingRefusesToFill() {
        HostStaging staging = new HostStaging("layer 4");
        staging.ints(4);
        staging.close();
        staging.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, staging::fill);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
