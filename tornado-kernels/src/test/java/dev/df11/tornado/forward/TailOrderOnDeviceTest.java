package dev.df11.tornado.forward;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.tornado.forward.weights.NibbleArrays;
import dev.df11.tornado.forward.weights.UnitMatrices;
import dev.df11.tornado.forward.weights.UnitTail;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product kernels in the product's order ({@link UnitTail}), each adding its rows' tail itself ({@link
 * TailKernels#addRowTail}): on the planes and in its nibble form, both against the kernel run on an empty tail and
 * followed by the tail task ({@link TailKernels#addTails}), bit for bit. All are within fp32 rounding of a float64
 * reference, and in the "outliers" cases the tail's products are far above that tolerance, so a tail dropped or added
 * twice fails; with an empty tail the two-launch form gives the kernel's bits on the plain BF16 table (the unit's
 * table then zeroes nothing and the tail task adds nothing). The tail's directory is read at a matrix that does not
 * start the unit. Every tier: sixteen-token tiles (eight for the staged kernels), four-token tiles, single tokens,
 * the last token only, accumulation.
 */
class TailOrderOnDeviceTest {

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest(name = "{0}, {1} weights, batch {2}, last only {3}, accumulate {4}, {5} rows a group")
    @CsvSource({"pairs, narrow, 21, 0, 1, 2", "pairs, gaussian, 21, 0, 0, 4", "pairs, wide, 21, 1, 1, 2",
            "pairs, wide, 6, 0, 0, 4", "pairs, wide, 1, 0, 1, 2", "pairs, outliers, 21, 0, 0, 2",
            "pairs, outliers, 1, 0, 1, 4", "staged, narrow, 9, 0, 1, 16", "staged, wide, 21, 1, 0, 16",
            "staged, outliers, 21, 0, 1, 16", "staged, outliers, 1, 0, 0, 16", "staged, gaussian, 3, 0, 0, 16",
            "staged2, outliers, 21, 1, 1, 8", "staged2, outliers, 10, 0, 0, 8", "staged2, wide, 2, 0, 1, 8",
            "planes, narrow, 5, 0, 0, 2", "planes, wide, 21, 1, 1, 2", "planes, outliers, 6, 0, 0, 4",
            "planes, outliers, 1, 0, 1, 1"})
    void nibbleAndPlanesFormsAgreeAndAddTheTail(String kernel, String values, int count, int lastOnly,
            int accumulate, int rowsPerGroup) {
        int rows = 37;
        int cols = 4100;
        long n = (long) rows * cols;
        MemorySegment bf16 = NibbleTestMatrices.of(values, n);
        // The matrix is the unit's second: a small one of the same kind comes first.
        int lead = 3 * 12;
        MemorySegment head = NibbleTestMatrices.of(values, lead);
        WeightPlanes planes = WeightPlanes.split(Inputs.concat(List.of(head, bf16)));
        Df11Unit unit = new Df11Encoder(2).encode("tail", List.of(head, bf16));
        Df11Decoder decoder = new Df11Decoder(2);
        UnitTail tail = UnitTail.of(UnitMatrices.compressed("tail", List.of(new UnitMatrices.Span("first", 0, 3, 12),
                new UnitMatrices.Span("w", lead, rows, cols)), unit, decoder));
        NibbleArrays nibbles = NibbleArrays.of(unit, tail.census(), decoder);
        int directory = tail.directory(lead, rows, cols);
        int[] codeOf = tail.census().codeOf();
        long inTail = 0;
        for (long i = 0; i < n; i++) {
            int bits = bf16.getAtIndex(BF16, i);
            inTail += (bits & 0x7FFF) != 0 && codeOf[bits >> 7 & 0xFF] < 0 ? 1 : 0;
        }
        assertEquals(inTail, tail.tail().get(directory + rows) - tail.tail().get(directory),
                "the matrix's tail is its non-zero weights of uncoded exponents");
        if (values.equals("wide")) {
            assertTrue(inTail > n / 4, "the case needs a large tail: " + inTail);
        }
        double tolerance = 3e-5;
        boolean sensitive = false;
        Inputs random = new Inputs(17 + count);
        FloatArray natural = random.floats(count * cols, 1.0);
        FloatArray x = MatVecKernels.toQuadMajor(natural, cols);
        FloatArray start = random.floats(count * rows, 1.0);
        FloatArray pairsOut = Inputs.copy(start);
        FloatArray tailOut = Inputs.copy(start);
        FloatArray nibbleOut = Inputs.copy(start);
        FloatArray foldedOut = Inputs.copy(start);
        IntArray batch = IntArray.fromElements(0, count);
        FloatArray scales = Bf16Scales.table();
        IntArray noTail = TailKernels.none(rows);
        ProductKernel productKernel = switch (kernel) {
            case "pairs" -> ProductKernel.PAIRS;
            case "staged" -> ProductKernel.STAGED;
            case "staged2" -> ProductKernel.STAGED_TWO_SLOTS;
            default -> ProductKernel.PLANES;
        };
        // 64 work-items a row for the planes, two-row and two-slot staged kernels, 32 for the staged one (four slots).
        int local = switch (kernel) {
            case "pairs" -> 64 * rowsPerGroup / 2;
            case "staged" -> StagedRowKernels.SLOTS * 32;
            case "staged2" -> StagedRowKernels.TWO_SLOTS * 64;
            default -> 64 * rowsPerGroup;
        };
        String name = "tail" + kernel + values + count + "_" + lastOnly + "_" + accumulate + "_" + rowsPerGroup;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, planes.exponents(), planes.signMantissa(), x,
                        pairsOut, tailOut, nibbleOut, foldedOut, batch, scales, tail.table(), tail.tail(),
                        nibbles.codes(), nibbles.signMantissa(), noTail);
        graph = productKernel.addTask(graph, "own", planes.exponents(), planes.signMantissa(), lead, rows, cols, x,
                pairsOut, accumulate, lastOnly, rowsPerGroup, batch, scales, noTail, 0);
        // The two-launch order: the kernel on the unit's table with an empty tail, then the tail task.
        graph = productKernel.addTask(graph, "tail", planes.exponents(), planes.signMantissa(), lead, rows, cols, x,
                tailOut, accumulate, lastOnly, rowsPerGroup, batch, tail.table(), noTail, 0);
        graph = graph.task("tailAdd", TailKernels::addTails, new KernelContext(), rows, cols, x, tailOut, lastOnly,
                batch, tail.tail(), directory, tail.table());
        // The kernel adding the tail itself, in both forms.
        graph = productKernel.addNibbleTask(graph, "nibble", nibbles.codes(), nibbles.signMantissa(), lead, rows, cols,
                x, nibbleOut, accumulate, lastOnly, rowsPerGroup, batch, tail.table(), tail.tail(), directory);
        graph = productKernel.addTask(graph, "folded", planes.exponents(), planes.signMantissa(), lead, rows, cols, x,
                foldedOut, accumulate, lastOnly, rowsPerGroup, batch, tail.table(), tail.tail(), directory);
        graph = graph.transferToHost(DataTransferMode.EVERY_EXECUTION, pairsOut, tailOut, nibbleOut, foldedOut);
        int groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
        GridScheduler grids = new GridScheduler();
        for (String task : List.of("own", "tail", "nibble", "folded")) {
            grids.addWorkerGrid(name + "." + task, Grids.groups(groups, local));
        }
        grids.addWorkerGrid(name + ".tailAdd", Grids.items(rows, 64));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(grids).execute();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int first = lastOnly == 1 ? count - 1 : 0;
        for (int i = 0; i < (count - first) * rows; i++) {
            String where = "output " + i + " (token " + (first + i / rows) + ", row " + i % rows + ")";
            assertEquals(Float.floatToRawIntBits(tailOut.get(i)), Float.floatToRawIntBits(nibbleOut.get(i)),
                    where + ": " + tailOut.get(i) + " with the tail task, " + nibbleOut.get(i) + " nibble form");
            assertEquals(Float.floatToRawIntBits(tailOut.get(i)), Float.floatToRawIntBits(foldedOut.get(i)),
                    where + ": " + tailOut.get(i) + " with the tail task, " + foldedOut.get(i) + " folded");
            if (inTail == 0) {
                assertEquals(Float.floatToRawIntBits(pairsOut.get(i)), Float.floatToRawIntBits(tailOut.get(i)),
                                where + ": with no tail the planes form gives the kernel's bits on the BF16 table");
            }
            int row = i % rows;
            int token = first + i / rows;
            double sum = accumulate == 1 ? start.get(i) : 0;
            double magnitude = Math.abs(sum);
            double tailSum = 0;
            for (int c = 0; c < cols; c++) {
                short bits = bf16.getAtIndex(BF16, (long) row * cols + c);
                double product = Float.intBitsToFloat(bits << 16) * (double) natural.get(token * cols + c);
                sum += product;
                magnitude += Math.abs(product);
                tailSum += codeOf[bits >> 7 & 0xFF] >= 0 ? 0 : product;
            }
            assertEquals(sum, tailOut.get(i), tolerance * magnitude, where + " against float64");
            sensitive |= Math.abs(tailSum) > 10 * tolerance * magnitude;
        }
        if (values.equals("outliers")) {
            assertTrue(sensitive, "the case must fail if the tail were dropped: some output's tail products must"
                    + " exceed ten times the tolerance");
        }
    }
}
