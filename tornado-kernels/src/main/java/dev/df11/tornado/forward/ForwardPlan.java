package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.CompressedDeviceUnit;
import dev.df11.tornado.forward.weights.DeviceUnit;
import dev.df11.tornado.forward.weights.DeviceWeights;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;


/**
 * One execution plan holding every graph of a model's forward step, compiled up front, run graph by graph in the
 * order the runtime's forward pass calls for: {@link #embed}, {@link #layer} for each layer, {@link #output}.
 *
 * <p>The first execution of a graph also moves its once-only data (weights, compressed units, norm vectors, the
 * zeroed KV cache); after the first decode of each DF11 unit the plan copies the unit's per-block flags back and
 * checks them, so a corrupt stream fails with the unit's name instead of giving wrong logits.
 */
public final class ForwardPlan implements AutoCloseable {

    private final TornadoExecutionPlan plan;
    private final int layers;
    private final DeviceUnit[] units;
    private final boolean[] checked;

    /**
     * @param device     where to run, or null for TornadoVM's default device
     * @param cudaGraphs replay each graph as a CUDA graph; honoured only on the PTX backend
     */
    public ForwardPlan(ForwardGraphs graphs, DeviceWeights weights, TornadoDevice device, boolean cudaGraphs) {
        this.layers = weights.layers().size();
        this.units = new DeviceUnit[layers + 2];
        for (int layer = 0; layer < layers; layer++) {
            units[1 + layer] = weights.layers().get(layer).unit();
        }
        units[layers + 1] = weights.output();
        this.checked = new boolean[units.length];
        TornadoExecutionPlan created = new TornadoExecutionPlan(graphs.graphs().toArray(new ImmutableTaskGraph[0]));
        if (device != null) {
            created.withDevice(device);
        }
        created.withGridScheduler(graphs.grids());
        if (cudaGraphs && usesPtx(device)) {
            created.withCUDAGraph();
        }
        created.withPreCompilation();
        this.plan = created;
    }

    private static boolean usesPtx(TornadoDevice device) {
        TornadoDevice target = device != null ? device : TornadoExecutionPlan.DEFAULT_DEVICE;
        return target.getTornadoVMBackend() == TornadoVMBackendType.PTX;
    }

    /** Runs the embedding graph (the host has filled the batch and embedding rows). */
    public void embed() {
        plan.withGraph(0).execute();
    }

    /** Runs decoder layer {@code layer}'s graph. */
    public void layer(int layer) {
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (layers - 1));
        }
        run(1 + layer);
    }

    /** Runs the output graph; the logits are on the host afterwards. */
    public void output() {
        run(layers + 1);
    }

    private void run(int graph) {
        TornadoExecutionResult result = plan.withGraph(graph).execute();
        if (!checked[graph]) {
            if (units[graph] instanceof CompressedDeviceUnit compressed) {
                result.transferToHost(compressed.status());
                compressed.checkStatus();
            }
            checked[graph] = true;
        }
    }

    /** Device memory TornadoVM reports for the currently selected graph. */
    public long selectedGraphDeviceBytes() {
        return plan.getCurrentDeviceMemoryUsage();
    }

    @Override
    public void close() {
        plan.freeDeviceMemory();
        try {
            plan.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the TornadoVM forward plan", e);
        }
    }
}
