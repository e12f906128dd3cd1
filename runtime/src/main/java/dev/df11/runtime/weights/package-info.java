/**
 * Where the weights come from. A {@link dev.df11.runtime.weights.WeightStore} describes a model's weights as
 * {@link dev.df11.runtime.weights.WeightUnit}s of matrices plus plain vectors: {@link dev.df11.runtime.weights.Bf16WeightStore}
 * maps safetensors slices; {@link dev.df11.runtime.weights.Df11WeightStore} keeps DF11 units compressed and hands
 * their arrays to the backend, which decodes them where it computes (the CPU backend into host buffers of its own, a
 * GPU backend on its device). {@link dev.df11.runtime.weights.WeightStores} picks one for a folder.
 */
package dev.df11.runtime.weights;
