/**
 * What a model is: {@link dev.df11.runtime.model.ModelConfig} parsed from a Hugging Face config.json by
 * {@link dev.df11.runtime.model.ModelConfigParser} (Llama 2/3/3.1/3.2, Mistral, Qwen2/2.5, Qwen3; anything else is
 * refused naming the field), and {@link dev.df11.runtime.model.ModelLayout}, the tensor names and shapes it implies.
 */
package dev.df11.runtime.model;
