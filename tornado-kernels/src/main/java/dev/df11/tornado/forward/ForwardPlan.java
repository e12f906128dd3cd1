package dev.df11.tornado.forward;

import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.weights.CompressedDeviceUnit;
import dev.df11.tornado.forward.weights.DeviceWeights;
import dev.df11.tornado.forward.weights.HostStaging;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.exceptions.TornadoInternalError;
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
 *
 * <p><b>Weights stream to the device graph by graph.</b> The host arrays of each decoder block's unit and KV cache,
 * and of the output unit ({@link HostStaging}), exist from the start but take no memory until written: right before
 * a graph's first execution the plan writes its blocks' arrays from the model, and once that execution has copied
 * them to the device (and the device has finished the copies) it gives their pages back. So the host holds one
 * graph's weights at a time, not the model's. TornadoVM reads a {@code FIRST_EXECUTION} array's host copy again only
 * when its device buffer is gone or new: after {@code freeDeviceMemory}, on another device, in another plan built
 * from the same graphs, or at every execution when {@code tornado.reuse.device.buffers=false}. This plan frees device
 * memory only in {@link #close} (and refuses to run afterwards), binds its device before the first execution, is the
 * only plan its graphs get ({@link ForwardGraphs#claim}), and keeps every host copy when buffers are not reused. A
 * released array still maps zero pages, so even an unforeseen read could not crash the JVM. Where host copies are
 * released, the pages of the memory-mapped model file that a graph's arrays were written from are unmapped from the
 * process too once written ({@link HostStaging#fill(boolean)}; they stay in the page cache).
 *
 * <p>Which arrays are released depends on the backend: on OpenCL all of them; on PTX TornadoVM pins (page-locks) the
 * host copy of every array it allocates unless it uploads it through its staged transfers, so the plan turns staged
 * transfers on and releases the read-only arrays at least as large as the staged minimum
 * ({@code tornado.staged.min.size}, 16 MiB), which TornadoVM does not pin; on other backends none.
 * {@code -Ddf11.tornado.streamWeights=false} keeps every host copy (the behaviour before streaming).
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
    /** The host arrays each graph uploads, by graph index ({@link HostStaging}). */
    private final List<List<HostStaging>> uploads = new ArrayList<>();
    private final DeviceWeights weights;
    private final TornadoDevice target;
    /** Arrays at least this large are released after their upload; negative: none ({@link #releaseFloor}). */
    private final long releaseFloor;
    /** Whether arrays that kernels write (the KV cache) are released too. */
    private final boolean releaseWritten;
    private boolean closed;

    /**
     * @param device     where to run, or null for TornadoVM's default device
     * @param cudaGraphs replay each graph as a CUDA graph; honoured only on the PTX backend
     * @param profile    record kernel times per task ({@link #profile()}); slows every graph down
     */
    public ForwardPlan(ForwardGraphs graphs, DeviceWeights weights, TornadoDevice device, boolean cudaGraphs,
            boolean profile) {
        graphs.claim();
        this.weights = weights;
        this.layers = weights.layers().size();
        this.layersPerGraph = graphs.layersPerGraph();
        this.embedding = weights.firstLayer() == 0;
        this.output = weights.output() != null;
        if (embedding) {
            decoded.add(List.of());
            uploads.add(List.of());
        }
        for (int first = 0; first < layers; first += layersPerGraph) {
            List<CompressedDeviceUnit> units = new ArrayList<>();
            List<HostStaging> staged = new ArrayList<>();
            for (int layer = first; layer < Math.min(layers, first + layersPerGraph); layer++) {
                if (weights.layers().get(layer).unit() instanceof CompressedDeviceUnit unit) {
                    units.add(unit);
                }
                staged.add(weights.layerUploads().get(layer));
            }
            decoded.add(units);
            uploads.add(staged);
        }
        if (output) {
            decoded.add(weights.output() instanceof CompressedDeviceUnit unit ? List.of(unit) : List.of());
            uploads.add(List.of(weights.outputUpload()));
        }
        this.checked = new boolean[decoded.size()];
        this.target = device != null ? device : TornadoExecutionPlan.DEFAULT_DEVICE;
        TornadoVMBackendType backend = target.getTornadoVMBackend();
        // PTX: staged transfers keep TornadoVM from pinning the large weight arrays, so their pages can be given
        // back; not when an every-step upload is as large (inside a CUDA graph TornadoVM would copy it unpinned).
        boolean staged = backend == TornadoVMBackendType.PTX && streamingEnabled()
                && graphs.largestEveryStepUpload() < stagedMinimum();
        this.releaseFloor = releaseFloor(backend, staged);
        this.releaseWritten = backend == TornadoVMBackendType.OPENCL;
        TornadoExecutionPlan created = new TornadoExecutionPlan(graphs.graphs().toArray(new ImmutableTaskGraph[0]));
        if (device != null) {
            created.withDevice(device);
        }
        created.withGridScheduler(graphs.grids());
        if (cudaGraphs && backend == TornadoVMBackendType.PTX) {
            created.withCUDAGraph();
        }
        if (staged) {
            created.withStagedTransfers();
        }
        if (profile) {
            created.withProfiler(ProfilerMode.SILENT);
        }
        // Compiling is the long part of a load (about a minute for an 8B model on PTX, more in the nibble mode):
        // say so before it starts, and how long it took.
        long compileStart = System.nanoTime();
        System.err.printf("tornado: compiling %d task graphs for %s ...%n", graphs.graphs().size(),
                TornadoDevices.describe(target));
        try {
            created.withPreCompilation();
        } catch (RuntimeException | Error e) {
            try {
                created.freeDeviceMemory();
                created.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        System.err.printf("tornado: compiled in %.1f s%n", (System.nanoTime() - compileStart) / 1e9);
        this.plan = created;
        this.profile = profile ? new ForwardProfile(graphs.bytesByTask()) : null;
    }

    /**
     * Whether {@code e}, thrown while a plan was being made, says that a task graph has more nodes than TornadoVM 5.2
     * holds in one (1,024: "Tornado Graph resize not implemented yet"); the graphs then need fewer layers each.
     */
    public static boolean overflowsTaskGraph(Throwable e) {
        return e instanceof TornadoInternalError && e.getMessage() != null
                && e.getMessage().contains("Graph resize");
    }

    /** Whether host copies may be released at all: unless {@code df11.tornado.streamWeights} is false. */
    static boolean streamingEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty("df11.tornado.streamWeights"));
    }

    /** TornadoVM's {@code tornado.staged.min.size}: the smallest upload its staged transfers take (16 MiB). */
    private static long stagedMinimum() {
        return Long.getLong("tornado.staged.min.size", 16L << 20);
    }

    /**
     * The smallest array released after its upload, or -1 for none: none when streaming is off or TornadoVM does not
     * reuse device buffers (it then uploads every {@code FIRST_EXECUTION} array at every execution); on OpenCL all;
     * on PTX with staged transfers those TornadoVM does not pin; on any other backend none.
     */
    static long releaseFloor(TornadoVMBackendType backend, boolean staged) {
        if (!streamingEnabled()
                || "false".equalsIgnoreCase(System.getProperty("tornado.reuse.device.buffers"))) {
            return -1;
        }
        return switch (backend) {
            case OPENCL -> 0;
            case PTX -> staged ? stagedMinimum() : -1;
            default -> -1;
        };
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
        if (closed) {
            throw new IllegalStateException("this forward plan is closed: its device memory is freed and the host"
                    + " copies of its weights are gone; load the model again");
        }
        boolean first = !checked[graph];
        long began = System.nanoTime();
        if (first) {
            for (HostStaging staging : uploads.get(graph)) {
                staging.fill(releaseFloor >= 0);
            }
        }
        long start = System.nanoTime();
        TornadoExecutionResult result = plan.withGraph(graph).execute();
        if (profile != null) {
            profile.record(graph, System.nanoTime() - start, result.getProfilerResult().getProfileLog());
        }
        if (first) {
            for (CompressedDeviceUnit unit : decoded.get(graph)) {
                unit.verify(result);
            }
            checked[graph] = true;
            release(graph);
            reportFirstRun(graph, System.nanoTime() - began);
        }
    }

    /**
     * A console line for a graph's first execution when it was slow (a second or more): it fills the host copies of
     * the graph's weights and uploads them, and on OpenCL the driver builds the graph's kernels then (minutes on
     * PoCL); so a long first step shows progress instead of silence.
     */
    private void reportFirstRun(int graph, long nanos) {
        if (nanos >= 1_000_000_000L) {
            System.err.printf("tornado: task graph %d of %d: first run %.1f s (weights filled and uploaded, kernels loaded)%n",
                    graph + 1, decoded.size(), nanos / 1e9);
        }
    }

    /**
     * Gives back the host pages of what graph {@code graph}'s first execution uploaded, once the device has
     * finished the copies (TornadoVM enqueues them without waiting).
     */
    private void release(int graph) {
        if (releaseFloor < 0 || uploads.get(graph).isEmpty()) {
            return;
        }
        target.sync(plan.getId());
        for (HostStaging staging : uploads.get(graph)) {
            staging.release(releaseFloor, releaseWritten);
        }
    }

    /** Host bytes given back after upload so far (0 where nothing is released). */
    public long releasedHostBytes() {
        long total = 0;
        for (List<HostStaging> staged : uploads) {
            for (HostStaging staging : staged) {
                total += staging.releasedBytes();
            }
        }
        return total;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        plan.freeDeviceMemory();
        try {
            plan.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the TornadoVM forward plan", e);
        } finally {
            weights.close();   // TornadoVM holds no device buffer (and on PTX no pin) of them any more
        }
    }
}
