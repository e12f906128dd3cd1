/**
 * The byte-pair-encoding core shared by every tokenizer: merge rules keyed by id pairs
 * ({@link dev.df11.runtime.tokenizer.bpe.MergeTable}), the O(n log n) merge loop
 * ({@link dev.df11.runtime.tokenizer.bpe.BpeMerger}) and SentencePiece's byte-fallback token names.
 */
package dev.df11.runtime.tokenizer.bpe;
