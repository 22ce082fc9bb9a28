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
        for (int i = 0; i < n; i++) {
            float v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + erf(v / Math.sqrt(2.0))));
        }
    }

    /**
     * The error function to about 1e-13: a table of erf and exp(-x^2) at steps of 1/64, computed once with a
     * series, and a fifth-order Taylor step from the nearest table point (|h| <= 1/128).
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (!(ax < ErfTable.LIMIT)) {
            return Double.isNaN(x) ? x : Math.copySign(1.0, x);
        }
        int i = (int) Math.round(ax * ErfTable.STEPS);
        double x0 = i / (double) ErfTable.STEPS;
        double h = ax - x0;
        double d1 = ErfTable.DERIVATIVE[i]; // erf'(x0) = 2/sqrt(pi) exp(-x0^2)
        double x02 = x0 * x0;
        double poly = h * (1 + h * (-x0 + h * ((2 * x02 - 1) / 3 + h * ((-2 * x02 * x0 + 3 * x0) / 6
                + h * ((4 * x02 * x02 - 12 * x02 + 3) / 30)))));
        double r = ErfTable.VALUE[i] + d1 * poly;
        return x < 0 ? -r : r;
    }

    /** erf by its Taylor series around 0 (slow, exact to double rounding for |x| < 6): builds and tests the table. */
    static double erfSeries(double x) {
        double ax = Math.abs(x);
        double x2 = ax * ax;
        double term = ax;
        double sum = ax;
        for (int n = 1; n < 400; n++) {
            term *= -x2 / n;
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.abs(t) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        double r = Math.min(1.0, sum * 1.1283791670955126);
        return x < 0 ? -r : r;
    }

    private static final class ErfTable {
        static final int STEPS = 64;
        /** Beyond 4.5, erf is 1 to within 2e-10, far below float resolution around 1. */
        static final double LIMIT = 4.5;
        static final double[] VALUE = new double[(int) (LIMIT * STEPS) + 2];
        static final double[] DERIVATIVE = new double[VALUE.length];

        static {
            for (int i = 0; i < VALUE.length; i++) {
                double x0 = i / (double) STEPS;
                VALUE[i] = erfSeriesAccurate(x0);
                DERIVATIVE[i] = 1.1283791670955126 * Math.exp(-x0 * x0);
            }
        }

        /** The series loses digits to cancellation beyond x ~ 3; there the continued fraction for erfc is used. */
        private static double erfSeriesAccurate(double x) {
            if (x < 3) {
                return erfSeries(x);
            }
            double f = x;
            for (int k = 80; k >= 1; k--) {
                f = x + (k / 2.0) / f;
            }
            return 1.0 - Math.exp(-x * x) / (f * 1.7724538509055159);
        }
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
