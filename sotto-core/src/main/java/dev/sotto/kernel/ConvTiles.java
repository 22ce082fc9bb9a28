package dev.sotto.kernel;

import dev.sotto.tensor.Simd;
import dev.sotto.tensor.Vectors;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The vector micro-kernels behind every convolution and matrix product: a tile of output channels times a
 * run of time steps, accumulated in registers over input channels and taps with the time axis in the
 * vector lanes (so no horizontal reductions), then stored once.
 *
 * <p>For a tile starting at output row {@code o}: {@code out[outBase + r*outStride + t] = bias_r + sum_{q<k}
 * w[q*rows + r] * xp[xBase + offsets[q] + t]} for {@code t < n}, where q runs over the (input channel, tap) pairs
 * in weight order, {@code offsets[q]} is where that pair's samples start (see {@link #offsets}), {@code rows} is the
 * tile height (4 or 1) and {@code xp} holds every sample the tile reads (padding already applied). The sums start
 * from the bias plus, where given, {@code init1} and {@code init2} at the output's positions (for accumulation into
 * {@code out} and for a residual input): the 4x2 and 4x3 tiles start their accumulators from them in registers; the
 * 4x6 tile, the tails and the single-row tile add to an output set to them first by a scalar pass
 * ({@link #setStart}; why, at {@link #tile4x6} and {@link #tile4Tail}).
 *
 * <p>One flat loop over (channel, tap) pairs rather than two nested ones: with a tap loop of 1 (pointwise
 * products) or 3-7 (the decoder) the nested form spent its time in loop control, about half the speed at 256 and
 * 128 bits. The tile is 4 rows by {@link #DEFAULT_VECTORS} vectors, chosen per register file and width: each
 * (channel, tap) step costs an offset, the input loads and four weight broadcasts whatever the vectors' width, so
 * narrow vectors want more of them per row. With 32 registers (AVX-512, NEON): 4x6 at 128 and 256 bits (24
 * accumulators, 6 inputs and a broadcast: 31 registers; at 128 bits a dilated convolution went from 35 to 51-53
 * GFLOP/s on one core of peak 58, at 256 bits from 70 to 94), 4x3 at 512 bits (12 accumulators; a block of 96
 * steps would leave long tails on sentence-length inputs). With 16 registers (AVX2, SSE): 4x2, as 4x3 spills
 * (measured, {@code KernelBenchmarks}).
 */
final class ConvTiles {
    /** Output channels per full tile. */
    static final int ROWS = 4;
    /** The widest tile's vectors per row. */
    static final int WIDEST = 6;
    /** Vectors per tile row for this machine and width (see the class comment). */
    static final int DEFAULT_VECTORS = defaultVectors(Simd.FLOAT_LANES, Simd.vectorRegisters());

    private ConvTiles() {
    }

    /** Vectors per tile row for {@code lanes} floats per vector and {@code registers} vector registers. */
    static int defaultVectors(int lanes, int registers) {
        if (registers < 32) {
            return 2;
        }
        return lanes >= 16 ? 3 : WIDEST;
    }

    /** {@code offsets[c * taps + j] = c * xStride + j * dilation}: where each (channel, tap) pair's samples start. */
    static int[] offsets(int channels, int taps, int xStride, int dilation) {
        int[] offsets = new int[Math.multiplyExact(channels, taps)];
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < taps; j++) {
                offsets[c * taps + j] = c * xStride + j * dilation;
            }
        }
        return offsets;
    }

    /**
     * Four output rows with {@code vectors} (2, 3 or {@link #WIDEST}) vectors per row over the full blocks of time
     * steps, then one vector at a time and the part left. Each loop is a method of its own: as one method they were
     * too large for the C1 compiler's register allocator, which left them running unintrinsified vector code until
     * on-stack replacement, many times slower.
     */
    static void tile4(float[] xp, int xBase, int[] offsets, float[] w, float[] out, int outBase, int outStride, int n,
                      float[] init1, float[] init2, float b0, float b1, float b2, float b3, int vectors) {
        int block = vectors * Vectors.L;
        int full = n / block * block;
        // What the output is set to first: whole rows for the widest tile, else the tail's steps.
        int setFrom = vectors == WIDEST ? 0 : full;
        if (setFrom < n) {
            int o = outBase + setFrom;
            setStart(b0, init1, init2, out, o, n - setFrom);
            setStart(b1, init1, init2, out, o + outStride, n - setFrom);
            setStart(b2, init1, init2, out, o + 2 * outStride, n - setFrom);
            setStart(b3, init1, init2, out, o + 3 * outStride, n - setFrom);
        }
        if (full > 0) {
            if (vectors == WIDEST) {
                tile4x6(xp, xBase, offsets, w, out, outBase, outStride, full);
            } else if (vectors == 3) {
                tile4x3(xp, xBase, offsets, w, out, outBase, outStride, full, init1, init2, b0, b1, b2, b3);
            } else {
                tile4x2(xp, xBase, offsets, w, out, outBase, outStride, full, init1, init2, b0, b1, b2, b3);
            }
        }
        if (full < n) {
            tile4Tail(xp, xBase, offsets, w, out, outBase, outStride, full, n);
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

    /** Time steps [0, n) in pairs of full vectors (n a multiple of 2L): 8 accumulators. */
    private static void tile4x2(float[] xp, int xBase, int[] offsets, float[] w, float[] out, int outBase, int outStride,
                                int n, float[] init1, float[] init2, float b0, float b1, float b2, float b3) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int k = offsets.length;
        int o0 = outBase, o1 = outBase + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        for (int t = 0; t < n; t += 2 * lanes) {
            FloatVector a00 = start(b0, init1, init2, o0 + t), a01 = start(b0, init1, init2, o0 + t + lanes);
            FloatVector a10 = start(b1, init1, init2, o1 + t), a11 = start(b1, init1, init2, o1 + t + lanes);
            FloatVector a20 = start(b2, init1, init2, o2 + t), a21 = start(b2, init1, init2, o2 + t + lanes);
            FloatVector a30 = start(b3, init1, init2, o3 + t), a31 = start(b3, init1, init2, o3 + t + lanes);
            int base = xBase + t;
            for (int q = 0, wi = 0; q < k; q++, wi += 4) {
                int xi = base + offsets[q];
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

    /** Time steps [0, n) in triples of full vectors (n a multiple of 3L): 12 accumulators. */
    private static void tile4x3(float[] xp, int xBase, int[] offsets, float[] w, float[] out, int outBase, int outStride,
                                int n, float[] init1, float[] init2, float b0, float b1, float b2, float b3) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int k = offsets.length;
        int o0 = outBase, o1 = outBase + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        for (int t = 0; t < n; t += 3 * lanes) {
            int t1 = t + lanes, t2 = t + 2 * lanes;
            FloatVector a00 = start(b0, init1, init2, o0 + t), a01 = start(b0, init1, init2, o0 + t1), a02 = start(b0, init1, init2, o0 + t2);
            FloatVector a10 = start(b1, init1, init2, o1 + t), a11 = start(b1, init1, init2, o1 + t1), a12 = start(b1, init1, init2, o1 + t2);
            FloatVector a20 = start(b2, init1, init2, o2 + t), a21 = start(b2, init1, init2, o2 + t1), a22 = start(b2, init1, init2, o2 + t2);
            FloatVector a30 = start(b3, init1, init2, o3 + t), a31 = start(b3, init1, init2, o3 + t1), a32 = start(b3, init1, init2, o3 + t2);
            int base = xBase + t;
            for (int q = 0, wi = 0; q < k; q++, wi += 4) {
                int xi = base + offsets[q];
                FloatVector x0 = FloatVector.fromArray(f, xp, xi);
                FloatVector x1 = FloatVector.fromArray(f, xp, xi + lanes);
                FloatVector x2 = FloatVector.fromArray(f, xp, xi + 2 * lanes);
                FloatVector w0 = FloatVector.broadcast(f, w[wi]);
                a00 = x0.fma(w0, a00);
                a01 = x1.fma(w0, a01);
                a02 = x2.fma(w0, a02);
                FloatVector w1 = FloatVector.broadcast(f, w[wi + 1]);
                a10 = x0.fma(w1, a10);
                a11 = x1.fma(w1, a11);
                a12 = x2.fma(w1, a12);
                FloatVector w2 = FloatVector.broadcast(f, w[wi + 2]);
                a20 = x0.fma(w2, a20);
                a21 = x1.fma(w2, a21);
                a22 = x2.fma(w2, a22);
                FloatVector w3 = FloatVector.broadcast(f, w[wi + 3]);
                a30 = x0.fma(w3, a30);
                a31 = x1.fma(w3, a31);
                a32 = x2.fma(w3, a32);
            }
            a00.intoArray(out, o0 + t);
            a01.intoArray(out, o0 + t1);
            a02.intoArray(out, o0 + t2);
            a10.intoArray(out, o1 + t);
            a11.intoArray(out, o1 + t1);
            a12.intoArray(out, o1 + t2);
            a20.intoArray(out, o2 + t);
            a21.intoArray(out, o2 + t1);
            a22.intoArray(out, o2 + t2);
            a30.intoArray(out, o3 + t);
            a31.intoArray(out, o3 + t1);
            a32.intoArray(out, o3 + t2);
        }
    }

    /**
     * Time steps [0, n) in runs of 6 full vectors (n a multiple of 6L): 24 accumulators, started from what the
     * output holds (set by the caller). Starting them as the narrower tiles do, through {@link #start}, took C2 past
     * its inlining budget in this many places: the vectors were boxed, fifteen times slower.
     */
    private static void tile4x6(float[] xp, int xBase, int[] offsets, float[] w, float[] out, int outBase, int outStride, int n) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int k = offsets.length;
        int o0 = outBase, o1 = outBase + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        for (int t = 0; t < n; t += 6 * lanes) {
            int t1 = t + lanes, t2 = t + 2 * lanes, t3 = t + 3 * lanes, t4 = t + 4 * lanes, t5 = t + 5 * lanes;
            FloatVector a00 = FloatVector.fromArray(f, out, o0 + t);
            FloatVector a01 = FloatVector.fromArray(f, out, o0 + t1);
            FloatVector a02 = FloatVector.fromArray(f, out, o0 + t2);
            FloatVector a03 = FloatVector.fromArray(f, out, o0 + t3);
            FloatVector a04 = FloatVector.fromArray(f, out, o0 + t4);
            FloatVector a05 = FloatVector.fromArray(f, out, o0 + t5);
            FloatVector a10 = FloatVector.fromArray(f, out, o1 + t);
            FloatVector a11 = FloatVector.fromArray(f, out, o1 + t1);
            FloatVector a12 = FloatVector.fromArray(f, out, o1 + t2);
            FloatVector a13 = FloatVector.fromArray(f, out, o1 + t3);
            FloatVector a14 = FloatVector.fromArray(f, out, o1 + t4);
            FloatVector a15 = FloatVector.fromArray(f, out, o1 + t5);
            FloatVector a20 = FloatVector.fromArray(f, out, o2 + t);
            FloatVector a21 = FloatVector.fromArray(f, out, o2 + t1);
            FloatVector a22 = FloatVector.fromArray(f, out, o2 + t2);
            FloatVector a23 = FloatVector.fromArray(f, out, o2 + t3);
            FloatVector a24 = FloatVector.fromArray(f, out, o2 + t4);
            FloatVector a25 = FloatVector.fromArray(f, out, o2 + t5);
            FloatVector a30 = FloatVector.fromArray(f, out, o3 + t);
            FloatVector a31 = FloatVector.fromArray(f, out, o3 + t1);
            FloatVector a32 = FloatVector.fromArray(f, out, o3 + t2);
            FloatVector a33 = FloatVector.fromArray(f, out, o3 + t3);
            FloatVector a34 = FloatVector.fromArray(f, out, o3 + t4);
            FloatVector a35 = FloatVector.fromArray(f, out, o3 + t5);
            int base = xBase + t;
            for (int q = 0, wi = 0; q < k; q++, wi += 4) {
                int xi = base + offsets[q];
                FloatVector x0 = FloatVector.fromArray(f, xp, xi);
                FloatVector x1 = FloatVector.fromArray(f, xp, xi + lanes);
                FloatVector x2 = FloatVector.fromArray(f, xp, xi + 2 * lanes);
                FloatVector x3 = FloatVector.fromArray(f, xp, xi + 3 * lanes);
                FloatVector x4 = FloatVector.fromArray(f, xp, xi + 4 * lanes);
                FloatVector x5 = FloatVector.fromArray(f, xp, xi + 5 * lanes);
                FloatVector w0 = FloatVector.broadcast(f, w[wi]);
                a00 = x0.fma(w0, a00);
                a01 = x1.fma(w0, a01);
                a02 = x2.fma(w0, a02);
                a03 = x3.fma(w0, a03);
                a04 = x4.fma(w0, a04);
                a05 = x5.fma(w0, a05);
                FloatVector w1 = FloatVector.broadcast(f, w[wi + 1]);
                a10 = x0.fma(w1, a10);
                a11 = x1.fma(w1, a11);
                a12 = x2.fma(w1, a12);
                a13 = x3.fma(w1, a13);
                a14 = x4.fma(w1, a14);
                a15 = x5.fma(w1, a15);
                FloatVector w2 = FloatVector.broadcast(f, w[wi + 2]);
                a20 = x0.fma(w2, a20);
                a21 = x1.fma(w2, a21);
                a22 = x2.fma(w2, a22);
                a23 = x3.fma(w2, a23);
                a24 = x4.fma(w2, a24);
                a25 = x5.fma(w2, a25);
                FloatVector w3 = FloatVector.broadcast(f, w[wi + 3]);
                a30 = x0.fma(w3, a30);
                a31 = x1.fma(w3, a31);
                a32 = x2.fma(w3, a32);
                a33 = x3.fma(w3, a33);
                a34 = x4.fma(w3, a34);
                a35 = x5.fma(w3, a35);
            }
            a00.intoArray(out, o0 + t);
            a01.intoArray(out, o0 + t1);
            a02.intoArray(out, o0 + t2);
            a03.intoArray(out, o0 + t3);
            a04.intoArray(out, o0 + t4);
            a05.intoArray(out, o0 + t5);
            a10.intoArray(out, o1 + t);
            a11.intoArray(out, o1 + t1);
            a12.intoArray(out, o1 + t2);
            a13.intoArray(out, o1 + t3);
            a14.intoArray(out, o1 + t4);
            a15.intoArray(out, o1 + t5);
            a20.intoArray(out, o2 + t);
            a21.intoArray(out, o2 + t1);
            a22.intoArray(out, o2 + t2);
            a23.intoArray(out, o2 + t3);
            a24.intoArray(out, o2 + t4);
            a25.intoArray(out, o2 + t5);
            a30.intoArray(out, o3 + t);
            a31.intoArray(out, o3 + t1);
            a32.intoArray(out, o3 + t2);
            a33.intoArray(out, o3 + t3);
            a34.intoArray(out, o3 + t4);
            a35.intoArray(out, o3 + t5);
        }
    }

    /**
     * Time steps [from, n) one vector at a time, then the part-vector left (see {@link #lastPart4}), adding to what
     * {@code out} holds (set by the caller, see {@link #setStart}). No bias or inits here: the tails get few calls in a
     * kernel warm-up, and branches on the inits, untaken there, made C2 deoptimize them during the first sentence.
     */
    private static void tile4Tail(float[] xp, int xBase, int[] offsets, float[] w, float[] out, int outBase, int outStride,
                                  int from, int n) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int k = offsets.length;
        int o0 = outBase, o1 = outBase + outStride, o2 = o1 + outStride, o3 = o2 + outStride;
        int t = from;
        for (; t + lanes <= n; t += lanes) {
            FloatVector a0 = FloatVector.fromArray(f, out, o0 + t);
            FloatVector a1 = FloatVector.fromArray(f, out, o1 + t);
            FloatVector a2 = FloatVector.fromArray(f, out, o2 + t);
            FloatVector a3 = FloatVector.fromArray(f, out, o3 + t);
            int base = xBase + t;
            for (int q = 0, wi = 0; q < k; q++, wi += 4) {
                FloatVector x0 = FloatVector.fromArray(f, xp, base + offsets[q]);
                a0 = x0.fma(FloatVector.broadcast(f, w[wi]), a0);
                a1 = x0.fma(FloatVector.broadcast(f, w[wi + 1]), a1);
                a2 = x0.fma(FloatVector.broadcast(f, w[wi + 2]), a2);
                a3 = x0.fma(FloatVector.broadcast(f, w[wi + 3]), a3);
            }
            a0.intoArray(out, o0 + t);
            a1.intoArray(out, o1 + t);
            a2.intoArray(out, o2 + t);
            a3.intoArray(out, o3 + t);
        }
        if (t < n) {
            lastPart4(xp, xBase, offsets, w, out, outBase, outStride, t, n);
        }
    }

    /**
     * The last steps [t, n) of four output rows, fewer than a vector, without masks: masked loads that reach past an
     * array's end leave the intrinsics for a per-lane check (measured: 3% of Pocket TTS's time at 512 bits), and
     * masked code is slow to compile. Whole vectors are computed and the first n - t lanes kept: the accumulators
     * start from what the rows' parts of {@code out} hold, zeros after them; inputs are read straight from {@code xp} where
     * a whole vector lies inside it, else from a zero-padded copy of the steps [t, n) ({@link #pastTheEnd}). Lanes
     * past n - t read samples no output needs.
     */
    private static void lastPart4(float[] xp, int xBase, int[] offsets, float[] w, float[] out, int outBase, int outStride,
                                  int t, int n) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        int k = offsets.length;
        int width = n - t;
        int base = xBase + t;
        int inside = inside(xp, base, offsets);
        float[] copies = pastTheEnd(xp, base, offsets, inside, width);
        float[] part = new float[ROWS * lanes];
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(out, outBase + r * outStride + t, part, r * lanes, width);
        }
        FloatVector a0 = FloatVector.fromArray(f, part, 0);
        FloatVector a1 = FloatVector.fromArray(f, part, lanes);
        FloatVector a2 = FloatVector.fromArray(f, part, 2 * lanes);
        FloatVector a3 = FloatVector.fromArray(f, part, 3 * lanes);
        // Two loops rather than a choice per pair: a branch in the loop made C2 recompile it (profile predicates).
        for (int q = 0; q < inside; q++) {
            FloatVector x0 = FloatVector.fromArray(f, xp, base + offsets[q]);
            int wi = q * ROWS;
            a0 = x0.fma(FloatVector.broadcast(f, w[wi]), a0);
            a1 = x0.fma(FloatVector.broadcast(f, w[wi + 1]), a1);
            a2 = x0.fma(FloatVector.broadcast(f, w[wi + 2]), a2);
            a3 = x0.fma(FloatVector.broadcast(f, w[wi + 3]), a3);
        }
        for (int q = inside; q < k; q++) {
            FloatVector x0 = FloatVector.fromArray(f, copies, (q - inside) * lanes);
            int wi = q * ROWS;
            a0 = x0.fma(FloatVector.broadcast(f, w[wi]), a0);
            a1 = x0.fma(FloatVector.broadcast(f, w[wi + 1]), a1);
            a2 = x0.fma(FloatVector.broadcast(f, w[wi + 2]), a2);
            a3 = x0.fma(FloatVector.broadcast(f, w[wi + 3]), a3);
        }
        a0.intoArray(part, 0);
        a1.intoArray(part, lanes);
        a2.intoArray(part, 2 * lanes);
        a3.intoArray(part, 3 * lanes);
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(part, r * lanes, out, outBase + r * outStride + t, width);
        }
    }

    /** {@code out[at + i] = bias + init1[at + i] + init2[at + i]} for {@code i < n}, in that order (nulls left out). */
    private static void setStart(float bias, float[] init1, float[] init2, float[] out, int at, int n) {
        if (init1 == null && init2 == null) {
            Arrays.fill(out, at, at + n, bias);
        } else if (init2 == null) {
            for (int i = at; i < at + n; i++) {
                out[i] = bias + init1[i];
            }
        } else if (init1 == null) {
            for (int i = at; i < at + n; i++) {
                out[i] = bias + init2[i];
            }
        } else {
            for (int i = at; i < at + n; i++) {
                out[i] = bias + init1[i] + init2[i];
            }
        }
    }

    /** How many pairs, from the first, have a whole vector from {@code base + offsets[q]} inside {@code xp} (offsets never decrease). */
    private static int inside(float[] xp, int base, int[] offsets) {
        int inside = offsets.length;
        while (inside > 0 && base + offsets[inside - 1] + Vectors.L > xp.length) {
            inside--;
        }
        return inside;
    }

    /** For the pairs from {@code inside} on: their first {@code width} samples, each in a zero-padded vector's room. */
    private static float[] pastTheEnd(float[] xp, int base, int[] offsets, int inside, int width) {
        float[] copies = new float[(offsets.length - inside) * Vectors.L];
        for (int q = inside; q < offsets.length; q++) {
            System.arraycopy(xp, base + offsets[q], copies, (q - inside) * Vectors.L, width);
        }
        return copies;
    }

    /**
     * One output row ({@code w[q]} its weights): four vectors at a time, then one, then the part-vector left, adding
     * to the row, first set to the bias plus the inits (a scalar pass: as in {@link #tile4Tail}, no branches on the
     * inits in vector code that a warm-up calls little).
     */
    static void tile1(float[] xp, int xBase, int[] offsets, float[] w, float[] out, int outBase, int n,
                      float[] init1, float[] init2, float b0) {
        setStart(b0, init1, init2, out, outBase, n);
        var f = Vectors.F;
        int lanes = Vectors.L;
        int k = offsets.length;
        int t = 0;
        for (; t + 4 * lanes <= n; t += 4 * lanes) {
            FloatVector a0 = FloatVector.fromArray(f, out, outBase + t);
            FloatVector a1 = FloatVector.fromArray(f, out, outBase + t + lanes);
            FloatVector a2 = FloatVector.fromArray(f, out, outBase + t + 2 * lanes);
            FloatVector a3 = FloatVector.fromArray(f, out, outBase + t + 3 * lanes);
            int base = xBase + t;
            for (int q = 0; q < k; q++) {
                int xi = base + offsets[q];
                FloatVector wv = FloatVector.broadcast(f, w[q]);
                a0 = FloatVector.fromArray(f, xp, xi).fma(wv, a0);
                a1 = FloatVector.fromArray(f, xp, xi + lanes).fma(wv, a1);
                a2 = FloatVector.fromArray(f, xp, xi + 2 * lanes).fma(wv, a2);
                a3 = FloatVector.fromArray(f, xp, xi + 3 * lanes).fma(wv, a3);
            }
            a0.intoArray(out, outBase + t);
            a1.intoArray(out, outBase + t + lanes);
            a2.intoArray(out, outBase + t + 2 * lanes);
            a3.intoArray(out, outBase + t + 3 * lanes);
        }
        for (; t + lanes <= n; t += lanes) {
            FloatVector a0 = FloatVector.fromArray(f, out, outBase + t);
            int base = xBase + t;
            for (int q = 0; q < k; q++) {
                a0 = FloatVector.fromArray(f, xp, base + offsets[q]).fma(FloatVector.broadcast(f, w[q]), a0);
            }
            a0.intoArray(out, outBase + t);
        }
        if (t < n) {
            // The part-vector left, as in lastPart4.
            int width = n - t;
            int base = xBase + t;
            int inside = inside(xp, base, offsets);
            float[] copies = pastTheEnd(xp, base, offsets, inside, width);
            float[] part = new float[lanes];
            System.arraycopy(out, outBase + t, part, 0, width);
            FloatVector a0 = FloatVector.fromArray(f, part, 0);
            for (int q = 0; q < inside; q++) {
                a0 = FloatVector.fromArray(f, xp, base + offsets[q]).fma(FloatVector.broadcast(f, w[q]), a0);
            }
            for (int q = inside; q < k; q++) {
                a0 = FloatVector.fromArray(f, copies, (q - inside) * lanes).fma(FloatVector.broadcast(f, w[q]), a0);
            }
            a0.intoArray(part, 0);
            System.arraycopy(part, 0, out, outBase + t, width);
        }
    }
}
