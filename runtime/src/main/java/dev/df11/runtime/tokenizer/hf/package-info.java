/**
 * Hugging Face {@code tokenizer.json} BPE tokenizers: {@link dev.df11.runtime.tokenizer.hf.HfTokenizerLoader} reads
 * the file into an {@link dev.df11.runtime.tokenizer.hf.HfTokenizer}; the package-private classes mirror the file's
 * sections (added tokens, normalizer, pre-tokenizer, BPE model, decoder).
 */
package dev.df11.runtime.tokenizer.hf;
