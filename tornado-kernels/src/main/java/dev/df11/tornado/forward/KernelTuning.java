package dev.df11.tornado.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Work-group sizes of the forward kernels for one device family. The sizes are data, not code: one table,
 * {@code kernel-tuning.json} beside this class, holds an entry per device family (as CLBlast keeps its tuned
 * parameters), and {@link #forDevice} picks the entry for the device a model runs on. Each size is a power of two of
 * at most {@link ForwardKernels#MAX_LOCAL} ({@link NormKernels#MAX_LOCAL} for the norms).
 *
 * @param family        the table entry these sizes came from ("custom" for sizes given by hand)
 * @param matVec        work-group size of the matrix-vector products, for shapes no {@code byShape} rule covers
 * @param matVecRows    matrix rows each matrix-vector work-group serves ({@code matVec / matVecRows} work-items a
 *                      row)
 * @param norm          work-items reducing one RMSNorm row
 * @param attention     work-items of one (token, head) attention group
 * @param elementwise   work-group size of the one-item-per-element kernels
 * @param byShape       matrix-vector launches for particular shapes, first match wins; empty: always
 *                      {@code matVec : matVecRows}
 * @param servingTensorCores whether a backend that serves several sequences multiplies on the tensor cores
 *                      ({@link TensorCoreKernels}: other bits than the CUDA-core kernels, the same for every batch
 *                      size); only a PTX device can ({@link #onBackend})
 * @param tailTask      whether each product's tail weights run as a task of their own after the product kernel
 *                      ({@link TailKernels#addTails}, as before 2026-12-08) instead of at the kernel's end: the same
 *                      bits, one launch more per product; for timing the two in one run (table key {@code tailTask})
 */
public record KernelTuning(String family, int matVec, int matVecRows, int norm, int attention, int elementwise,
        List<ShapeRule> byShape, boolean servingTensorCores, boolean tailTask) {

    /** Sizes without the tensor cores. */
    public KernelTuning(String family, int matVec, int matVecRows, int norm, int attention, int elementwise,
            List<ShapeRule> byShape) {
        this(family, matVec, matVecRows, norm, attention, elementwise, byShape, false);
    }

    /** Sizes with the tails added by the product kernels. */
    public KernelTuning(String family, int matVec, int matVecRows, int norm, int attention, int elementwise,
            List<ShapeRule> byShape, boolean servingTensorCores) {
        this(family, matVec, matVecRows, norm, attention, elementwise, byShape, servingTensorCores, false);
    }

    private static final String TABLE = "kernel-tuning.json";

    /**
     * System property naming a tuning table file to use instead of the bundled one (same format), for tuning a device
     * the table does not know, or comparing launches, without a rebuild.
     */
    public static final String TABLE_PROPERTY = "df11.tuning.table";

    /** A matrix-vector launch: work-items per group and the matrix rows each group serves. */
    public record MatVecLaunch(int local, int rows) {

        public MatVecLaunch {
            checkGroup("matrix-vector", local, ForwardKernels.MAX_LOCAL);
            if (rows < 1 || Integer.bitCount(rows) != 1 || rows > local) {
                throw new IllegalArgumentException("rows per matrix-vector work-group (" + rows
                        + ") must be a power of two of at most its work-group size " + local);
            }
        }
    }

    /**
     * A launch for matrices of at least {@code minRows} rows and {@code minCols} columns, and optionally the kernel
     * that multiplies BF16 planes on it ({@code product}, null for {@link #defaultProduct}) with {@code productRows}
     * rows per group (0: the kernel's or the launch's), and the kernel for a backend that serves several sequences at
     * once ({@code servingProduct}, null for {@code product}): serving's steps have many rows, generation's one.
     */
    public record ShapeRule(int minRows, int minCols, MatVecLaunch launch, ProductKernel product, int productRows,
            ProductKernel servingProduct) {

        public ShapeRule(int minRows, int minCols, MatVecLaunch launch) {
            this(minRows, minCols, launch, null, 0, null);
        }

        public ShapeRule(int minRows, int minCols, MatVecLaunch launch, ProductKernel product, int productRows) {
            this(minRows, minCols, launch, product, productRows, null);
        }

        boolean covers(int rows, int cols) {
            return rows >= minRows && cols >= minCols;
        }
    }

    /**
     * How the planes product of a shape runs: {@code kernel} on groups of {@code rows} matrix rows and {@code local}
     * work-items, each row on {@code width} work-items (its {@link MatVecLaunch}'s, which fix the bits).
     */
    public record ProductLaunch(ProductKernel kernel, int rows, int local, int width) {
    }

    public KernelTuning {
        checkGroup("norm", norm, NormKernels.MAX_LOCAL);
        checkGroup("attention", attention, ForwardKernels.MAX_LOCAL);
        checkGroup("elementwise", elementwise, ForwardKernels.MAX_LOCAL);
        new MatVecLaunch(matVec, matVecRows);
        byShape = List.copyOf(byShape);
    }

    private static void checkGroup(String what, int size, int max) {
        if (size < 1 || size > max || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException(what + " work-group size " + size + " must be a power of two in 1.."
                    + max);
        }
    }

    /**
     * The table's sizes for a device called {@code deviceName} (as TornadoVM reports it, e.g. "NVIDIA H100 80GB
     * HBM3"): the first family one of whose names the device name contains, else the table's default entry.
     */
    public static KernelTuning forDevice(String deviceName) {
        JsonNode families = table().get("families");
        if (families == null || !families.isArray()) {
            throw new IllegalStateException("the tuning table (" + tableSource() + ") has no \"families\" array");
        }
        JsonNode fallback = null;
        for (JsonNode family : families) {
            JsonNode names = family.get("devices");
            if (names == null) {
                fallback = family;
                continue;
            }
            for (JsonNode name : names) {
                if (deviceName != null && deviceName.contains(name.textValue())) {
                    return parse(family);
                }
            }
        }
        if (fallback == null) {
            throw new IllegalStateException("the tuning table (" + tableSource()
                    + ") has no default entry (one without \"devices\")");
        }
        return parse(fallback);
    }

    /**
     * These sizes for a device whose backend is {@code ptx} or not: the tensor cores only where it is, since only
     * TornadoVM's PTX backend emits {@code mma}.
     */
    public KernelTuning onBackend(boolean ptx) {
        return ptx || !servingTensorCores ? this
                : new KernelTuning(family, matVec, matVecRows, norm, attention, elementwise, byShape, false, tailTask);
    }

    /** The default entry: the sizes for a device the table does not name. */
    public static KernelTuning defaults() {
        return forDevice(null);
    }

    private static String tableSource() {
        String custom = System.getProperty(TABLE_PROPERTY);
        return custom != null ? custom + ", from system property " + TABLE_PROPERTY : TABLE + " in the jar";
    }

    private static JsonNode table() {
        String custom = System.getProperty(TABLE_PROPERTY);
        if (custom != null) {
            Path path = Path.of(custom);
            try (InputStream in = Files.newInputStream(path)) {
                return new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the tuning table " + path + " (system property "
                        + TABLE_PROPERTY + "): " + e.getMessage(), e);
            }
        }
        try (InputStream in = KernelTuning.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException(TABLE + " is missing from the df11-tornado-kernels jar");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
    }

    private static KernelTuning parse(JsonNode family) {
        List<ShapeRule> rules = new ArrayList<>();
        for (JsonNode rule : family.path("matVecByShape")) {
            ProductKernel product = rule.hasNonNull("product") ? ProductKernel.named(rule.get("product").textValue())
                    : null;
            ProductKernel serving = rule.hasNonNull("servingProduct")
                    ? ProductKernel.named(rule.get("servingProduct").textValue()) : null;
            rules.add(new ShapeRule(rule.path("minRows").asInt(0), rule.path("minCols").asInt(0),
                    new MatVecLaunch(rule.get("local").asInt(), rule.get("rows").asInt()), product,
                    rule.path("productRows").asInt(0), serving));
        }
        JsonNode matVec = family.get("matVec");
        return new KernelTuning(family.get("family").textValue(), matVec.get("local").asInt(),
                matVec.get("rows").asInt(), family.get("norm").asInt(), family.get("attention").asInt(),
                family.get("elementwise").asInt(), rules, family.path("servingTensorCores").asBoolean(false),
                family.path("tailTask").asBoolean(false));
    }

    /**
     * The launch for a {@code rows x cols} product: the first rule that covers the shape, else the default, with its
     * rows per group halved while they hold more weights than the fused kernel's stage
     * ({@link FusedMatVecKernels#STAGE_ELEMENTS}). Every matrix-vector kernel takes this one launch: a row's
     * work-items and their stride set the order its products are added in, so BF16, exact DF11 and fused DF11 add
     * them in the same order only with the same launch.
     */
    public MatVecLaunch matVecLaunch(int rows, int cols) {
        MatVecLaunch chosen = new MatVecLaunch(matVec, matVecRows);
        for (ShapeRule rule : byShape) {
            if (rule.covers(rows, cols)) {
                chosen = rule.launch();
                break;
            }
        }
        int perGroup = chosen.rows();
        while (perGroup > 1 && (long) perGroup * cols > FusedMatVecKernels.STAGE_ELEMENTS) {
            perGroup /= 2;
        }
        return perGroup == chosen.rows() ? chosen : new MatVecLaunch(chosen.local(), perGroup);
    }

    /**
     * How the planes product of a {@code rows x cols} matrix runs: the covering rule's product kernel if it names one
     * and its groups hold that launch's work-items per row, else {@link #defaultProduct}; always on
     * {@link #matVecLaunch}'s work-items per row. A kernel takes its {@link ProductKernel#wider} form where a row has
     * more work-items than its groups hold (a launch cut by the fused stage has more per row: a 5,120-column matrix
     * under a 256:8 rule runs 256:2, 128 a row).
     *
     * @param serving whether the backend serves several sequences at once (the rule's {@code servingProduct}, if it
     *                names one, applies)
     * @throws IllegalStateException if the rule gives its kernel rows per group it cannot take
     */
    public ProductLaunch productLaunch(int rows, int cols, boolean serving) {
        MatVecLaunch launch = matVecLaunch(rows, cols);
        int width = launch.local() / launch.rows();
        for (ShapeRule rule : byShape) {
            if (rule.covers(rows, cols)) {
                ProductKernel kernel = serving && rule.servingProduct() != null ? rule.servingProduct()
                        : rule.product();
                if (kernel == null) {
                    break;
                }
                int groupRows = rule.productRows() > 0 ? rule.productRows()
                        : kernel.fixedRows() > 0 ? kernel.fixedRows() : launch.rows();
                boolean fixedMismatch = kernel.fixedRows() > 0 && groupRows != kernel.fixedRows();
                if (groupRows % kernel.rowsPerItem() != 0 || fixedMismatch) {
                    throw new IllegalStateException("tuning family " + family + ": product kernel " + kernel.key()
                            + " cannot serve " + groupRows + " rows per group (rows "
                            + (kernel.fixedRows() > 0 ? "exactly " + kernel.fixedRows()
                                    : "a multiple of " + kernel.rowsPerItem()) + ")");
                }
                int local = width * groupRows / kernel.rowsPerItem();
                while (local > kernel.maxLocal() && rule.productRows() == 0 && kernel.wider() != null) {
                    kernel = kernel.wider();
                    groupRows = kernel.fixedRows();
                    local = width * groupRows / kernel.rowsPerItem();
                }
                if (local > kernel.maxLocal()) {
                    // This shape's launch gives each row more work-items than the kernel's groups hold.
                    return defaultProduct(launch);
                }
                return new ProductLaunch(kernel, groupRows, local, width);
            }
        }
        return defaultProduct(launch);
    }

    /**
     * The product kernel where no rule names one: two rows per work-item on half the launch's work-items where the
     * launch has two or more rows a group, else the planes kernel on the launch.
     */
    static ProductLaunch defaultProduct(MatVecLaunch launch) {
        int width = launch.local() / launch.rows();
        if (launch.rows() >= 2 && launch.local() / 2 <= ProductKernel.PAIRS.maxLocal()) {
            return new ProductLaunch(ProductKernel.PAIRS, launch.rows(), launch.local() / 2, width);
        }
        return new ProductLaunch(ProductKernel.PLANES, launch.rows(), launch.local(), width);
    }

    /** These sizes with {@code local} work-items per matrix-vector group serving {@code rows} rows, for every shape. */
    public KernelTuning withMatVec(int local, int rows) {
        return new KernelTuning("custom", local, rows, norm, attention, elementwise, List.of());
    }
}
