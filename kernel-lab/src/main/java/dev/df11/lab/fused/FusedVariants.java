package dev.df11.lab.fused;

import dev.df11.tornado.api.CompressedUnit;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.forward.FusedMatVecKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.List;

/**
 * The fused matrix-vector variants by name, as the lab's drivers (matvec-bench, fused-check) add them to a graph:
 * {@code product} (the forward pass's {@link FusedMatVecKernels}), {@code triples}, {@code nestedChild},
 * {@code flatLoop}, and {@code stageFromPlane} (the product phase alone, which reads the exponent plane).
 */
public final class FusedVariants {

    /** Every name {@link #addTask} knows. */
    public static final List<String> NAMES = List.of("product", "triples", "nestedChild", "flatLoop",
            "stageFromPlane");

    private FusedVariants() {
    }

    /**
     * Adds variant {@code variant} as task {@code task}: {@code out = W x} for the {@code rows x cols} matrix at
     * element {@code offset} of {@code unit}, whose chunk starts begin at {@code chunkBase} of {@code chunkStarts}.
     *
     * @param exponentPlane the unit's exponent plane, read only by {@code stageFromPlane} (may be null otherwise)
     * @throws IllegalArgumentException for an unknown variant, naming the known ones
     */
    public static TaskGraph addTask(TaskGraph graph, String task, String variant, CompressedUnit unit,
            IntArray chunkStarts, int chunkBase, IntArray exponentPlane, int offset, int rows, int cols, FloatArray x,
            FloatArray out, int rowsPerGroup, IntArray batch, FloatArray scales) {
        PackedInputs packed = unit.packedInputs();
        IntArray sm = unit.signMantissaWords();
        return switch (variant) {
            case "product" -> graph.task(task, FusedMatVecKernels::matVecFused, new KernelContext(),
                    packed.codeWords(), packed.tables(), chunkStarts, chunkBase, sm, offset, rows, cols, x, out, 0, 0,
                    rowsPerGroup, batch, scales);
            case "triples" -> graph.task(task, FusedTripleKernels::matVecFusedTriples, new KernelContext(),
                    packed.codeWords(), packed.tables(), packed.triples(), chunkStarts, chunkBase, sm, offset, rows,
                    cols, x, out, 0, 0, rowsPerGroup, batch, scales);
            case "nestedChild" -> graph.task(task, FusedVariantKernels::nestedChild, new KernelContext(),
                    packed.codeWords(), packed.tables(), chunkStarts, chunkBase, sm, offset, rows, cols, x, out, 0, 0,
                    rowsPerGroup, batch, scales);
            case "flatLoop" -> graph.task(task, FusedVariantKernels::flatLoop, new KernelContext(),
                    packed.codeWords(), packed.tables(), chunkStarts, chunkBase, sm, offset, rows, cols, x, out, 0, 0,
                    rowsPerGroup, batch, scales);
            case "stageFromPlane" -> graph.task(task, FusedVariantKernels::stageFromPlane, new KernelContext(),
                    exponentPlane, packed.tables(), sm, offset, rows, cols, x, out, 0, 0, rowsPerGroup, batch, scales);
            default -> throw new IllegalArgumentException("unknown fused variant '" + variant + "'; known: "
                    + String.join(", ", NAMES));
        };
    }
}
