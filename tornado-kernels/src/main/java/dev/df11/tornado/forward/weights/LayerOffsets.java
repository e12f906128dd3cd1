package dev.df11.tornado.forward.weights;

import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.ForwardShape;

/**
 * Where a decoder layer's matrices start in its unit's BF16 buffer (element offsets). The device pass multiplies by
 * q|k|v in one launch and by gate|up in another, so it needs each group stored consecutively in the unit, as the
 * official DFloat11 layout and our BF16 copies store them (q, k, v, o, gate, up, down); anything else is rejected
 * with the unit's name rather than computed wrongly. Phi-3's fused {@code qkv_proj} (query rows, then key rows, then
 * value rows) and {@code gate_up_proj} (gate rows, then up rows) are that layout already, one matrix each.
 */
public record LayerOffsets(int qkv, int output, int gateUp, int down) {

    public static LayerOffsets of(WeightUnit unit, int layer, ForwardShape shape) {
        if (shape.config().fusedProjections()) {
            long qkv = offset(unit, layer, "self_attn.qkv_proj", shape.qkvWidth(), shape.hidden());
            long o = offset(unit, layer, "self_attn.o_proj", shape.hidden(), shape.queryDim());
            long gateUp = offset(unit, layer, "mlp.gate_up_proj", 2 * shape.intermediate(), shape.hidden());
            long down = offset(unit, layer, "mlp.down_proj", shape.hidden(), shape.intermediate());
            requireIntIndexed(unit, Math.max(Math.max(qkv + (long) shape.qkvWidth() * shape.hidden(),
                    o + (long) shape.hidden() * shape.queryDim()), Math.max(gateUp + 2L * shape.intermediate()
                    * shape.hidden(), down + (long) shape.hidden() * shape.intermediate())));
            return new LayerOffsets((int) qkv, (int) o, (int) gateUp, (int) down);
        }
        long q = offset(unit, layer, "self_attn.q_proj", shape.queryDim(), shape.hidden());
        long k = offset(unit, layer, "self_attn.k_proj", shape.kvDim(), shape.hidden());
        long v = offset(unit, layer, "self_attn.v_proj", shape.kvDim(), shape.hidden());
        long o = offset(unit, layer, "self_attn.o_proj", shape.hidden(), shape.queryDim());
        long gate = offset(unit, layer, "mlp.gate_proj", shape.intermediate(), shape.hidden());
        long up = offset(unit, layer, "mlp.up_proj", shape.intermediate(), shape.hidden());
        long down = offset(unit, layer, "mlp.down_proj", shape.hidden(), shape.intermediate());
        long queryElements = (long) shape.queryDim() * shape.hidden();
        long kvElements = (long) shape.kvDim() * shape.hidden();
        if (k != q + queryElements || v != k + kvElements) {
            throw new UnsupportedModelException("unit " + unit.name() + " does not store q_proj, k_proj and v_proj"
                    + " consecutively (offsets " + q + ", " + k + ", " + v + "); the TornadoVM backend needs them so");
        }
        if (up != gate + (long) shape.intermediate() * shape.hidden()) {
            throw new UnsupportedModelException("unit " + unit.name() + " does not store gate_proj and up_proj"
                    + " consecutively (offsets " + gate + ", " + up + "); the TornadoVM backend needs them so");
        }
        requireIntIndexed(unit, down + (long) shape.hidden() * shape.intermediate());
        return new LayerOffsets((int) q, (int) o, (int) gate, (int) down);
    }

    private static void requireIntIndexed(WeightUnit unit, long end) {
        if (end > Integer.MAX_VALUE) {
            throw new UnsupportedModelException("unit " + unit.name() + " reaches past element 2^31 - 1; the"
                    + " TornadoVM backend indexes a unit's buffer with int");
        }
    }

    private static long offset(WeightUnit unit, int layer, String matrix, int rows, int cols) {
        MatrixSlot slot = unit.slot(ModelLayout.layerMatrix(layer, matrix));
        if (slot.rows() != rows || slot.cols() != cols) {
            throw new UnsupportedModelException("unit " + unit.name() + ": " + slot.name() + " is [" + slot.rows()
                    + ", " + slot.cols() + "], the config implies [" + rows + ", " + cols + "]");
        }
        return bufferOffset(unit, slot);
    }

    /**
     * Where {@code slot} starts in the device buffer of its unit: in the whole decoded DF11 unit for a compressed
     * unit (which may be a range of it), in the unit's own array for a plain one.
     */
    static long bufferOffset(WeightUnit unit, MatrixSlot slot) {
        return (unit.compressed() ? unit.source().from() : 0) + slot.elementOffset();
    }
}
