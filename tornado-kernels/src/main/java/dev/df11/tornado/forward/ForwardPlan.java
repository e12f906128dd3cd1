package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.CompressedDeviceUnit;
import dev.df11.tornado.forward.weights.DeviceWeights;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

import java.util.ArrayList;
import java.util.List;


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
    private final int layersPerGraph;
    /** The DF11 units each graph decodes, by graph index; their block flags are checked after its first run. */
    private final List<List<CompressedDeviceUnit>> decoded = new ArrayList<>();
    private final boolean[] checked;
    private final ForwardProfile profile;
    /** Whether this plan starts the model (has the embedding graph) and ends it (has the output graph). */
    private final boolean embedding;
    private final boolean output;

    /**
     * @param device     where to run, or null for TornadoVM's default device
     * @param cudaGraphs replay each graph as a CUDA graph; honoured only on the PTX backend
     * @param profile    record kernel times per task ({@link #profile()}); slows every graph down
     */
    public ForwardPlan(ForwardGraphs graphs, DeviceWeights weights, TornadoDevice device, boolean cudaGraphs,
            boolean profile) {
        this.layers = weights.layers().size();
        this.layersPerGraph = graphs.layersPerGraph();
        this.embedding = weights.firstLayer() == 0;
        this.output = weights.output() != null;
        if (embedding) {
            decoded.add(List.of());
        }
        for (int first = 0; first < layers; first += layersPerGraph) {
            List<CompressedDeviceUnit> units = new ArrayList<>();
            for (int layer = first; layer < Math.min(layers, first + layersPerGraph); layer++) {
                if (weights.layers().get(layer).unit() instanceof CompressedDeviceUnit unit) {
                    units.add(unit);
                }
            }
            decoded.add(units);
        }
        if (output) {
            decoded.add(weights.output() instanceof CompressedDeviceUnit unit ? List.of(unit) : List.of());
        }
        this.checked = new boolean[decoded.size()];
        TornadoExecutionPlan created = new TornadoExecutionPlan(graphs.graphs().toArray(new ImmutableTaskGraph[0]));
        if (device != null) {
            created.withDevice(device);
        }
        created.withGridScheduler(graphs.grids());
        if (cudaGraphs && usesPtx(device)) {
            created.withCUDAGraph();
        }
        if (profile) {
            created.withProfiler(ProfilerMode.SILENT);
        }
        created.withPreCompilation();
        this.plan = created;
        this.profile = profile ? new ForwardProfile(graphs.bytesByTask()) : null;
    }

    private static boolean usesPtx(TornadoDevice device) {
        TornadoDevice target = device != null ? device : TornadoExecutionPlan.DEFAULT_DEVICE;
        return target.getTornadoVMBackend() == TornadoVMBackendType.PTX;
    }

    /** Runs the embedding graph (the host has filled the batch and embedding rows). */
    public void embed() {
        if (!embedding) {
            throw new IllegalStateException("this plan is a pipeline stage after the first: it has no embedding graph");
        }
        run(0);
    }

    /**
     * Runs decoder layer {@code layer} of this plan's layers (counted from the plan's first layer, which is the
     * model's layer {@code DeviceWeights.firstLayer()}): its graph runs when the first layer of the graph is asked
     * for, and the graph's other layers then have nothing left to do (nothing can observe a layer between two of
     * them). On a pipeline stage before the last, the residual stream is on the host once the plan's last layer ran.
     */
    public void layer(int layer) {
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (layers - 1));
        }
        if (layer % layersPerGraph == 0) {
            run((embedding ? 1 : 0) + layer / layersPerGraph);
        }
    }

    /** Runs the output graph; the logits are on the host afterwards. */
    public void output() {
        if (!output) {
            throw new IllegalStateException("this plan is a pipeline stage before the last: it has no output graph");
        }
        run(decoded.size() - 1);
        if (profile != null) {
            profile.endStep();
        }
    }

    /** Kernel times per task kind, when the plan was built to profile; null otherwise. */
    public ForwardProfile profile() {
        return profile;
    }

    private void run(int graph) {
        long start = System.nanoTime();
        TornadoExecutionResult result = plan.withGraph(graph).execute();
        if (profile != null) {
            profile.record(System.nanoTime() - start, result.getProfilerResult().getProfileLog());
        }
        if (!checked[graph]) {
            for (CompressedDeviceUnit unit : decoded.get(graph)) {
                unit.verify(result);
            }
            checked[graph] = true;
        }
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
