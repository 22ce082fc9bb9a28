package dev.sotto.pocket;

import dev.sotto.kernel.VectorMath;

/** The normalisations of Pocket TTS, over the last dimension of row-major activations [rows, features]. */
final class Norms {
    private Norms() {
    }

    /**
     * LayerNorm of each row: (x - mean) / sqrt(var + eps) (biased variance), times {@code gamma} plus {@code beta}
     * (both null for the non-affine form). Sums in double.
     */
    static void layerNorm(float[] x, int rows, int n, float[] gamma, float[] beta, float eps) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += x[o + i];
            }
            float mean = (float) (sum / n);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double d = x[o + i] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / n + eps));
            for (int i = 0; i < n; i++) {
                float v = (x[o + i] - mean) * inv;
                x[o + i] = gamma == null ? v : v * gamma[i] + beta[i];
            }
        }
    }

    /**
     * The flow head's "RMSNorm" of a vector: {@code x * alpha / sqrt(eps + var(x))} with the unbiased variance (N - 1)
     * around the mean, while x itself is not centred (upstream's definition).
     */
    static void varianceNorm(float[] x, float[] alpha, float eps) {
        int n = x.length;
        double sum = 0;
        for (float v : x) {
            sum += v;
        }
        double mean = sum / n;
        double sq = 0;
        for (float v : x) {
            double d = v - mean;
            sq += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(eps + sq / (n - 1)));
        for (int i = 0; i < n; i++) {
            x[i] = x[i] * (alpha[i] * inv);
        }
    }

    /** SiLU in place: x * sigmoid(x). */
    static void silu(float[] x) {
        VectorMath.silu(x, 0, x.length);
    }

    /** A copy with SiLU applied. */
    static float[] siluOf(float[] x) {
        float[] y = x.clone();
        silu(y);
        return y;
    }

    /** ELU (alpha 1) in place over {@code x[0, n)}: x for x > 0, exp(x) - 1 otherwise. */
    static void elu(float[] x, int n) {
        VectorMath.elu(x, 0, n);
    }
}
