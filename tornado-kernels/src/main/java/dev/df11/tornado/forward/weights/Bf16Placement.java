package dev.df11.tornado.forward.weights;

/** Where plain BF16 weight units live while the model runs on the device. */
public enum Bf16Placement {
    /** Uploaded once and resident in device memory. */
    DEVICE,
    /**
     * Kept in host memory and copied to the device by each execution of the unit's graph: the CPU-offload baseline
     * that DF11 is measured against. (TornadoVM keeps a device buffer per graph, so this measures the per-block copy
     * time, not the memory an offloading runtime would save.)
     */
    HOST
}
