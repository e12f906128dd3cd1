package dev.df11.lab.decode;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.tornado.testing.Stories15M;
import org.junit.jupiter.api.Test;

import java.io.IOException;

/**
 * The six decoder layers of the real stories15M model (llama2.c float32 checkpoint, rounded to BF16), each encoded
 * as one unit of seven matrices (q, k, v, o, gate, up, down), decode on the device exactly as on the CPU.
 */
class Stories15MOnDeviceTest {

    @Test
    void everyLayerDecodesLikeTheCpu() throws IOException {
        try (Stories15M model = Stories15M.open()) {
            Df11Encoder encoder = new Df11Encoder(2);
            for (int layer = 0; layer < model.layers; layer++) {
                Df11Unit unit = encoder.encode("model.layers." + layer, model.layerMatricesAsBf16(layer));
                for (KernelVersion version : KernelVersion.values()) {
                    if (layer == 0 || version != KernelVersion.V1_GLOBAL) {
                        DeviceOracle.assertDecodesLikeCpu(unit, version);
                    }
                }
            }
        }
    }
}
