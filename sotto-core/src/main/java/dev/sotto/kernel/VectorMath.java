package dev.sotto.kernel;

import dev.sotto.tensor.Simd;
import dev.sotto.tensor.Vectors;
import jdk.incubator.vector.FloatVector;
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
}
