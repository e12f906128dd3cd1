package dev.df11.tornado.backend;

import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.weights.Bf16Placement;
import dev.df11.tornado.forward.weights.DecodeMode;

import java.util.Objects;

/**
 * How the TornadoVM backend runs a model.
 *
 * @param device       TornadoVM device as {@code backend:device} ({@code tornado --devices} numbering) or a plain
 *                     device index of backend 0; null for TornadoVM's default device; several, comma-separated
 *                     ({@code B:D,B:D,...}), for a pipeline of consecutive decoder blocks over those devices
 *                     ({@link dev.df11.tornado.forward.weights.MemoryPlan})
 * @param bf16Placement where plain BF16 units live (DF11 units always stay compressed on the device)
 * @param tuning       work-group sizes; null: the tuning table's entry for the device
                     ({@link KernelTuning#forDevice}), chosen when the model is loaded
 * @param cudaGraphs   replay graphs as CUDA graphs (PTX backend only; ignored elsewhere)
 * @param layersPerGraph decoder layers per task graph: 1 is one graph per block; more means fewer graph executions
 *                     (each ends in a host synchronisation) per token ({@link #DEFAULT_LAYERS_PER_GRAPH})
 * @param profile      record per-kernel device times ({@link TornadoBackend#profile()}); for diagnosis only, it
 *                     synchronises after every kernel
 * @param decodeMode   how DF11 units are decoded on the device (the logits are the same bit for bit either way);
 *                     {@link DecodeMode#AUTO} is resolved when the backend loads a model
 */
public record TornadoBackendOptions(String device, Bf16Placement bf16Placement, KernelTuning tuning,
        boolean cudaGraphs, int layersPerGraph, boolean profile, DecodeMode decodeMode) {

    /**
     * Decoder layers per task graph by default. Every graph execution ends in a host synchronisation, and the GPU
     * idles while TornadoVM prepares the next graph, so fewer, larger graphs make a faster token (measured in the
     * README's "What moved the numbers"). Each block
     * still decodes its unit into the shared buffer right before its own kernels, so only one decoded block exists
     * at a time; graphs that would not fit TornadoVM's description buffer get fewer layers
     * ({@link dev.df11.tornado.forward.ForwardGraphs#build}).
     */
    public static final int DEFAULT_LAYERS_PER_GRAPH = 8;

    /**
     * How DF11 units are decoded unless asked otherwise: {@link DecodeMode#AUTO}, nibble where the model fits with it
     * as well as with exact, else exact ({@link dev.df11.tornado.forward.weights.DecodeModeChoice}). The fused kernel
     * is never chosen: it is slower than both (KERNEL-NOTES.md).
     */
    public static final DecodeMode DEFAULT_DECODE_MODE = DecodeMode.AUTO;

    public TornadoBackendOptions {
        if (layersPerGraph < 1) {
            throw new IllegalArgumentException("layers per graph must be >= 1, got " + layersPerGraph);
        }
        Objects.requireNonNull(decodeMode, "decodeMode");
    }

    /**
     * The default device, BF16 resident, the device's work-group sizes from the tuning table, CUDA graphs where the
     * device runs PTX (each graph's launches replay as one CUDA graph, fewer launch gaps),
     * {@link #DEFAULT_LAYERS_PER_GRAPH} layers per graph, DF11 units decoded {@link #DEFAULT_DECODE_MODE}.
     */
    public static TornadoBackendOptions defaults() {
        return new TornadoBackendOptions(null, Bf16Placement.DEVICE, null, true, DEFAULT_LAYERS_PER_GRAPH, false,
                DEFAULT_DECODE_MODE);
    }

    public TornadoBackendOptions withDevice(String spec) {
        return new TornadoBackendOptions(spec, bf16Placement, tuning, cudaGraphs, layersPerGraph, profile, decodeMode);
    }

    public TornadoBackendOptions withPlacement(Bf16Placement placement) {
        return new TornadoBackendOptions(device, placement, tuning, cudaGraphs, layersPerGraph, profile, decodeMode);
    }

    public TornadoBackendOptions withCudaGraphs(boolean enabled) {
        return new TornadoBackendOptions(device, bf16Placement, tuning, enabled, layersPerGraph, profile, decodeMode);
    }

    public TornadoBackendOptions withTuning(KernelTuning sizes) {
        return new TornadoBackendOptions(device, bf16Placement, sizes, cudaGraphs, layersPerGraph, profile, decodeMode);
    }


    public TornadoBackendOptions withLayersPerGraph(int layers) {
        return new TornadoBackendOptions(device, bf16Placement, tuning, cudaGraphs, layers, profile, decodeMode);
    }

    public TornadoBackendOptions withDecodeMode(DecodeMode mode) {
        return new TornadoBackendOptions(device, bf16Placement, tuning, cudaGraphs, layersPerGraph, profile, mode);
    }

    public TornadoBackendOptions withProfile(boolean enabled) {
        return new TornadoBackendOptions(device, bf16Placement, tuning, cudaGraphs, layersPerGraph, enabled, decodeMode);
    }
}
