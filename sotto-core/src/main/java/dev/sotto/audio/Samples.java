package dev.sotto.audio;

import java.util.Arrays;
import java.util.List;

/** Small helpers on arrays of samples. */
public final class Samples {
    private Samples() {
    }

    /** {@code a} followed by {@code b} (one of them itself when the other is empty). */
    public static float[] concat(float[] a, float[] b) {
        if (b.length == 0) {
            return a;
        }
        if (a.length == 0) {
            return b;
        }
        float[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The parts one after the other. */
    public static float[] concat(List<float[]> parts) {
        long total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too much audio for one array: " + total + " samples");
        }
        float[] all = new float[(int) total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
