import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.Df11Model;
import dev.df11.tornado.forward.weights.NibbleArrays;
import dev.df11.tornado.forward.weights.NibbleLayout;
import dev.df11.tornado.api.ArrayAllocator;
import java.nio.file.Path;

/** Host time of the nibble layout at load: the census and the fill of every unit of a DF11 folder, all cores. */
public class LoadCost {
    public static void main(String[] a) throws Exception {
        Df11Decoder decoder = new Df11Decoder(Runtime.getRuntime().availableProcessors());
        try (Df11Model m = Df11Model.open(Path.of(a[0]))) {
            for (int round = 0; round < 2; round++) {   // the first round warms the JIT
                long weights = 0, censusNs = 0, fillNs = 0, escapes = 0, bytes = 0;
                for (String u : m.unitNames()) {
                    Df11Unit unit = m.unit(u);
                    long t0 = System.nanoTime();
                    NibbleLayout.Census census = NibbleLayout.census(unit, decoder);
                    long t1 = System.nanoTime();
                    NibbleArrays arrays = NibbleArrays.allocate(census, ArrayAllocator.TORNADO);
                    arrays.fill(unit, decoder);
                    long t2 = System.nanoTime();
                    censusNs += t1 - t0;
                    fillNs += t2 - t1;
                    weights += census.elements();
                    escapes += census.escapes();
                    bytes += census.bytes();
                }
                System.out.printf("round %d: %d units, %,d weights, %d processors: census %.2f s (%.0f M weights/s),"
                        + " fill %.2f s (%.0f M weights/s); layout %.2f%% of BF16, escapes %.4f%%%n", round,
                        m.unitNames().size(), weights, Runtime.getRuntime().availableProcessors(), censusNs / 1e9,
                        weights / (censusNs / 1e3), fillNs / 1e9, weights / (fillNs / 1e3),
                        100.0 * bytes / (2.0 * weights), 100.0 * escapes / weights);
            }
        }
    }
}
