package dev.df11.tornado.api;

import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.Df11Model;
import dev.df11.format.model.MatrixRef;
import dev.df11.format.lut.LookupTables;
import dev.df11.format.model.UnitTensors;
import dev.df11.tornado.decode.PackedInputs;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One DF11 unit (a group of weight matrices sharing one Huffman code, e.g. a decoder layer) held as TornadoVM
 * off-heap arrays, ready to be decoded inside your own {@code TaskGraph} by {@link Df11Tasks#addDecode}.
 *
 * <p>The arrays, made once on the host straight from the unit's (memory-mapped) segments and moved to the device by
 * the decode task on the graph's first execution (then resident). This is the only host copy of the unit: nothing
 * else keeps its bytes.
 * <pre>
 * packedInputs().tables()     IntArray  tables * 256        decode tables, one int per entry (exponent and length)
 * packedInputs().pairs()      IntArray  256                 root table decoding up to two codes per byte
 * packedInputs().triples()    IntArray  256                 root table decoding up to three codes per byte (v3f)
 * packedInputs().codeWords()  IntArray  stream bytes / 4    the Huffman-coded exponents, zero-padded
 * signMantissaWords()         IntArray  elements() / 4 + 3  sign bit and 7 mantissa bits, four elements per int
 * outputPositions()           IntArray  blocks() + 1        first element decoded by each 4096-byte block
 * gaps()                      ByteArray blocks() * 320      5-bit offset of the first code in each 8-byte window
 * </pre>
 * (an empty gap array is held as one zero byte, since TornadoVM cannot allocate an empty array).
 *
 * <p>What is checked, on the host, when a unit is created: everything {@link Df11Unit#validate} checks (lookup tables
 * whose pointers lead to existing child tables and whose code lengths are 1..32 bits; output positions that start at
 * 0, never go back, end at {@code elements()} and give no block more codes than it has bits; a stream length that
 * matches the blocks; gaps that cover every block; split positions in order and within the unit) and that the unit
 * fits TornadoVM's {@code int}-indexed arrays (fewer than 2^31 elements). A unit that breaks a rule is rejected with a
 * {@link Df11FormatException} naming the unit and its file, before anything reaches a device. What the host cannot
 * see without decoding (codes that disagree with the positions) the kernel reports per block; see
 * {@link DecodeTask#verify}.
 *
 * <p>The unit decodes into one {@code ShortArray} of BF16 bit patterns, {@link #elements()} long; its matrices lie
 * back to back in it ({@link #matrixOffset}, {@link #matrixElements}, {@link #matrix(String)}). TornadoVM 5.2 has no
 * device-side views of an array ({@code ShortArray.slice} copies on the host), so a kernel that uses one matrix
 * takes the shared buffer and the matrix's offset.
 *
 * <p>Instances are thread-safe and their arrays are never changed once filled ({@link #unfilled} units are filled by
 * {@link #fill}; all others when created); arrays from {@link ArrayAllocator#TORNADO} are freed by the garbage
 * collector once unreachable.
 */
public final class CompressedUnit {

    private final String name;
    private final String source;
    private final List<UnitMatrix> matrices;
    private final int elements;
    private final int blocks;
    private final int gapBytes;
    private final long compressedBytes;
    private final PackedInputs packed;
    private final IntArray signMantissaWords;
    private final IntArray outputPositions;
    private final ByteArray gaps;
    /** The unit and its parsed tables until {@link #fill} has written the arrays; then null. */
    private Df11Unit unfilled;
    private LookupTables luts;

    private CompressedUnit(Df11Unit unit, String source, List<UnitMatrix> matrices, ArrayAllocator arrays) {
        this.name = unit.name();
        this.source = source;
        this.matrices = matrices;
        this.elements = (int) unit.elementCount();
        this.blocks = unit.blockCount();
        this.gapBytes = (int) unit.gaps().byteSize();
        this.compressedBytes = unit.luts().byteSize() + unit.encodedExponent().byteSize()
                + unit.signMantissa().byteSize() + unit.outputPositions().byteSize() + unit.gaps().byteSize();
        this.luts = LookupTables.parse(unit.name(), unit.luts());
        this.packed = PackedInputs.allocate(luts, unit, arrays::ints);
        this.signMantissaWords = arrays.ints(PackedInputs.signMantissaWordCount(unit));
        this.outputPositions = arrays.ints(Math.toIntExact(unit.outputPositions().byteSize() / Integer.BYTES));
        this.gaps = arrays.bytes((int) Math.max(1, unit.gaps().byteSize()));
        this.unfilled = unit;
    }

    /**
     * Like {@link #of(Df11Unit)}, validated and sized the same, but with arrays from {@code arrays} that stay as
     * they come (zero) until {@link #fill}: for a caller that moves the unit to a device later and wants its host
     * copy to exist only around that upload. {@code unit}'s segments must stay readable until {@link #fill}.
     *
     * @throws Df11FormatException when the unit breaks the format
     */
    public static CompressedUnit unfilled(Df11Unit unit, ArrayAllocator arrays) {
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < unit.matrixCount(); i++) {
            names.add(unit.name() + "#" + i);
            shapes.add(new long[] {unit.matrixEnd(i) - unit.matrixStart(i)});
        }
        return create(unit, null, names, shapes, arrays);
    }

    /** Writes the unit's arrays, once (later calls do nothing); units made by {@code of} and {@code load} are filled. */
    public synchronized void fill() {
        if (unfilled == null) {
            return;
        }
        Df11Unit unit = unfilled;
        packed.fill(luts, unit);
        PackedInputs.fillSignMantissaWords(unit, signMantissaWords);
        MemorySegment.copy(unit.outputPositions(), 0, outputPositions.getSegment(), 0,
                unit.outputPositions().byteSize());
        if (unit.gaps().byteSize() > 0) {
            MemorySegment.copy(unit.gaps(), 0, gaps.getSegment(), 0, unit.gaps().byteSize());
        }
        unfilled = null;
        luts = null;
    }

    /**
     * Reads unit {@code unitName} (e.g. {@code model.layers.0}) of the DF11 model folder {@code modelDir}, with its
     * matrices' weight names and shapes, and copies its arrays off-heap.
     *
     * @throws IOException              when the folder cannot be read or is not a DF11 model folder
     * @throws IllegalArgumentException when the folder has no such unit
     * @throws Df11FormatException      when the unit's arrays break the format (names the file and the unit)
     */
    public static CompressedUnit load(Path modelDir, String unitName) throws IOException {
        try (Df11Model model = Df11Model.open(modelDir)) {
            return load(model, unitName);
        }
    }

    /**
     * Like {@link #load(Path, String)}, from an open model (to load several units without reopening the folder).
     * The arrays are copied, so the model may be closed afterwards.
     */
    public static CompressedUnit load(Df11Model model, String unitName) {
        Df11Unit unit = model.unit(unitName);
        List<String> names = model.matrixNames(unitName);
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            shapes.add(knownShape(model, names.get(i)).orElse(new long[] {unit.matrixEnd(i) - unit.matrixStart(i)}));
        }
        String file = model.tensors().fileOf(UnitTensors.name(unitName, UnitTensors.ENCODED_EXPONENT)).toString();
        return create(unit, file, names, shapes);
    }

    /**
     * Copies an in-memory unit (e.g. {@code Df11Encoder} output) off-heap. Its matrices are named
     * {@code <unit>#0}, {@code <unit>#1}, ... and shaped {@code [elements]}.
     *
     * @throws Df11FormatException when the unit breaks the format
     */
    public static CompressedUnit of(Df11Unit unit) {
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < unit.matrixCount(); i++) {
            names.add(unit.name() + "#" + i);
            shapes.add(new long[] {unit.matrixEnd(i) - unit.matrixStart(i)});
        }
        return create(unit, null, names, shapes);
    }

    /**
     * Copies an in-memory unit off-heap, naming and shaping its matrices.
     *
     * @param names  one weight name per matrix, in stream order
     * @param shapes one shape per matrix, whose product is that matrix's element count
     * @throws Df11FormatException      when the unit breaks the format
     * @throws IllegalArgumentException when the names or shapes do not match the unit's matrices
     */
    public static CompressedUnit of(Df11Unit unit, List<String> names, List<long[]> shapes) {
        return create(unit, null, List.copyOf(names), List.copyOf(shapes));
    }

    private static CompressedUnit create(Df11Unit unit, String source, List<String> names, List<long[]> shapes) {
        CompressedUnit created = create(unit, source, names, shapes, ArrayAllocator.TORNADO);
        created.fill();
        return created;
    }

    private static CompressedUnit create(Df11Unit unit, String source, List<String> names, List<long[]> shapes,
            ArrayAllocator arrays) {
        if (names.size() != unit.matrixCount() || shapes.size() != unit.matrixCount()) {
            throw new IllegalArgumentException("unit '" + unit.name() + "' holds " + unit.matrixCount()
                    + " matrices; got " + names.size() + " names and " + shapes.size() + " shapes");
        }
        // Validates first, so that the matrix bounds below are trusted.
        unit.validate(source);
        long n = unit.elementCount();
        if (n > Integer.MAX_VALUE - 16 || unit.encodedExponent().byteSize() > Integer.MAX_VALUE - 4096L) {
            throw new Df11FormatException(unit.name(), source, n + " elements ("
                    + unit.encodedExponent().byteSize() + " stream bytes) are too many for one TornadoVM array;"
                    + " the GPU decoder takes units below 2^31 elements", null);
        }
        List<UnitMatrix> matrices = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            matrices.add(new UnitMatrix(names.get(i), (int) unit.matrixStart(i),
                    (int) (unit.matrixEnd(i) - unit.matrixStart(i)), shapes.get(i)));
        }
        return new CompressedUnit(unit, source, List.copyOf(matrices), arrays);
    }

    private static Optional<long[]> knownShape(Df11Model model, String weight) {
        try {
            return model.locate(weight).map(MatrixRef::shape);
        } catch (Df11FormatException unknownShape) {
            return Optional.empty();   // the folder records no usable shape; the matrix is still decodable
        }
    }

    /** The unit's name, e.g. {@code model.layers.0}. */
    public String name() {
        return name;
    }

    /** The file the unit was read from, or null for an in-memory unit. */
    public String source() {
        return source;
    }

    /** Number of BF16 values the unit decodes to: the size a decode output needs at least. */
    public int elements() {
        return elements;
    }

    /** Number of 4096-byte blocks of the stream: work-groups of the decode task. */
    public int blocks() {
        return blocks;
    }

    /** Bytes of the gap array (the kernels bound their gap reads by it). */
    public int gapBytes() {
        return gapBytes;
    }

    /** Bytes of the unit's DF11 arrays as stored (what a compression ratio counts). */
    public long compressedBytes() {
        return compressedBytes;
    }

    /** Bytes of the arrays the decode tasks move to the device (the stored arrays in kernel-ready form). */
    public long deviceBytes() {
        return packed.tables().getNumBytesOfSegment() + packed.pairs().getNumBytesOfSegment()
                + packed.triples().getNumBytesOfSegment() + packed.codeWords().getNumBytesOfSegment()
                + signMantissaWords.getNumBytesOfSegment() + outputPositions.getNumBytesOfSegment()
                + gaps.getNumBytesOfSegment();
    }

    /** Number of matrices. */
    public int matrixCount() {
        return matrices.size();
    }

    /** Matrix {@code i}, in stream order. */
    public UnitMatrix matrix(int i) {
        return matrices.get(checkIndex(i));
    }

    /**
     * The matrix called {@code weightName}.
     *
     * @throws IllegalArgumentException when the unit has no such matrix (the message lists its matrices)
     */
    public UnitMatrix matrix(String weightName) {
        for (UnitMatrix m : matrices) {
            if (m.name().equals(weightName)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unit '" + name() + "' has no matrix '" + weightName + "'; it holds "
                + matrices.stream().map(UnitMatrix::name).toList());
    }

    /** All matrices, in stream order. */
    public List<UnitMatrix> matrices() {
        return matrices;
    }

    /** Index of matrix {@code i}'s first element in the decoded buffer. */
    public int matrixOffset(int i) {
        return matrix(i).offset();
    }

    /** Number of elements of matrix {@code i}. */
    public int matrixElements(int i) {
        return matrix(i).elements();
    }

    /** Weight name of matrix {@code i}. */
    public String matrixName(int i) {
        return matrix(i).name();
    }

    /** Shape of matrix {@code i}. */
    public long[] matrixShape(int i) {
        return matrix(i).shape();
    }

    /** A new output buffer of exactly {@link #elements()} BF16 values, for {@link Df11Tasks#addDecode}. */
    public ShortArray allocateOutput() {
        return new ShortArray(elements());
    }

    /** The first element of each block, then {@link #elements()}. */
    public IntArray outputPositions() {
        return outputPositions;
    }

    /** The 5-bit gaps, MSB-first. */
    public ByteArray gaps() {
        return gaps;
    }

    /** The tables and the stream in the form the kernels read ({@link PackedInputs}); do not change them. */
    public PackedInputs packedInputs() {
        return packed;
    }

    /**
     * The sign/mantissa bytes as ints, four per int aligned like the exponent plane of
     * {@link Df11Tasks#addExponentDecode}: element {@code i}'s byte is byte {@code i & 3} (bits {@code 8 * (i & 3)} up)
     * of int {@code i >> 2}; zero-padded past the last element (at least {@link Df11Tasks#exponentWords} ints). Every
     * decode task and the forward pass's kernels read this one array. Do not change it.
     */
    public IntArray signMantissaWords() {
        return signMantissaWords;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= matrices.size()) {
            throw new IndexOutOfBoundsException("unit '" + name() + "' has " + matrices.size() + " matrices, no matrix "
                    + i);
        }
        return i;
    }

    @Override
    public String toString() {
        return "CompressedUnit{" + name() + ", " + elements() + " elements, " + blocks() + " blocks, "
                + matrices.size() + " matrices}";
    }
}
