package dev.df11.format.model;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.TensorInfo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Set;

/** Reads a unit's six arrays from a folder, checking that they exist and have the dtypes the layout needs. */
final class UnitReader {

    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private UnitReader() { }

    /** Checks the unit's arrays are present with usable dtypes. */
    static void checkComplete(SafetensorsDirectory dir, String unit) throws Df11ModelException {
        for (String suffix : UnitTensors.SUFFIXES) {
            String name = UnitTensors.name(unit, suffix);
            if (!dir.contains(name)) {
                if (suffix.equals(UnitTensors.SPLIT_POSITIONS)) {
                    continue;   // a single-matrix unit may omit it
                }
                throw new Df11ModelException(dir.fileOf(UnitTensors.name(unit, UnitTensors.ENCODED_EXPONENT)),
                        "unit '" + unit + "' has no '" + name + "' tensor");
            }
            TensorInfo t = dir.tensor(name);
            Set<DType> allowed = switch (suffix) {
                case UnitTensors.SPLIT_POSITIONS -> Set.of(DType.I64);
                case UnitTensors.OUTPUT_POSITIONS -> Set.of(DType.U8, DType.U32, DType.I32);
                default -> Set.of(DType.U8);
            };
            if (!allowed.contains(t.dtype())) {
                throw new Df11ModelException(dir.fileOf(name), "unit '" + unit + "': tensor '" + name + "' is "
                        + t.dtype() + ", expected " + allowed);
            }
            if (suffix.equals(UnitTensors.OUTPUT_POSITIONS) && t.byteSize() % Integer.BYTES != 0) {
                throw new Df11ModelException(dir.fileOf(name), "unit '" + unit + "': tensor '" + name + "' has "
                        + t.byteSize() + " bytes, not a whole number of uint32 positions");
            }
        }
    }

    /** {@code [0, split_1, ..., split_{m-1}, n]}, checked to be non-decreasing and within the unit. */
    static long[] matrixBounds(SafetensorsDirectory dir, String unit) throws Df11ModelException {
        long n = dir.tensor(UnitTensors.name(unit, UnitTensors.SIGN_MANTISSA)).byteSize();
        long[] splits = splitPositions(dir, unit);
        long[] bounds = new long[splits.length + 2];
        bounds[bounds.length - 1] = n;
        for (int i = 0; i < splits.length; i++) {
            bounds[i + 1] = splits[i];
        }
        for (int i = 1; i < bounds.length; i++) {
            if (bounds[i] < bounds[i - 1]) {
                throw new Df11ModelException(dir.fileOf(UnitTensors.name(unit, UnitTensors.SIGN_MANTISSA)),
                        "unit '" + unit + "': split positions " + java.util.Arrays.toString(splits)
                                + " are not increasing within the unit's " + n + " elements");
            }
        }
        return bounds;
    }

    private static long[] splitPositions(SafetensorsDirectory dir, String unit) {
        String name = UnitTensors.name(unit, UnitTensors.SPLIT_POSITIONS);
        if (!dir.contains(name)) {
            return new long[0];
        }
        MemorySegment seg = dir.data(name);
        long[] splits = new long[(int) (seg.byteSize() / Long.BYTES)];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = seg.get(I64, (long) i * Long.BYTES);
        }
        return splits;
    }

    /** The unit as mapped slices (not yet validated), naming its file in every format error. */
    static Df11Unit read(SafetensorsDirectory dir, String unit) {
        String encoded = UnitTensors.name(unit, UnitTensors.ENCODED_EXPONENT);
        return new Df11Unit(unit,
                dir.data(UnitTensors.name(unit, UnitTensors.LUTS)),
                dir.data(UnitTensors.name(unit, UnitTensors.ENCODED_EXPONENT)),
                dir.data(UnitTensors.name(unit, UnitTensors.SIGN_MANTISSA)),
                dir.data(UnitTensors.name(unit, UnitTensors.OUTPUT_POSITIONS)),
                dir.data(UnitTensors.name(unit, UnitTensors.GAPS)),
                splitPositions(dir, unit), dir.fileOf(encoded).toString());
    }
}
