package dev.sotto.kernel;

import dev.sotto.tensor.Simd;
import dev.sotto.tensor.Vectors;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Leaky ReLU of a scaled input, vectorised: {@code u = src[i] / divisor; dst[i] = u >= 0 ? u : slope * u}. */
public final class LeakyRelu {
    private LeakyRelu() {
    }

    public static void apply(float[] src, int srcOff, float[] dst, int dstOff, int n, float divisor, float slope) {
        int i = 0;
        if (Simd.ENABLED) {
            var f = Vectors.F;
            for (int end = n - Vectors.L; i <= end; i += Vectors.L) {
                FloatVector v = FloatVector.fromArray(f, src, srcOff + i);
                if (divisor != 1f) {
                    v = v.div(divisor);
                }
                v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f)).intoArray(dst, dstOff + i);
            }
        }
        for (; i < n; i++) {
            float v = divisor != 1f ? src[srcOff + i] / divisor : src[srcOff + i];
            dst[dstOff + i] = v >= 0 ? v : v * slope;
        }
    }
}
