/**
 * The pure-Java backend: one class per layer kind ({@code Embedding}, {@code RmsNorm}, {@code RotaryEmbedding},
 * {@code Attention}, {@code Mlp}, {@code OutputHead}), a Vector API {@link dev.df11.runtime.cpu.MatMul} over a
 * fixed {@link dev.df11.runtime.cpu.ParallelLoop}, fp32 arithmetic and an fp32 KV cache, wired together by
 * {@link dev.df11.runtime.cpu.CpuBackend}. The backend's {@link dev.df11.runtime.cpu.HostWeights} makes each unit's
 * BF16 matrices available: plain ones where they are mapped, DF11 ones decoded into reused host buffers (optionally
 * the next one in the background), the output projection in bands of rows. Results depend only on the weights and
 * inputs (fixed summation order, StrictMath), never on thread scheduling or JIT state.
 */
package dev.df11.runtime.cpu;
