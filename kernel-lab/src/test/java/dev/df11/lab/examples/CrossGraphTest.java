package dev.df11.lab.examples;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.codec.Df11Unit;
import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.api.DecodeTask;
import dev.df11.tornado.api.Df11Tasks;
import dev.df11.tornado.api.UnitMatrix;
import dev.df11.tornado.api.UserGraphs;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graph A decodes and keeps the weights on the device ({@code persistOnDevice}); graph B of the same plan uses them
 * ({@code consumeFromDevice}) without a host round trip. B's product must match the CPU's, and the weights A left on
 * the device must be the CPU decoder's, bit for bit.
 */
class CrossGraphTest {

    @Test
    void weightsDecodedInOneGraphAreConsumedByAnother() throws TornadoExecutionPlanException {
        Df11Unit encoded = DecodeThenMatVec.syntheticUnit(11);
        CompressedUnit unit = CompressedUnit.of(encoded, DecodeThenMatVec.SYNTHETIC_NAMES,
                DecodeThenMatVec.syntheticShapes());
        UnitMatrix down = unit.matrix(1);
        int rows = (int) down.rows();
        int cols = (int) down.columns();

        ShortArray weights = unit.allocateOutput();
        TaskGraph decodeGraph = new TaskGraph("decodeGraph");
        DecodeTask decode = Df11Tasks.addDecode(decodeGraph, "decode", unit, weights);
        decodeGraph.persistOnDevice(weights);

        FloatArray x = new FloatArray(cols);
        for (int c = 0; c < cols; c++) {
            x.set(c, (c % 7) - 3);
        }
        FloatArray y = new FloatArray(rows);
        FloatArray scales = Bf16MatVec.exponentScales();
        TaskGraph useGraph = new TaskGraph("useGraph")
                .consumeFromDevice(decodeGraph.getTaskGraphName(), weights)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, scales, x)
                .task("matvec", Bf16MatVec::matVec, weights, down.offset(), cols, scales, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y);

        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(decodeGraph.snapshot(), useGraph.snapshot())
                .withGridScheduler(decode.registerIn(new GridScheduler()))) {
            TornadoExecutionResult decoded = plan.withGraph(0).execute();
            decode.verify(decoded);
            plan.withGraph(1).execute();

            short[] cpu = UserGraphs.cpuDecode(encoded);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    double product = (double) Bf16.toFloat(cpu[down.offset() + r * cols + c]) * x.get(c);
                    exact += product;
                    magnitude += Math.abs(product);
                }
                double bound = cols * Math.scalb(1.0, -23) * magnitude;
                assertTrue(Math.abs(y.get(r) - exact) <= bound, "row " + r + ": device " + y.get(r) + ", CPU "
                        + exact + ", bound " + bound);
            }

            decoded.transferToHost(weights);
            UserGraphs.assertSameBits(cpu, weights.toHeapArray(), "weights persisted by graph A");
        }
    }
}
