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

    /**
     * Four output rows. Split into a loop over pairs of full vectors and a masked tail, each in its own method:
     * as one method it was too large for the C1 compiler's register allocator, which left it running unintrinsified
     * vector code until on-stack replacement, many times slower.
     */
    static void tile4(float[] xp, int xBase, int xStride, int cin, int taps, int dil,
                      float[] w, float[] out, int outBase, int outStride, int n, float[] init1, float[] init2,
                      float b0, float b1, float b2, float b3) {
        int pairs = n / (2 * Vectors.L) * (2 * Vectors.L);
        if (pairs > 0) {
            tile4Pairs(xp, xBase, xStride, cin, taps, dil, w, out, outBase, outStride, pairs, init1, init2, b0, b1, b2, b3);
        }
        if (pairs < n) {
            tile4Tail(xp, xBase, xStride, cin, taps, dil, w, out, outBase, outStride, pairs, n, init1, init2, b0, b1, b2, b3);
        }
    }

    /** The bias plus what init1 and init2 hold at {@code index} (each may be null). */
    private static FloatVector start(float bias, float[] init1, float[] init2, int index) {
        FloatVector v = FloatVector.broadcast(Vectors.F, bias);
        if (init1 != null) {
            v = v.add(FloatVector.fromArray(Vectors.F, init1, index));
        }
        if (init2 != null) {
            v = v.add(FloatVector.fromArray(Vectors.F, init2, index));
        }
        return v;
    }

    /** The same, masked. */
    private static FloatVector start(float bias, float[] init1, float[] init2, int index, VectorMask<Float> m) {
        FloatVector v = FloatVector.broadcast(Vectors.F, bias);
        if (init1 != null) {
            v = v.add(FloatVector.fromArray(Vectors.F, init1, index, m));
        }
        if (init2 != null) {
            v = v.add(FloatVector.fromArray(Vectors.F, init2, index, m));
        }
        return v;
    }

    /** Time steps [0, n) in pairs of full vectors (n a multiple of 2L). */
    private static void tile4Pairs(float[] xp, int xBase, int xStride, int cin, int taps, int dil,
                                   float[] w, float[] out, int outBase, int outStride, int n, float[] init1, float[] init2,
                                   float b0, float b1, float b2, float b3) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int o0 = outBase, o1 = outBase + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        for (int t = 0; t < n; t += 2 * lanes) {
            FloatVector a00 = start(b0, init1, init2, o0 + t), a01 = start(b0, init1, init2, o0 + t + lanes);
            FloatVector a10 = start(b1, init1, init2, o1 + t), a11 = start(b1, init1, init2, o1 + t + lanes);
            FloatVector a20 = start(b2, init1, init2, o2 + t), a21 = start(b2, init1, init2, o2 + t + lanes);
            FloatVector a30 = start(b3, init1, init2, o3 + t), a31 = start(b3, init1, init2, o3 + t + lanes);
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
    }

    /** Time steps [from, n) one vector at a time, the last one masked. */
    private static void tile4Tail(float[] xp, int xBase, int xStride, int cin, int taps, int dil,
                                  float[] w, float[] out, int outBase, int outStride, int from, int n, float[] init1, float[] init2,
                                  float b0, float b1, float b2, float b3) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int o0 = outBase, o1 = outBase + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        for (int t = from; t < n; t += lanes) {
            VectorMask<Float> m = f.indexInRange(t, n);
            FloatVector a0 = start(b0, init1, init2, o0 + t, m);
            FloatVector a1 = start(b1, init1, init2, o1 + t, m);
            FloatVector a2 = start(b2, init1, init2, o2 + t, m);
            FloatVector a3 = start(b3, init1, init2, o3 + t, m);
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
            FloatVector a0 = start(b0, init1, init2, outBase + t);
            FloatVector a1 = start(b0, init1, init2, outBase + t + lanes);
            FloatVector a2 = start(b0, init1, init2, outBase + t + 2 * lanes);
            FloatVector a3 = start(b0, init1, init2, outBase + t + 3 * lanes);
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
            FloatVector a0 = start(b0, init1, init2, outBase + t, m);
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
