/**
 * The DF11 decode kernels the product runs: {@link dev.df11.tornado.decode.ExponentPlaneKernels} (v3f, exponents
 * only, for the forward pass) and {@link dev.df11.tornado.decode.SinglePassKernels} (v3, BF16 values, for the
 * embedding API), the host-side packing of their inputs ({@link dev.df11.tornado.decode.PackedInputs}) and the
 * constants and scalar helpers every decode kernel shares ({@link dev.df11.tornado.decode.DecodeKernels}). They are
 * bound to task graphs in one place, {@code dev.df11.tornado.api.KernelBinding}. The ladder of versions they grew from
 * (v1 to v3e), each checked bit for bit against the CPU decoder and timed against the others, lives in the
 * {@code kernel-lab} module (tornado-kernels/KERNEL-NOTES.md has the measurements).
 *
 * <p>Why the kernels repeat their table walk and prefix scan instead of calling shared helpers: each kernel is one
 * self-contained method on purpose. TornadoVM 5.2 compiles a local-memory array passed to a helper method as if it
 * were a global array (wrong results), and several of its other code-generation bugs only show in particular control
 * flow (docs/tornado.md lists them); a version whose whole hot path is visible in one method is one whose generated
 * code can be read and trusted. Only scalar helpers without local arrays ({@code gapOf}, {@code blockStatus}) are
 * shared.
 */
package dev.df11.tornado.decode;
