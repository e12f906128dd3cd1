/**
 * The seam between the forward pass and the hardware: {@link dev.df11.runtime.backend.Backend} (decode a unit, run
 * a block, read logits) and {@link dev.df11.runtime.backend.BackendProvider} for backends living in other modules.
 */
package dev.df11.runtime.backend;
