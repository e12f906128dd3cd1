/**
 * The transformer forward pass on a TornadoVM device: kernels (annotated Java compiled by TornadoVM, each with a CPU
 * reference in the tests), the device buffers of one step ({@link dev.df11.tornado.forward.Activations}), one task
 * graph per decoder layer chained on the device ({@link dev.df11.tornado.forward.ForwardGraphs}), and the execution
 * plan that runs them ({@link dev.df11.tornado.forward.ForwardPlan}).
 *
 * <p>A DF11 layer's graph begins with the DF11 decode kernel ({@code dev.df11.tornado.decode}) writing the layer's
 * BF16 matrices into one decode buffer shared by all graphs; a BF16 layer's graph reads its own uploaded copy. The
 * kernels are the same either way, so DF11 and BF16 weights give bit-identical logits.
 */
package dev.df11.tornado.forward;
