package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Threads device buffers through a sequence of task graphs that always run in order. The first graph that uses a
 * buffer allocates it (moving its initial contents once, {@code FIRST_EXECUTION}); every later graph takes the device
 * copy from the graph before it ({@code consumeFromDevice}) and hands it on ({@code persistOnDevice}), so the
 * activations never visit the host between graphs. A graph carries every buffer created before it, so that the next
 * graph always finds what it consumes in its predecessor.
 */
final class SharedChain {

    private final List<Object> carried = new ArrayList<>();
    private final Set<Object> known = Collections.newSetFromMap(new IdentityHashMap<>());
    private String previous;

    /**
     * Declares on {@code graph} the buffers it consumes and creates. Call before adding tasks; finish a graph that
     * passes the buffers on with {@link #handOn}.
     *
     * @param passOn whether a later graph follows (then the graph takes over every carried buffer, used or not;
     *               the last graph takes only those it uses)
     * @param uses   the shared buffers the graph's tasks use (the new ones are created here)
     */
    TaskGraph join(TaskGraph graph, boolean passOn, Object... uses) {
        List<Object> consumed = new ArrayList<>();
        if (passOn) {
            consumed.addAll(carried);
        } else {
            for (Object buffer : uses) {
                if (known.contains(buffer)) {
                    consumed.add(buffer);
                }
            }
        }
        if (previous != null && !consumed.isEmpty()) {
            graph = graph.consumeFromDevice(previous, consumed.toArray());
        }
        List<Object> fresh = new ArrayList<>();
        for (Object buffer : uses) {
            if (known.add(buffer)) {
                fresh.add(buffer);
            }
        }
        if (!fresh.isEmpty()) {
            graph = graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, fresh.toArray());
        }
        carried.addAll(fresh);
        return graph;
    }

    /**
     * Marks {@code buffer} as shared from the graph being built on, which moves it to the device itself (for example
     * on every execution).
     */
    void adopt(Object buffer) {
        if (known.add(buffer)) {
            carried.add(buffer);
        }
    }

    /** Keeps every shared buffer on the device for the next graph. */
    TaskGraph handOn(TaskGraph graph) {
        previous = graph.getTaskGraphName();
        return graph.persistOnDevice(carried.toArray());
    }

    /** Whether {@code buffer} was created by an earlier graph. */
    boolean carries(Object buffer) {
        return known.contains(buffer);
    }
}
