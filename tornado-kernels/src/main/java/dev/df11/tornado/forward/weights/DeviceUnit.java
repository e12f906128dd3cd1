package dev.df11.tornado.forward.weights;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * One weight unit's matrices as a task graph sees them: plain BF16 that the graph moves to the device itself,
 * or a DF11 unit whose compressed arrays move once and which a decode task expands into the shared BF16 decode
 * buffer at the start of the graph. Either way the kernels then read BF16 matrices at the unit's slot offsets, from
 * an IntArray of BF16 pairs ({@link dev.df11.tornado.forward.Bf16Words}).
 */
public sealed interface DeviceUnit permits PlainDeviceUnit, CompressedDeviceUnit {

    /** The unit's name, for messages. */
    String name();

    /** Whether this unit is decoded into the shared decode buffer. */
    boolean compressed();

    /** Elements the decode buffer needs for this unit (0 for plain units). */
    int decodedElements();

    /** The BF16 pairs the kernels read this unit's matrices from, once {@link #addDecode} has run. */
    IntArray matrices(IntArray decodeBuffer);

    /** Declares the transfers of this unit's own arrays on {@code graph}. */
    TaskGraph addTransfers(TaskGraph graph);

    /**
     * Adds the task that makes the matrices available (nothing for plain units) as task {@code taskName}, with its
     * launch grid registered under {@code graphName.taskName}.
     */
    TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray decodeBuffer,
            GridScheduler grids);

    /** Device bytes of this unit's own arrays (for a DF11 unit: the compressed arrays). */
    long deviceBytes();
}
