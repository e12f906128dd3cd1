/** llama2.c's {@code tokenizer.bin}: SentencePiece BPE driven by piece scores. */
package dev.df11.runtime.tokenizer.llama2c;
