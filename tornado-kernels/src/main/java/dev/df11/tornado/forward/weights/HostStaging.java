package dev.df11.tornado.forward.weights;

import dev.df11.tornado.api.ArrayAllocator;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The host side of one upload: the device arrays of one decoder block (its unit's weight arrays and its KV cache) or
 * of the output unit, as TornadoVM host arrays whose memory exists only around the upload.
 *
 * <p>TornadoVM needs every array a task graph uses when the graph is built, and keeps a host copy of each: it moves a
 * {@code FIRST_EXECUTION} array from that copy on the graph's first execution and never reads it again (see
 * {@code ForwardPlan} for when that holds). So the arrays are made when the graphs are built, in anonymous mappings
 * that take no memory until written ({@link AnonymousMemory}); {@link #fill} writes them right before the graph's
 * first execution, and {@link #release} gives their pages back once the device holds them, so host memory holds one
 * graph's weights at a time instead of the model's. {@link #close} retires them once the execution plan is closed.
 * Where mappings are not available the arrays come from an arena and are kept until {@link #close} (every array then
 * has a host copy for the plan's lifetime, as TornadoVM's own arrays do).
 *
 * <p>States: arrays are made, then {@link #fill} (once; later calls do nothing), then {@link #release} (pages given
 * back), then {@link #close}. Asking for an array after {@link #fill}, or filling after {@link #release}, is an
 * {@link IllegalStateException}.
 */
public final class HostStaging implements ArrayAllocator, AutoCloseable {

    /** One array's memory, and whether device kernels write the array (its device copy then differs from it). */
    private record Region(MemorySegment segment, boolean readOnly) {
    }

    private final String name;
    private final List<Region> regions = new ArrayList<>();
    private final List<Runnable> fillers = new ArrayList<>();
    /** The model's segments the fillers read ({@link #readFrom}), while filling. */
    private final List<MemorySegment> sources = new ArrayList<>();
    /** Where the arrays come from when mappings are not available; null when they are. */
    private final Arena arena;
    private boolean filled;
    private boolean released;
    private boolean closed;
    private long releasedBytes;

    /** @param name what the arrays are, for messages ("layer 3", "the output unit") */
    public HostStaging(String name) {
        this.name = name;
        this.arena = AnonymousMemory.available() ? null : Arena.ofShared();
    }

    /** What the arrays are, for messages. */
    public String name() {
        return name;
    }

    @Override
    public synchronized IntArray ints(int length) {
        return IntArray.fromSegmentShallow(segment((long) length * Integer.BYTES, true));
    }

    @Override
    public synchronized ByteArray bytes(int length) {
        return ByteArray.fromSegmentShallow(segment(length, true));
    }

    @Override
    public synchronized FloatArray floats(int length) {
        return FloatArray.fromSegmentShallow(segment((long) length * Float.BYTES, true));
    }

    /** A zero-filled float array that device kernels write (a KV cache): uploaded once, like the weights. */
    public synchronized FloatArray writtenFloats(int length) {
        return FloatArray.fromSegmentShallow(segment((long) length * Float.BYTES, false));
    }

    /** Registers what {@link #fill} writes; run in order of registration. */
    public synchronized void onFill(Runnable filler) {
        checkOpen();
        if (filled) {
            throw new IllegalStateException(name + ": its host arrays are already filled");
        }
        fillers.add(filler);
    }

    private MemorySegment segment(long dataBytes, boolean readOnly) {
        checkOpen();
        if (filled) {
            throw new IllegalStateException(name + ": its host arrays are already filled");
        }
        if (dataBytes <= 0) {
            throw new IllegalArgumentException(name + ": TornadoVM cannot allocate an empty array");
        }
        long bytes = TornadoNativeArray.ARRAY_HEADER + dataBytes;
        MemorySegment segment = arena != null ? arena.allocate(bytes, Long.BYTES)
                : AnonymousMemory.map(bytes, "the host copy of " + name);
        regions.add(new Region(segment, readOnly));
        return segment;
    }

    /**
     * Called by a filler for each segment of the model it reads, so that {@link #fill} can drop the pages of a
     * memory-mapped model file once they are read.
     */
    public synchronized void readFrom(MemorySegment source) {
        sources.add(source);
    }

    /**
     * Writes the arrays (the first call only): right before their upload. With {@code dropSourcePages}, the pages of
     * the memory-mapped model file that the fillers read ({@link #readFrom}) are then unmapped from this process
     * ({@link MemorySegment#unload}: they stay in the page cache, and a later read of the model maps them again), so
     * the model's file does not add up in resident memory as its graphs upload; segments not mapped from a file are
     * left alone.
     */
    public synchronized void fill(boolean dropSourcePages) {
        checkOpen();
        if (filled) {
            return;
        }
        if (released) {
            throw new IllegalStateException(name + ": its host arrays were released; they cannot be filled again");
        }
        for (Runnable filler : fillers) {
            filler.run();
        }
        if (dropSourcePages) {
            for (MemorySegment source : sources) {
                if (source.isMapped() && source.byteSize() > 0) {
                    source.unload();
                }
            }
        }
        fillers.clear();   // and with them the references to the model's segments
        sources.clear();
        filled = true;
    }

    /** {@link #fill(boolean)} keeping the model file's pages. */
    public void fill() {
        fill(false);
    }

    /**
     * Gives back the pages of the arrays of at least {@code minBytes} bytes, and of arrays kernels write only when
     * {@code writtenToo}; a negative {@code minBytes} releases nothing. Call only once the device holds the arrays
     * and nothing will read their host copies again. The mappings stay valid: a read afterwards sees zeros.
     *
     * @return bytes given back
     */
    public synchronized long release(long minBytes, boolean writtenToo) {
        checkOpen();
        if (released || minBytes < 0 || arena != null) {
            return 0;
        }
        long total = 0;
        for (Region region : regions) {
            if (region.segment().byteSize() >= minBytes && (writtenToo || region.readOnly())
                    && AnonymousMemory.discard(region.segment())) {
                total += region.segment().byteSize();
            }
        }
        released = true;
        releasedBytes = total;
        return total;
    }

    /** Bytes {@link #release} gave back. */
    public synchronized long releasedBytes() {
        return releasedBytes;
    }

    /** Whether {@link #release} has run. */
    public synchronized boolean released() {
        return released;
    }

    /** Bytes of all arrays (headers included). */
    public synchronized long bytes() {
        return regions.stream().mapToLong(r -> r.segment().byteSize()).sum();
    }

    /**
     * Gives the arrays' memory back and keeps their addresses from being handed out again
     * ({@link AnonymousMemory#retire}: a device driver may still hold them registered); only once nothing (no
     * execution plan) can use them. Later calls do nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        fillers.clear();
        if (arena != null) {
            arena.close();
        } else {
            for (Region region : regions) {
                AnonymousMemory.retire(region.segment());
            }
        }
        regions.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + ": its host arrays are closed");
        }
    }
}
