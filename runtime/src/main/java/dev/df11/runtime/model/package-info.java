/**
 * What a model is: {@link dev.df11.runtime.model.ModelConfig} parsed from a Hugging Face config.json by
 * {@link dev.df11.runtime.model.ModelConfigParser} (Llama 2/3/3.1/3.2, Mistral, Qwen2/2.5, Qwen3; legacy and
 * transformers-5 keys; anything else is refused naming the field), its rotary parameters
 * ({@link dev.df11.runtime.model.RopeParameters}, one {@link dev.df11.runtime.model.RotaryScaling} per rope type), and {@link dev.df11.runtime.model.ModelLayout}, the tensor names and shapes it implies.
 */
package dev.df11.runtime.model;
