/**
 * The seam between the forward pass and the hardware: {@link dev.df11.runtime.backend.Backend} (load a weight store,
 * embed, run a block, final norm, logits) and {@link dev.df11.runtime.backend.BackendProvider} for backends living in
 * other modules. Where the weights of a step live is each backend's own business: the CPU backend decodes DF11 units
 * into host buffers and reports that work through the optional {@link dev.df11.runtime.backend.HostDecoding}; a GPU
 * backend keeps units compressed on its device and decodes them there.
 */
package dev.df11.runtime.backend;
