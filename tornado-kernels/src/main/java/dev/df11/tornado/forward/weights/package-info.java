/**
 * A weight store's model as device arrays: units kept DF11-compressed (decoded on the device) or copied as BF16
 * (resident, or re-sent from host memory every step), per-layer norm vectors and KV cache, and where each matrix starts
 * in its unit's buffer.
 */
package dev.df11.tornado.forward.weights;
