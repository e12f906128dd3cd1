import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.Df11Model;
import dev.df11.tornado.forward.weights.ExponentCensus;
import dev.df11.tornado.forward.weights.UnitMatrices;
import dev.df11.tornado.forward.weights.UnitTail;
import java.nio.file.Path;
import java.util.List;

/**
 * Host time of the tail order at load for a DF11 folder, all cores: per unit the census (a CPU decode counting
 * exponents) and the tail pass (a second decode collecting the weights of uncoded exponents), each unit read as one
 * matrix of its whole length.
 */
public class TailCost {
    public static void main(String[] a) throws Exception {
        Df11Decoder decoder = new Df11Decoder(Runtime.getRuntime().availableProcessors());
        try (Df11Model m = Df11Model.open(Path.of(a[0]))) {
            for (int round = 0; round < 2; round++) {   // the first round warms the JIT
                long weights = 0, censusNs = 0, tailNs = 0, tail = 0, bytes = 0;
                for (String u : m.unitNames()) {
                    Df11Unit unit = m.unit(u);
                    UnitMatrices matrices = UnitMatrices.compressed(u, List.of(new UnitMatrices.Span(u, 0, 1,
                            Math.toIntExact(unit.elementCount()))), unit, decoder);
                    long t0 = System.nanoTime();
                    ExponentCensus census = ExponentCensus.of(matrices);
                    long t1 = System.nanoTime();
                    UnitTail unitTail = UnitTail.of(matrices, census);
                    long t2 = System.nanoTime();
                    censusNs += t1 - t0;
                    tailNs += t2 - t1;
                    weights += census.weights();
                    tail += unitTail.entries();
                    bytes += unitTail.bytes();
                }
                System.out.printf("round %d: %d units, %,d weights, %d processors: census %.2f s (%.0f M weights/s),"
                        + " tail %.2f s (%.0f M weights/s); tail %.4f%% of weights, %.2f MiB%n", round,
                        m.unitNames().size(), weights, Runtime.getRuntime().availableProcessors(), censusNs / 1e9,
                        weights / (censusNs / 1e3), tailNs / 1e9, weights / (tailNs / 1e3), 100.0 * tail / weights,
                        bytes / (double) (1L << 20));
            }
        }
    }
}
