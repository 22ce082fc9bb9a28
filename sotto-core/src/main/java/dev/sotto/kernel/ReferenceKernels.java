package dev.sotto.kernel;

import dev.sotto.tensor.WeightMatrix;

/**
 * Scalar kernels written straight from the definitions: the reference every vector kernel is tested
 * against, and the fallback when {@link dev.sotto.tensor.Simd} selects scalar mode. Single-threaded;
 * argument checks are done by {@link Kernels}.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {
    }

    private static float[] dequantizeAll(WeightMatrix w) {
        float[] out = new float[Math.multiplyExact(w.rows(), w.cols())];
        w.format().dequantizeScalar(w.data(), 0, out, 0, out.length);
        return out;
    }

    /** {@code y[r] = bias[r] + sum_c W[r, c] x[c]}. */
    public static void matVec(WeightMatrix w, float[] bias, float[] x, float[] y) {
        for (int r = 0; r < w.rows(); r++) {
            float s = w.format().dotScalar(w.data(), (long) r * w.cols(), x, 0, w.cols());
            y[r] = (bias == null ? 0f : bias[r]) + s;
        }
    }

    /** {@code y[t, r] = bias[r] + sum_c W[r, c] x[t, c]} for x [n, cols], y [n, rows]. */
    public static void matVecBatch(WeightMatrix w, float[] bias, float[] x, int n, float[] y) {
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < w.rows(); r++) {
                float s = w.format().dotScalar(w.data(), (long) r * w.cols(), x, t * w.cols(), w.cols());
                y[t * w.rows() + r] = (bias == null ? 0f : bias[r]) + s;
            }
        }
    }

    /** Input with the fused activation applied (a copy, or {@code x} itself when there is none). */
    private static float[] activated(float[] x, int n, ConvFusion f) {
        if (!f.transformsInput()) {
            return x;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = f.activate(x[i]);
        }
        return a;
    }

    /** y = (accumulate ? y : 0) + residual + r. */
    private static void store(float[] r, float[] y, ConvFusion f, float[] residual) {
        for (int i = 0; i < r.length; i++) {
            float v = r[i] + (residual == null ? 0f : residual[i]);
            y[i] = f.accumulate() ? y[i] + v : v;
        }
    }

    /** {@code y[o, t] = bias[o] + sum_{c, j} W[o, c, j] x[g*inG + c, t*stride + j*dilation - padLeft]}. */
    public static void conv1d(Conv1dShape s, WeightMatrix w, float[] bias, float[] x, int inLength, float[] y) {
        conv1d(s, w, bias, x, inLength, y, ConvFusion.NONE, null);
    }

    /** {@link #conv1d} with the input transform and accumulation of {@code fusion}, plus {@code residual} (nullable). */
    public static void conv1d(Conv1dShape s, WeightMatrix w, float[] bias, float[] xIn, int inLength, float[] y, ConvFusion fusion,
                              float[] residual) {
        float[] x = activated(xIn, s.inChannels() * inLength, fusion);
        float[] r = new float[s.outChannels() * s.outputLength(inLength)];
        float[] wf = dequantizeAll(w);
        int outLength = s.outputLength(inLength);
        int inG = s.inPerGroup();
        int outG = s.outPerGroup();
        int k = s.kernelSize();
        for (int o = 0; o < s.outChannels(); o++) {
            int g = o / outG;
            for (int t = 0; t < outLength; t++) {
                float sum = bias == null ? 0f : bias[o];
                for (int c = 0; c < inG; c++) {
                    int xRow = (g * inG + c) * inLength;
                    for (int j = 0; j < k; j++) {
                        int idx = t * s.stride() + j * s.dilation() - s.padLeft();
                        if (idx >= 0 && idx < inLength) {
                            sum += wf[(o * inG + c) * k + j] * x[xRow + idx];
                        }
                    }
                }
                r[o * outLength + t] = sum;
            }
        }
        store(r, y, fusion, residual);
    }

    /** {@code y[o, t_in*stride - padding + j] += W[c, o - g*outG, j] x[c, t_in]} over all inputs, plus bias. */
    public static void convTranspose1d(ConvTranspose1dShape s, WeightMatrix w, float[] bias, float[] x, int inLength, float[] y) {
        convTranspose1d(s, w, bias, x, inLength, y, ConvFusion.NONE);
    }

    /** {@link #convTranspose1d} with the input activation and accumulation of {@code fusion}. */
    public static void convTranspose1d(ConvTranspose1dShape s, WeightMatrix w, float[] bias, float[] xIn, int inLength, float[] yOut,
                                       ConvFusion fusion) {
        float[] x = activated(xIn, s.inChannels() * inLength, fusion);
        float[] y = new float[s.outChannels() * s.outputLength(inLength)];
        float[] wf = dequantizeAll(w);
        int outLength = s.outputLength(inLength);
        int inG = s.inPerGroup();
        int outG = s.outPerGroup();
        int k = s.kernelSize();
        for (int o = 0; o < s.outChannels(); o++) {
            java.util.Arrays.fill(y, o * outLength, (o + 1) * outLength, bias == null ? 0f : bias[o]);
        }
        for (int c = 0; c < s.inChannels(); c++) {
            int g = c / inG;
            for (int t = 0; t < inLength; t++) {
                float xv = x[c * inLength + t];
                for (int ol = 0; ol < outG; ol++) {
                    int o = g * outG + ol;
                    for (int j = 0; j < k; j++) {
                        int to = t * s.stride() - s.padding() + j;
                        if (to >= 0 && to < outLength) {
                            y[o * outLength + to] += wf[(c * outG + ol) * k + j] * xv;
                        }
                    }
                }
            }
        }
        store(y, yOut, fusion, null);
    }
}
