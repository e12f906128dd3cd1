package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.Df11DeviceUnit;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * A DF11 unit kept compressed on the device: its arrays move on the first execution only, and every execution of its
 * graph starts by decoding it (the staged decode kernel, one work-group per 4096-byte block) into the shared BF16
 * decode buffer. Each block's consistency flag lands in {@link #status()}, which stays on the device until
 * {@link #checkStatus()} is asked to look at it.
 */
public record CompressedDeviceUnit(String name, Df11DeviceUnit arrays, IntArray status) implements DeviceUnit {

    /**
     * Validates {@code compressed} on the host and copies its arrays off-heap. The whole DF11 unit is decoded on the
     * device, whatever range of it {@code unit} (for example a band of output rows) covers.
     */
    public static CompressedDeviceUnit of(WeightUnit unit, Df11Unit compressed, String source) {
        Df11DeviceUnit arrays = Df11DeviceUnit.of(compressed, source);
        if (arrays.elements() < unit.source().to()) {
            throw new Df11FormatException(compressed.name(), source, "the unit decodes to " + arrays.elements()
                    + " elements, " + unit.name() + " needs elements up to " + unit.source().to(), null);
        }
        return new CompressedDeviceUnit(compressed.name(), arrays, new IntArray(Math.max(1, arrays.blocks())));
    }

    @Override
    public boolean compressed() {
        return true;
    }

    @Override
    public int decodedElements() {
        return arrays.elements();
    }

    @Override
    public ShortArray matrices(ShortArray decodeBuffer) {
        return decodeBuffer;
    }

    @Override
    public TaskGraph addTransfers(TaskGraph graph) {
        return graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, arrays.luts(), arrays.codes(),
                arrays.signMantissa(), arrays.outputPositions(), arrays.gaps(), status);
    }

    @Override
    public TaskGraph addDecode(TaskGraph graph, String graphName, String taskName, ShortArray decodeBuffer,
            GridScheduler grids) {
        if (arrays.blocks() == 0) {
            return graph;
        }
        WorkerGrid1D grid = new WorkerGrid1D(arrays.blocks() * DecodeKernels.THREADS);
        grid.setLocalWork(DecodeKernels.THREADS, 1, 1);
        grids.addWorkerGrid(graphName + "." + taskName, grid);
        return graph.task(taskName, DecodeKernels::decodeStaged, new KernelContext(), arrays.luts(), arrays.codes(),
                arrays.signMantissa(), arrays.outputPositions(), arrays.gaps(), decodeBuffer, status,
                arrays.lutRows(), arrays.codeBytes(), arrays.gapBytes(), arrays.elements())
                .persistOnDevice(status);
    }

    /**
     * Checks the block flags of the last decode (the caller must have copied {@link #status()} to the host).
     *
     * @throws Df11FormatException naming the unit and block when a block's codes disagree with its positions
     */
    public void checkStatus() {
        for (int block = 0; block < arrays.blocks(); block++) {
            if (status.get(block) != 0) {
                throw new Df11FormatException(name, "block " + block + ": the codes found in its stream bytes"
                        + " disagree with output_positions (corrupt encoded_exponent, gaps or output_positions)");
            }
        }
    }

    @Override
    public long deviceBytes() {
        return arrays.compressedBytes() + status.getNumBytesOfSegment();
    }
}
