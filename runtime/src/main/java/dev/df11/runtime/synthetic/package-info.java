/**
 * Deterministic random-weight Llama folders of real shapes ({@link dev.df11.runtime.synthetic.SyntheticShape}),
 * streamed to disk by {@link dev.df11.runtime.synthetic.SyntheticModelWriter}, for benchmarks without downloads.
 */
package dev.df11.runtime.synthetic;
