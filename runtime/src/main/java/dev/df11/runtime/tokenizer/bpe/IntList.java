package dev.df11.runtime.tokenizer.bpe;

import java.util.Arrays;

/** A growable list of primitive ints (token ids), so encoding does not box every id. */
public final class IntList {

    private int[] values;
    private int size;

    public IntList() {
        this(16);
    }

    public IntList(int initialCapacity) {
        values = new int[Math.max(1, initialCapacity)];
    }

    public void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    public int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of a list of " + size);
        }
        return values[index];
    }

    public int size() {
        return size;
    }

    /** Removes every element, keeping the capacity. */
    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
