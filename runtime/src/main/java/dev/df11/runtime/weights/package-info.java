/**
 * Where the weights come from. A {@link dev.df11.runtime.weights.WeightStore} hands the forward pass one
 * {@link dev.df11.runtime.weights.WeightUnit} of BF16 matrices at a time: {@link dev.df11.runtime.weights.Bf16WeightStore}
 * maps safetensors slices; {@link dev.df11.runtime.weights.Df11WeightStore} keeps DF11 units compressed and decodes
 * each into a reused buffer (optionally the next one in the background). {@link dev.df11.runtime.weights.WeightStores}
 * picks one for a folder.
 */
package dev.df11.runtime.weights;
