import dev.df11.format.codec.*;
import dev.df11.format.model.Df11Model;
import dev.df11.tornado.forward.weights.NibbleLayout;
import java.nio.file.Path;
public class Census {
    public static void main(String[] a) throws Exception {
        try (Df11Model m = Df11Model.open(Path.of(a[0]))) {
            long el = 0, esc = 0, bytes = 0, df11 = 0;
            for (String u : m.unitNames()) {
                Df11Unit unit = m.unit(u);
                long t0 = System.nanoTime();
                NibbleLayout.Census c = NibbleLayout.census(unit, new Df11Decoder(2));
                el += c.elements(); esc += c.escapes(); bytes += c.bytes(); df11 += m.storedBytes(u);
                System.out.printf("%-28s %,12d weights  escapes %.4f%%  nibble %.1f%% of BF16  %s  %.0f ms%n", u, c.elements(),
                    100.0 * c.escapes() / c.elements(), 100.0 * c.bytes() / (2.0 * c.elements()), c.qualifies() ? "" : "DOES NOT QUALIFY", (System.nanoTime()-t0)/1e6);
            }
            System.out.printf("total %,d weights, escapes %.4f%%, nibble %.2f%% of BF16, DF11 stored %.2f%%%n", el, 100.0*esc/el, 100.0*bytes/(2.0*el), 100.0*df11/(2.0*el));
        }
    }
}
