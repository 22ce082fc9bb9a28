package dev.sotto.vits;

/** Element-wise operations and normalisations on channel-major activations [C, T]. */
final class Ops {
    static final float LRELU_SLOPE = 0.1f;

    private Ops() {
    }

    static void relu(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            x[i] = Math.max(0f, x[i]);
        }
    }

    /** x += y. */
    static void addInPlace(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    /** x[c, t] += v[c] for all t: a per-channel constant such as a speaker condition. */
    static void addPerChannel(float[] x, float[] v, int channels, int length) {
        for (int c = 0; c < channels; c++) {
            float b = v[c];
            int row = c * length;
            for (int t = 0; t < length; t++) {
                x[row + t] += b;
            }
        }
    }

    /** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), as in PyTorch's default and the exported Erf node. */
    static void gelu(float[] x, int n) {
        dev.sotto.kernel.VectorMath.gelu(x, n);
    }

    /**
     * LayerNorm over channels of x [C, T] (each time step normalised on its own), eps 1e-5, computed like the
     * exported graph: mean, then mean of squared deviations, then (x - mean) / sqrt(var + eps) * gamma + beta.
     */
    static void layerNorm(float[] x, int channels, int length, float[] gamma, float[] beta) {
        float[] mean = new float[length];
        float[] var = new float[length];
        for (int c = 0; c < channels; c++) {
            int row = c * length;
            for (int t = 0; t < length; t++) {
                mean[t] += x[row + t];
            }
        }
        for (int t = 0; t < length; t++) {
            mean[t] /= channels;
        }
        for (int c = 0; c < channels; c++) {
            int row = c * length;
            for (int t = 0; t < length; t++) {
                float d = x[row + t] - mean[t];
                var[t] += d * d;
            }
        }
        for (int t = 0; t < length; t++) {
            var[t] = (float) Math.sqrt(var[t] / channels + 1e-5f);
        }
        for (int c = 0; c < channels; c++) {
            int row = c * length;
            float g = gamma[c];
            float b = beta[c];
            for (int t = 0; t < length; t++) {
                x[row + t] = (x[row + t] - mean[t]) / var[t] * g + b;
            }
        }
    }

    /** Rows [from, to) of x [C, T] as a new array. */
    static float[] channels(float[] x, int from, int to, int length) {
        float[] y = new float[(to - from) * length];
        System.arraycopy(x, from * length, y, 0, y.length);
        return y;
    }

    /** Reverses the channel order of x [C, T] (VITS's Flip). */
    static float[] flipChannels(float[] x, int channels, int length) {
        float[] y = new float[channels * length];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(x, c * length, y, (channels - 1 - c) * length, length);
        }
        return y;
    }
}
