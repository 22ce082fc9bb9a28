package dev.sotto.pocket;

/**
 * Rotary position embedding, interleaved: the pairs (x[2i], x[2i+1]) of each head are rotated by pos * f_i, with
 * f_i = exp(-ln(maxPeriod) * 2i / headDim). Computed in float32 as upstream does (frequencies, then position times
 * frequency, then cos and sin), so that long positions round alike.
 */
final class Rope {
    private final float[] freqs; // [headDim / 2]

    Rope(int headDim, double maxPeriod) {
        float scale = (float) (-Math.log(maxPeriod) * 2 / headDim);
        freqs = new float[headDim / 2];
        for (int i = 0; i < freqs.length; i++) {
            freqs[i] = (float) Math.exp((float) i * scale);
        }
    }

    /** Rotates row {@code x[off, off + heads * headDim)} (head-major) for absolute position {@code pos}. */
    void rotate(float[] x, int off, int heads, long pos) {
        int half = freqs.length;
        int headDim = 2 * half;
        float p = (float) pos;
        for (int i = 0; i < half; i++) {
            float angle = freqs[i] * p;
            float c = (float) Math.cos(angle);
            float s = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int j = off + h * headDim + 2 * i;
                float re = x[j];
                float im = x[j + 1];
                x[j] = re * c - im * s;
                x[j + 1] = re * s + im * c;
            }
        }
    }
}
