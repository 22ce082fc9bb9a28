package dev.sotto.kernel;

import dev.sotto.tensor.Simd;
import dev.sotto.tensor.Vectors;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** Small vectorised loops on float arrays, each with its scalar reference (used when {@link Simd} is scalar). */
public final class VectorMath {
    private VectorMath() {
    }

    /** sum_i a[ao + i] * b[bo + i]. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        if (!Simd.ENABLED) {
            return dotScalar(a, ao, b, bo, n);
        }
        var f = Vectors.F;
        int lanes = Vectors.L;
        FloatVector acc0 = FloatVector.zero(f), acc1 = acc0;
        int i = 0;
        for (; i + 2 * lanes <= n; i += 2 * lanes) {
            acc0 = FloatVector.fromArray(f, a, ao + i).fma(FloatVector.fromArray(f, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(f, a, ao + i + lanes).fma(FloatVector.fromArray(f, b, bo + i + lanes), acc1);
        }
        for (; i + lanes <= n; i += lanes) {
            acc0 = FloatVector.fromArray(f, a, ao + i).fma(FloatVector.fromArray(f, b, bo + i), acc0);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * Four dot products of {@code a[ao, ao + n)} with {@code b} at offsets {@code o0..o3}, into {@code out[0..3]}: each
     * vector of {@code a} is loaded once for the four (a weight row against four positions).
     */
    public static void dot4(float[] a, int ao, float[] b, int o0, int o1, int o2, int o3, int n, float[] out) {
        if (!Simd.ENABLED) {
            out[0] = dotScalar(a, ao, b, o0, n);
            out[1] = dotScalar(a, ao, b, o1, n);
            out[2] = dotScalar(a, ao, b, o2, n);
            out[3] = dotScalar(a, ao, b, o3, n);
            return;
        }
        var f = Vectors.F;
        int lanes = Vectors.L;
        FloatVector s0 = FloatVector.zero(f), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i + lanes <= n; i += lanes) {
            FloatVector w = FloatVector.fromArray(f, a, ao + i);
            s0 = w.fma(FloatVector.fromArray(f, b, o0 + i), s0);
            s1 = w.fma(FloatVector.fromArray(f, b, o1 + i), s1);
            s2 = w.fma(FloatVector.fromArray(f, b, o2 + i), s2);
            s3 = w.fma(FloatVector.fromArray(f, b, o3 + i), s3);
        }
        float r0 = s0.reduceLanes(VectorOperators.ADD);
        float r1 = s1.reduceLanes(VectorOperators.ADD);
        float r2 = s2.reduceLanes(VectorOperators.ADD);
        float r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float w = a[ao + i];
            r0 += w * b[o0 + i];
            r1 += w * b[o1 + i];
            r2 += w * b[o2 + i];
            r3 += w * b[o3 + i];
        }
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
    }

    public static float dotScalar(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * WaveNet gate: {@code out[oo + i] = tanh(a[to + i] + gt) * sigmoid(a[so + i] + gs)}. The vector path uses
     * the JDK's vector tanh and exp (a few ulp from {@link Math}).
     */
    public static void gate(float[] a, int to, int so, float gt, float gs, float[] out, int oo, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            for (int end = n - Vectors.L; i <= end; i += Vectors.L) {
                FloatVector t = FloatVector.fromArray(f, a, to + i).add(gt).lanewise(VectorOperators.TANH);
                FloatVector e = FloatVector.fromArray(f, a, so + i).add(gs).neg().lanewise(VectorOperators.EXP);
                t.div(e.add(1f)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = gateScalar(a[to + i] + gt, a[so + i] + gs);
        }
    }

    /** Scalar reference of {@link #gate} for one element. */
    public static float gateScalar(float t, float s) {
        return (float) (Math.tanh(t) / (1.0 + Math.exp(-s)));
    }

    /** {@code x[i] = exp(x[i] - shift)} for {@code i < n}, returning their sum (the core of a softmax). */
    public static float expShiftedSum(float[] x, int n, float shift) {
        int i = 0;
        float sum = 0f;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            FloatVector acc = FloatVector.zero(f);
            for (int end = n - Vectors.L; i <= end; i += Vectors.L) {
                FloatVector e = FloatVector.fromArray(f, x, i).sub(shift).lanewise(VectorOperators.EXP);
                e.intoArray(x, i);
                acc = acc.add(e);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x[i] - shift);
            x[i] = e;
            sum += e;
        }
        return sum;
    }

    /** In-place tanh. */
    public static void tanh(float[] x, int off, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            for (int end = n - Vectors.L; i <= end; i += Vectors.L) {
                FloatVector.fromArray(f, x, off + i).lanewise(VectorOperators.TANH).intoArray(x, off + i);
            }
        }
        for (; i < n; i++) {
            x[off + i] = (float) Math.tanh(x[off + i]);
        }
    }

    /** {@code y[yo + i] += a * x[xo + i]} for {@code i < n}. */
    public static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            for (int end = n - Vectors.L; i <= end; i += Vectors.L) {
                FloatVector.fromArray(f, x, xo + i).fma(FloatVector.broadcast(f, a), FloatVector.fromArray(f, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /** Scalar reference of {@link #axpy}. */
    public static void axpyScalar(float a, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /**
     * ELU (alpha 1) in place over {@code x[off, off + n)}: x where x > 0, exp(x) - 1 elsewhere. The vector path uses the
     * JDK's vector expm1 (a few ulp from {@link Math#expm1}).
     */
    public static void elu(float[] x, int off, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            for (int end = n - Vectors.L; i <= end; i += Vectors.L) {
                FloatVector v = FloatVector.fromArray(f, x, off + i);
                VectorMask<Float> negative = v.compare(VectorOperators.LE, 0f);
                if (negative.anyTrue()) {
                    v = v.blend(v.min(0f).lanewise(VectorOperators.EXPM1), negative);
                    v.intoArray(x, off + i);
                }
            }
        }
        for (; i < n; i++) {
            x[off + i] = eluScalar(x[off + i]);
        }
    }

    /** Scalar ELU of one value. */
    public static float eluScalar(float v) {
        return v > 0f ? v : (float) Math.expm1(v);
    }

    /** SiLU in place over {@code x[off, off + n)}: x * sigmoid(x) = x / (1 + exp(-x)). */
    public static void silu(float[] x, int off, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            for (int end = n - Vectors.L; i <= end; i += Vectors.L) {
                FloatVector v = FloatVector.fromArray(f, x, off + i);
                v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, off + i);
            }
        }
        for (; i < n; i++) {
            x[off + i] = siluScalar(x[off + i]);
        }
    }

    /** Scalar SiLU of one value. */
    public static float siluScalar(float v) {
        return (float) (v / (1.0 + Math.exp(-v)));
    }

    /**
     * Exact GELU in place, {@code x = 0.5 x (1 + erf(x / sqrt 2))}, in float to about an ulp: erf from a table at
     * steps of 1/64 (value, derivative and the third Taylor coefficient) and a third-order step from the nearest
     * point (|h| <= 1/128, truncation below 3e-9). The vector path gathers the same table entries and does the same
     * float operations as {@link #geluScalar}, so the two agree bit for bit.
     */
    public static void gelu(float[] x, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            int lanes = Vectors.L;
            int[] index = new int[lanes];
            for (int end = n - lanes; i <= end; i += lanes) {
                FloatVector v = FloatVector.fromArray(f, x, i);
                FloatVector a = v.abs().mul(ErfTable.INV_SQRT2).lanewise(VectorOperators.MIN, ErfTable.LIMIT);
                IntVector k = (IntVector) a.mul((float) ErfTable.STEPS).add(0.5f).convert(VectorOperators.F2I, 0);
                k.intoArray(index, 0);
                FloatVector x0 = ((FloatVector) k.convert(VectorOperators.I2F, 0)).mul(1f / ErfTable.STEPS);
                FloatVector h = a.sub(x0);
                FloatVector c3 = FloatVector.fromArray(f, ErfTable.C3, 0, index, 0);
                FloatVector poly = h.mul(h.mul(c3).sub(x0)).add(1f).mul(h);
                FloatVector d1 = FloatVector.fromArray(f, ErfTable.DERIVATIVE, 0, index, 0);
                FloatVector erf = FloatVector.fromArray(f, ErfTable.VALUE, 0, index, 0).add(d1.mul(poly));
                VectorMask<Float> negative = v.lt(0f);
                erf = erf.blend(erf.neg(), negative);
                v.mul(0.5f).mul(erf.add(1f)).intoArray(x, i);
            }
        }
        for (; i < n; i++) {
            x[i] = geluScalar(x[i]);
        }
    }

    /** Scalar GELU, the float operations of the vector path one lane at a time. */
    public static float geluScalar(float v) {
        float a = Math.min(Math.abs(v) * ErfTable.INV_SQRT2, ErfTable.LIMIT);
        int k = (int) (a * ErfTable.STEPS + 0.5f);
        float x0 = k * (1f / ErfTable.STEPS);
        float h = a - x0;
        float poly = (h * (h * ErfTable.C3[k] - x0) + 1f) * h;
        float erf = ErfTable.VALUE[k] + ErfTable.DERIVATIVE[k] * poly;
        if (v < 0f) {
            erf = -erf;
        }
        return v * 0.5f * (erf + 1f);
    }

    /** erf, its derivative 2/sqrt(pi) exp(-x0^2) and the x^3 Taylor coefficient (2 x0^2 - 1) / 3, at k / 64. */
    private static final class ErfTable {
        static final int STEPS = 64;
        /** erf rounds to 1 in float beyond 4. */
        static final float LIMIT = 4.5f;
        static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
        static final float[] VALUE = new float[(int) (LIMIT * STEPS) + 2];
        static final float[] DERIVATIVE = new float[VALUE.length];
        static final float[] C3 = new float[VALUE.length];

        static {
            for (int k = 0; k < VALUE.length; k++) {
                double x0 = k / (double) STEPS;
                VALUE[k] = (float) erf(x0);
                DERIVATIVE[k] = (float) (1.1283791670955126 * Math.exp(-x0 * x0));
                C3[k] = (float) ((2 * x0 * x0 - 1) / 3);
            }
        }
    }

    /**
     * erf to about 1e-15 (double): the Taylor series below 3, where it does not lose digits to cancellation, and
     * the continued fraction for erfc above. Slow; builds tables and serves as a reference in tests.
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (Double.isNaN(x)) {
            return x;
        } else if (ax < 3) {
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
            r = Math.min(1.0, sum * 1.1283791670955126);
        } else if (ax < 30) {
            double f = ax;
            for (int k = 80; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            r = 1.0 - Math.exp(-ax * ax) / (f * 1.7724538509055159);
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }
}
