package dev.df11.tornado.forward.weights;

import dev.df11.tornado.forward.WeightPlanes;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * One weight unit's matrices as a task graph sees them: plain BF16 that the graph moves to the device itself,
 * or a DF11 unit whose compressed arrays move once and whose exponents a decode task expands into the shared
 * exponent plane at the start of the graph. Either way the kernels then read the matrices at the unit's slot offsets from two
 * byte planes ({@link WeightPlanes}): for a DF11 unit, the exponents the decode task wrote into the shared buffer and
 * the unit's own sign/mantissa bytes.
 */
public sealed interface DeviceUnit permits PlainDeviceUnit, CompressedDeviceUnit, NibbleDeviceUnit {

    /** The unit's name, for messages. */
    String name();

    /** Whether this unit is decoded into the shared decode buffer (a DF11 unit in {@link DecodeMode#EXACT}). */
    boolean usesDecodeBuffer();

    /** Elements the decode buffer needs for this unit (0 for plain units). */
    int decodedElements();

    /** The planes the kernels read this unit's matrices from, once {@link #addDecode} has run. */
    WeightPlanes planes(IntArray exponentBuffer);

    /** Declares the transfers of this unit's own arrays on {@code graph} (its {@link #tail()}'s excepted). */
    TaskGraph addTransfers(TaskGraph graph);

    /**
     * Adds the tasks that make the matrices available (nothing for plain units), named from {@code taskName}, with
     * their launch grids registered under {@code graphName.taskName...}.
     */
    TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, IntArray exponentBuffer,
            GridScheduler grids);

    /**
     * The unit's coded exponents, product table and tail ({@link UnitTail}): every product of the unit widens through
     * its table and is followed by its tail, in every decode mode alike.
     */
    UnitTail tail();

    /** Device bytes of this unit's own arrays (for a DF11 unit: the compressed arrays), its tail's included. */
    long deviceBytes();
}
