/**
 * {@code df11 serve}: continuous batching of concurrent sequences ({@link dev.df11.runtime.serving.BatchScheduler}
 * over a {@link dev.df11.runtime.backend.SequenceBatching} backend) behind an OpenAI-compatible HTTP API
 * ({@link dev.df11.runtime.serving.OpenAiServer}, on Helidon SE), assembled from a model folder by
 * {@link dev.df11.runtime.serving.ModelServer}. See docs/serving.md.
 */
package dev.df11.runtime.serving;
