/**
 * Tokenizers of the model families df11 runs (Llama, Mistral, Qwen, Gemma, Phi): {@link dev.df11.runtime.tokenizer.Tokenizer} (encode, decode, BOS/EOS) and
 * {@link dev.df11.runtime.tokenizer.StreamingDecoder} (text token by token, holding back split UTF-8 characters).
 * {@code Tokenizers.load(modelDir, config)} picks the implementation: {@code hf} for a Hugging Face
 * {@code tokenizer.json}, {@code llama2c} for llama2.c's {@code tokenizer.bin}; both merge with {@code bpe}.
 */
package dev.df11.runtime.tokenizer;
