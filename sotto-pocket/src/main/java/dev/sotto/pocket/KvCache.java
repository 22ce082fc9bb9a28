package dev.sotto.pocket;

import java.util.Arrays;

/**
 * The keys and values a streaming transformer has seen, per layer: rows of [heads * headDim] (head-major, keys
 * already rotated), for absolute positions [first, first + length). With a finite context only the last
 * {@code context} positions are kept (older ones are never visible again). Per utterance; not thread-safe.
 */
final class KvCache {
    final int layers;
    final int width;
    private final int context;   // Integer.MAX_VALUE: keep everything
    private float[][] keys;      // [layer][capacity * width]
    private float[][] values;
    private long first;          // absolute position of row 0
    private int length;          // rows held

    KvCache(int layers, int width, int capacity, int context) {
        this.layers = layers;
        this.width = width;
        this.context = context;
        int cap = Math.max(1, capacity);
        this.keys = new float[layers][cap * width];
        this.values = new float[layers][cap * width];
    }

    /** Absolute position of the next row: the number of positions seen so far. */
    long end() {
        return first + length;
    }

    long first() {
        return first;
    }

    int length() {
        return length;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /**
     * Makes room for {@code rows} more positions (dropping those no later query can see) and returns the row index
     * where they go; the caller writes every layer's rows there, then calls {@link #commit}.
     */
    int reserve(int rows) {
        if (context != Integer.MAX_VALUE && length + rows > context) {
            // Keep the last (context - 1) rows: with the new ones, a query sees at most `context` positions.
            int keep = Math.max(0, Math.min(length, context - 1));
            int drop = length - keep;
            if (drop > 0) {
                for (int l = 0; l < layers; l++) {
                    System.arraycopy(keys[l], drop * width, keys[l], 0, keep * width);
                    System.arraycopy(values[l], drop * width, values[l], 0, keep * width);
                }
                first += drop;
                length = keep;
            }
        }
        int need = (length + rows) * width;
        if (need > keys[0].length) {
            int grown = Math.max(need, 2 * keys[0].length);
            for (int l = 0; l < layers; l++) {
                keys[l] = Arrays.copyOf(keys[l], grown);
                values[l] = Arrays.copyOf(values[l], grown);
            }
        }
        return length;
    }

    void commit(int rows) {
        length += rows;
    }

    /** Fills the cache with a prefix (a voice state): {@code rows} positions from 0. */
    void load(float[][] layerKeys, float[][] layerValues, int rows) {
        if (layerKeys.length != layers) {
            throw new IllegalArgumentException("the state has " + layerKeys.length + " layers, the model " + layers);
        }
        first = 0;
        length = 0;
        reserve(rows);
        for (int l = 0; l < layers; l++) {
            System.arraycopy(layerKeys[l], 0, keys[l], 0, rows * width);
            System.arraycopy(layerValues[l], 0, values[l], 0, rows * width);
        }
        length = rows;
    }
}
