package dev.df11.tornado.api;

import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Where the host arrays of a {@link CompressedUnit} (and the forward pass's other device arrays) come from.
 * {@link #TORNADO} is TornadoVM's own allocation, zero-filled off-heap memory freed by the garbage collector; the
 * forward pass's weights use memory committed only when filled and given back once the device holds it
 * ({@code dev.df11.tornado.forward.weights.HostStaging}). Every array comes zero-filled.
 */
public interface ArrayAllocator {

    /** A zero-filled array of {@code length} ints. */
    IntArray ints(int length);

    /** A zero-filled array of {@code length} bytes. */
    ByteArray bytes(int length);

    /** A zero-filled array of {@code length} floats. */
    FloatArray floats(int length);

    /** TornadoVM's own arrays ({@code new IntArray(length)}, ...). */
    ArrayAllocator TORNADO = new ArrayAllocator() {
        @Override
        public IntArray ints(int length) {
            return new IntArray(length);
        }

        @Override
        public ByteArray bytes(int length) {
            return new ByteArray(length);
        }

        @Override
        public FloatArray floats(int length) {
            return new FloatArray(length);
        }
    };
}
