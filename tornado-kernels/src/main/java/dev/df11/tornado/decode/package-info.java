/**
 * DF11 decode kernels for TornadoVM, as a ladder of versions ({@link dev.df11.tornado.decode.KernelVersion}, v1 to
 * v3f) kept side by side the way llm.c keeps its kernels: each is checked bit for bit against the CPU decoder and
 * timed against the others (tornado-kernels/KERNEL-NOTES.md has the measurements).
 *
 * <p>Why the versions repeat their table walk and prefix scan instead of calling shared helpers: each kernel is one
 * self-contained method on purpose. TornadoVM 5.2 compiles a local-memory array passed to a helper method as if it
 * were a global array (wrong results), and several of its other code-generation bugs only show in particular control
 * flow (docs/tornado.md lists them); a version whose whole hot path is visible in one method is one whose generated
 * code can be read and trusted. Only scalar helpers without local arrays ({@code gapOf}, {@code blockStatus},
 * {@code bf16}) are shared.
 */
package dev.df11.tornado.decode;
