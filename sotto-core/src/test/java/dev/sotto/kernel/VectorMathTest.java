package dev.sotto.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The small vector loops against their scalar references, every length from 0 to 70 (all tails). */
class VectorMathTest {
    private static float[] random(Random rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    @Test
    void dotMatchesScalar() {
        Random rnd = new Random(1);
        for (int n = 0; n <= 70; n++) {
            float[] a = random(rnd, n + 3, 1);
            float[] b = random(rnd, n + 5, 1);
            float expected = VectorMath.dotScalar(a, 3, b, 5, n);
            float actual = VectorMath.dot(a, 3, b, 5, n);
            double scale = 0;
            for (int i = 0; i < n; i++) {
                scale += Math.abs(a[3 + i] * b[5 + i]);
            }
            assertTrue(Math.abs(expected - actual) <= 1e-5 * scale + 1e-30, "n=" + n);
        }
    }

    @Test
    void dot4MatchesFourScalarDots() {
        Random rnd = new Random(2);
        for (int n = 0; n <= 70; n++) {
            float[] a = random(rnd, n + 1, 1);
            float[] b = random(rnd, 4 * n + 9, 1);
            float[] out = new float[4];
            int[] offsets = {2, n + 3, 2 * n + 5, 3 * n + 9};
            VectorMath.dot4(a, 1, b, offsets[0], offsets[1], offsets[2], offsets[3], n, out);
            for (int j = 0; j < 4; j++) {
                float expected = VectorMath.dotScalar(a, 1, b, offsets[j], n);
                double scale = 0;
                for (int i = 0; i < n; i++) {
                    scale += Math.abs(a[1 + i] * b[offsets[j] + i]);
                }
                assertTrue(Math.abs(expected - out[j]) <= 1e-5 * scale + 1e-30, "n=" + n + " j=" + j);
            }
        }
    }

    @Test
    void gateAndTanhMatchScalarWithinAFewUlps() {
        Random rnd = new Random(3);
        for (int n = 0; n <= 70; n++) {
            float[] a = random(rnd, 2 * n + 4, 4);
            float[] out = new float[n];
            VectorMath.gate(a, 1, n + 3, 0.25f, -0.5f, out, 0, n);
            for (int i = 0; i < n; i++) {
                float expected = VectorMath.gateScalar(a[1 + i] + 0.25f, a[n + 3 + i] - 0.5f);
                assertEquals(expected, out[i], 4 * Math.ulp(Math.max(Math.abs(expected), 1e-3f)), "n=" + n + " i=" + i);
            }
            float[] t = random(rnd, n, 5);
            float[] ref = t.clone();
            VectorMath.tanh(t, 0, n);
            for (int i = 0; i < n; i++) {
                float expected = (float) Math.tanh(ref[i]);
                assertEquals(expected, t[i], 4 * Math.ulp(Math.max(Math.abs(expected), 1e-3f)), "tanh n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void axpyEluAndSiluMatchScalar() {
        Random rnd = new Random(7);
        for (int n = 0; n <= 70; n++) {
            float[] x = random(rnd, n + 2, 2);
            float[] y = random(rnd, n + 4, 2);
            float[] ref = y.clone();
            VectorMath.axpy(0.75f, x, 2, y, 4, n);
            VectorMath.axpyScalar(0.75f, x, 2, ref, 4, n);
            for (int i = 0; i < y.length; i++) {
                assertEquals(ref[i], y[i], 2 * Math.ulp(Math.max(Math.abs(ref[i]), 1f)), "axpy n=" + n + " i=" + i);
            }
            float[] e = random(rnd, n + 1, 4);
            float[] eRef = e.clone();
            VectorMath.elu(e, 1, n);
            for (int i = 0; i < n; i++) {
                float expected = VectorMath.eluScalar(eRef[1 + i]);
                assertEquals(expected, e[1 + i], 4 * Math.ulp(Math.max(Math.abs(expected), 1e-3f)), "elu n=" + n + " i=" + i);
            }
            assertEquals(eRef[0], e[0], "elu leaves what precedes the range");
            float[] s = random(rnd, n, 6);
            float[] sRef = s.clone();
            VectorMath.silu(s, 0, n);
            for (int i = 0; i < n; i++) {
                float expected = VectorMath.siluScalar(sRef[i]);
                assertEquals(expected, s[i], 4 * Math.ulp(Math.max(Math.abs(expected), 1e-3f)), "silu n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void expShiftedSumMatchesScalar() {
        Random rnd = new Random(5);
        for (int n = 0; n <= 70; n++) {
            float[] x = random(rnd, n, 3);
            float[] ref = x.clone();
            float sum = VectorMath.expShiftedSum(x, n, 1.5f);
            double expected = 0;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(ref[i] - 1.5f);
                assertEquals(e, x[i], 4 * Math.ulp(e), "n=" + n + " i=" + i);
                expected += e;
            }
            assertEquals(expected, sum, 1e-5 * (1 + expected));
        }
    }

    @Test
    void leakyReluMatchesDefinition() {
        Random rnd = new Random(4);
        for (int n = 0; n <= 40; n++) {
            float[] x = random(rnd, n, 3);
            float[] y = new float[n];
            LeakyRelu.apply(x, 0, y, 0, n, 3f, 0.1f);
            for (int i = 0; i < n; i++) {
                float u = x[i] / 3f;
                assertEquals(u >= 0 ? u : 0.1f * u, y[i]);
            }
        }
    }

    @Test
    void erfMatchesPublishedValues() {
        // Abramowitz & Stegun, table 7.1.
        assertEquals(0.5204998778, VectorMath.erf(0.5), 1e-10);
        assertEquals(0.8427007929, VectorMath.erf(1.0), 1e-10);
        assertEquals(0.9953222650, VectorMath.erf(2.0), 1e-10);
        assertEquals(-0.9999779095, VectorMath.erf(-3.0), 1e-10);
        assertEquals(0.9999999846, VectorMath.erf(4.0), 1e-10);
        assertEquals(1.0, VectorMath.erf(40.0));
        assertEquals(0.0, VectorMath.erf(0.0));
        assertTrue(Double.isNaN(VectorMath.erf(Double.NaN)));
    }

    @Test
    void geluVectorEqualsScalarBitForBitAtEveryTail() {
        Random rnd = new Random(5);
        for (int n = 0; n <= 70; n++) {
            float[] a = random(rnd, n, 3);
            float[] v = a.clone();
            VectorMath.gelu(v, n);
            for (int i = 0; i < n; i++) {
                assertEquals(VectorMath.geluScalar(a[i]), v[i], "n=" + n + " i=" + i);
            }
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f, 100f, -100f,
                4.5f, -6.3639607f, 6.3639607f, 1f, -1f, 2f, -2f, 3f};
        float[] v = special.clone();
        VectorMath.gelu(v, v.length);
        for (int i = 0; i < v.length; i++) {
            assertEquals(VectorMath.geluScalar(special[i]), v[i], "x=" + special[i]);
        }
        assertTrue(Float.isNaN(v[0]));
        assertEquals(Float.POSITIVE_INFINITY, v[1]);
        assertTrue(v[8] == 0f); // gelu(-100) underflows to zero
    }

    /**
     * Against the double-precision formula: within an ulp of the result plus the rounding that evaluating
     * 1 + erf in float brings for negative x (which the exported graph's own Erf-Add-Mul chain has too).
     */
    @Test
    void geluIsExactToFloatRounding() {
        double worst = 0;
        for (double x = -12; x <= 12; x += 0.0003) {
            float xf = (float) x;
            double exact = 0.5 * xf * (1 + VectorMath.erf(xf / Math.sqrt(2)));
            double err = Math.abs(VectorMath.geluScalar(xf) - exact);
            worst = Math.max(worst, err / (Math.ulp((float) Math.abs(exact)) + Math.abs(xf) * Math.ulp(1f) + Float.MIN_NORMAL));
        }
        assertTrue(worst <= 2, "GELU error " + worst + " of the float rounding bound");
    }
}
