package dev.sotto.kernel;

import dev.sotto.tensor.Vectors;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The vector micro-kernels behind every convolution and matrix product: a tile of output channels times a
 * run of time steps, accumulated in registers over input channels and taps with the time axis in the
 * vector lanes (so no horizontal reductions), then stored once.
 *
 * <p>For a tile starting at output row {@code o}: {@code out[outBase + r*outStride + t] = bias_r + sum_{c<cin, j<taps}
 * w[wOff + (c*taps + j)*rows + r] * xp[xBase + c*xStride + j*dil + t]} for {@code t < n}, where {@code rows} is the
 * tile height (4 or 1) and {@code xp} holds every sample the tile reads (padding already applied). The
 * accumulators start from the bias plus, where given, {@code init1} and {@code init2} at the output's positions
 * (for accumulation into {@code out} and for a residual input).
 */
final class ConvTiles {
    /** Output channels per full tile. */
    static final int ROWS = 4;

    private ConvTiles() {
    }

    static void tile4(float[] xp, int xBase, int xStride, int cin, int taps, int dil,
                      float[] w, float[] out, int outBase, int outStride, int n, float[] init1, float[] init2,
                      float b0, float b1, float b2, float b3) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int o0 = outBase, o1 = outBase + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        int t = 0;
        for (; t + 2 * lanes <= n; t += 2 * lanes) {
            FloatVector a00 = FloatVector.broadcast(f, b0), a01 = a00;
            FloatVector a10 = FloatVector.broadcast(f, b1), a11 = a10;
            FloatVector a20 = FloatVector.broadcast(f, b2), a21 = a20;
            FloatVector a30 = FloatVector.broadcast(f, b3), a31 = a30;
            if (init1 != null) {
                a00 = a00.add(FloatVector.fromArray(f, init1, o0 + t));
                a01 = a01.add(FloatVector.fromArray(f, init1, o0 + t + lanes));
                a10 = a10.add(FloatVector.fromArray(f, init1, o1 + t));
                a11 = a11.add(FloatVector.fromArray(f, init1, o1 + t + lanes));
                a20 = a20.add(FloatVector.fromArray(f, init1, o2 + t));
                a21 = a21.add(FloatVector.fromArray(f, init1, o2 + t + lanes));
                a30 = a30.add(FloatVector.fromArray(f, init1, o3 + t));
                a31 = a31.add(FloatVector.fromArray(f, init1, o3 + t + lanes));
            }
            if (init2 != null) {
                a00 = a00.add(FloatVector.fromArray(f, init2, o0 + t));
                a01 = a01.add(FloatVector.fromArray(f, init2, o0 + t + lanes));
                a10 = a10.add(FloatVector.fromArray(f, init2, o1 + t));
                a11 = a11.add(FloatVector.fromArray(f, init2, o1 + t + lanes));
                a20 = a20.add(FloatVector.fromArray(f, init2, o2 + t));
                a21 = a21.add(FloatVector.fromArray(f, init2, o2 + t + lanes));
                a30 = a30.add(FloatVector.fromArray(f, init2, o3 + t));
                a31 = a31.add(FloatVector.fromArray(f, init2, o3 + t + lanes));
            }
            int wi = 0;
            for (int c = 0; c < cin; c++) {
                int xi = xBase + c * xStride + t;
                for (int j = 0; j < taps; j++, xi += dil, wi += 4) {
                    FloatVector x0 = FloatVector.fromArray(f, xp, xi);
                    FloatVector x1 = FloatVector.fromArray(f, xp, xi + lanes);
                    FloatVector w0 = FloatVector.broadcast(f, w[wi]);
                    FloatVector w1 = FloatVector.broadcast(f, w[wi + 1]);
                    FloatVector w2 = FloatVector.broadcast(f, w[wi + 2]);
                    FloatVector w3 = FloatVector.broadcast(f, w[wi + 3]);
                    a00 = x0.fma(w0, a00);
                    a01 = x1.fma(w0, a01);
                    a10 = x0.fma(w1, a10);
                    a11 = x1.fma(w1, a11);
                    a20 = x0.fma(w2, a20);
                    a21 = x1.fma(w2, a21);
                    a30 = x0.fma(w3, a30);
                    a31 = x1.fma(w3, a31);
                }
            }
            a00.intoArray(out, o0 + t);
            a01.intoArray(out, o0 + t + lanes);
            a10.intoArray(out, o1 + t);
            a11.intoArray(out, o1 + t + lanes);
            a20.intoArray(out, o2 + t);
            a21.intoArray(out, o2 + t + lanes);
            a30.intoArray(out, o3 + t);
            a31.intoArray(out, o3 + t + lanes);
        }
        // Tail: one vector at a time, the last one masked.
        for (; t < n; t += lanes) {
            VectorMask<Float> m = f.indexInRange(t, n);
            FloatVector a0 = FloatVector.broadcast(f, b0);
            FloatVector a1 = FloatVector.broadcast(f, b1);
            FloatVector a2 = FloatVector.broadcast(f, b2);
            FloatVector a3 = FloatVector.broadcast(f, b3);
            if (init1 != null) {
                a0 = a0.add(FloatVector.fromArray(f, init1, o0 + t, m));
                a1 = a1.add(FloatVector.fromArray(f, init1, o1 + t, m));
                a2 = a2.add(FloatVector.fromArray(f, init1, o2 + t, m));
                a3 = a3.add(FloatVector.fromArray(f, init1, o3 + t, m));
            }
            if (init2 != null) {
                a0 = a0.add(FloatVector.fromArray(f, init2, o0 + t, m));
                a1 = a1.add(FloatVector.fromArray(f, init2, o1 + t, m));
                a2 = a2.add(FloatVector.fromArray(f, init2, o2 + t, m));
                a3 = a3.add(FloatVector.fromArray(f, init2, o3 + t, m));
            }
            int wi = 0;
            for (int c = 0; c < cin; c++) {
                int xi = xBase + c * xStride + t;
                for (int j = 0; j < taps; j++, xi += dil, wi += 4) {
                    FloatVector x0 = FloatVector.fromArray(f, xp, xi, m);
                    a0 = x0.fma(FloatVector.broadcast(f, w[wi]), a0);
                    a1 = x0.fma(FloatVector.broadcast(f, w[wi + 1]), a1);
                    a2 = x0.fma(FloatVector.broadcast(f, w[wi + 2]), a2);
                    a3 = x0.fma(FloatVector.broadcast(f, w[wi + 3]), a3);
                }
            }
            a0.intoArray(out, o0 + t, m);
            a1.intoArray(out, o1 + t, m);
            a2.intoArray(out, o2 + t, m);
            a3.intoArray(out, o3 + t, m);
        }
    }

    static void tile1(float[] xp, int xBase, int xStride, int cin, int taps, int dil,
                      float[] w, float[] out, int outBase, int n, float[] init1, float[] init2, float b0) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int t = 0;
        for (; t + 4 * lanes <= n; t += 4 * lanes) {
            FloatVector a0 = FloatVector.broadcast(f, b0), a1 = a0, a2 = a0, a3 = a0;
            if (init1 != null) {
                a0 = a0.add(FloatVector.fromArray(f, init1, outBase + t));
                a1 = a1.add(FloatVector.fromArray(f, init1, outBase + t + lanes));
                a2 = a2.add(FloatVector.fromArray(f, init1, outBase + t + 2 * lanes));
                a3 = a3.add(FloatVector.fromArray(f, init1, outBase + t + 3 * lanes));
            }
            if (init2 != null) {
                a0 = a0.add(FloatVector.fromArray(f, init2, outBase + t));
                a1 = a1.add(FloatVector.fromArray(f, init2, outBase + t + lanes));
                a2 = a2.add(FloatVector.fromArray(f, init2, outBase + t + 2 * lanes));
                a3 = a3.add(FloatVector.fromArray(f, init2, outBase + t + 3 * lanes));
            }
            int wi = 0;
            for (int c = 0; c < cin; c++) {
                int xi = xBase + c * xStride + t;
                for (int j = 0; j < taps; j++, xi += dil, wi++) {
                    FloatVector wv = FloatVector.broadcast(f, w[wi]);
                    a0 = FloatVector.fromArray(f, xp, xi).fma(wv, a0);
                    a1 = FloatVector.fromArray(f, xp, xi + lanes).fma(wv, a1);
                    a2 = FloatVector.fromArray(f, xp, xi + 2 * lanes).fma(wv, a2);
                    a3 = FloatVector.fromArray(f, xp, xi + 3 * lanes).fma(wv, a3);
                }
            }
            a0.intoArray(out, outBase + t);
            a1.intoArray(out, outBase + t + lanes);
            a2.intoArray(out, outBase + t + 2 * lanes);
            a3.intoArray(out, outBase + t + 3 * lanes);
        }
        for (; t < n; t += lanes) {
            VectorMask<Float> m = f.indexInRange(t, n);
            FloatVector a0 = FloatVector.broadcast(f, b0);
            if (init1 != null) {
                a0 = a0.add(FloatVector.fromArray(f, init1, outBase + t, m));
            }
            if (init2 != null) {
                a0 = a0.add(FloatVector.fromArray(f, init2, outBase + t, m));
            }
            int wi = 0;
            for (int c = 0; c < cin; c++) {
                int xi = xBase + c * xStride + t;
                for (int j = 0; j < taps; j++, xi += dil, wi++) {
                    a0 = FloatVector.fromArray(f, xp, xi, m).fma(FloatVector.broadcast(f, w[wi]), a0);
                }
            }
            a0.intoArray(out, outBase + t, m);
        }
    }
}
