package dev.df11.format.model;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.ShardedSafetensorsWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Writes a unit's six arrays as the official layout stores them (all uint8 but split_positions, int64). */
public final class UnitArrays {

    private static final int LUT_ROW = 256;

    private UnitArrays() { }

    /** Adds the unit's arrays to {@code writer}; returns their total size. */
    public static long add(ShardedSafetensorsWriter writer, Df11Unit unit) throws IOException {
        String u = unit.name();
        long rows = unit.luts().byteSize() / LUT_ROW;
        writer.add(UnitTensors.name(u, UnitTensors.LUTS), DType.U8, new long[] {rows, LUT_ROW}, unit.luts());
        bytes(writer, UnitTensors.name(u, UnitTensors.ENCODED_EXPONENT), unit.encodedExponent());
        bytes(writer, UnitTensors.name(u, UnitTensors.SIGN_MANTISSA), unit.signMantissa());
        bytes(writer, UnitTensors.name(u, UnitTensors.OUTPUT_POSITIONS), unit.outputPositions());
        bytes(writer, UnitTensors.name(u, UnitTensors.GAPS), unit.gaps());
        long[] splits = unit.splitPositions();
        MemorySegment le = Arena.ofAuto().allocate((long) splits.length * Long.BYTES);
        for (int i = 0; i < splits.length; i++) {
            le.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), (long) i * Long.BYTES, splits[i]);
        }
        writer.add(UnitTensors.name(u, UnitTensors.SPLIT_POSITIONS), DType.I64, new long[] {splits.length}, le);
        return unit.luts().byteSize() + unit.encodedExponent().byteSize() + unit.signMantissa().byteSize()
                + unit.outputPositions().byteSize() + unit.gaps().byteSize() + le.byteSize();
    }

    private static void bytes(ShardedSafetensorsWriter writer, String name, MemorySegment data) throws IOException {
        writer.add(name, DType.U8, new long[] {data.byteSize()}, data);
    }
}
