/**
 * Running a model: {@link dev.df11.runtime.inference.ForwardPass} drives a backend through one step (embed,
 * each block, final norm, logits),
 * {@link dev.df11.runtime.inference.Generator} loops it with a {@link dev.df11.runtime.inference.Sampler} until an
 * end-of-sequence token, the token budget or the context limit, and reports timings.
 */
package dev.df11.runtime.inference;
