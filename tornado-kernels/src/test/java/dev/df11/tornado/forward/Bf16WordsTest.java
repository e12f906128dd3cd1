package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host side of the BF16-pair layout: packing order and the evenness check. */
class Bf16WordsTest {

    @Test
    void packsElementTwoIInTheLowHalfOfWordIAndPadsAnOddTail() {
        ShortArray bf16 = new ShortArray(5);
        short[] values = {(short) 0x3F80, (short) 0xBF80, (short) 0x0001, (short) 0xFFFF, (short) 0x7F7F};
        for (int i = 0; i < values.length; i++) {
            bf16.set(i, values[i]);
        }
        IntArray words = Bf16Words.pack(bf16.getSegment());
        assertEquals(3, words.getSize());
        for (int i = 0; i < values.length; i++) {
            int half = (words.get(i / 2) >>> (16 * (i % 2))) & 0xFFFF;
            assertEquals(values[i] & 0xFFFF, half, "element " + i);
        }
        assertEquals(0, words.get(2) >>> 16, "the padding half of the last word");
    }
}
