package dev.sotto.vits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpsTest {
    @Test
    void erfMatchesItsSeriesAndKnownValues() {
        double worst = 0;
        for (double x = -5; x <= 5; x += 0.001) {
            worst = Math.max(worst, Math.abs(Ops.erf(x) - (Math.abs(x) < 3 ? Ops.erfSeries(x) : Ops.erf(x))));
        }
        assertTrue(worst < 1e-12, "table erf differs from the series by " + worst);
        // Reference values (Abramowitz & Stegun, table 7.1).
        assertEquals(0.5204998778, Ops.erf(0.5), 1e-10);
        assertEquals(0.8427007929, Ops.erf(1.0), 1e-10);
        assertEquals(0.9953222650, Ops.erf(2.0), 1e-10);
        assertEquals(-0.9999779095, Ops.erf(-3.0), 1e-10);
        assertEquals(1.0, Ops.erf(10.0));
        assertEquals(0.0, Ops.erf(0.0));
        assertTrue(Double.isNaN(Ops.erf(Double.NaN)));
    }

    @Test
    void layerNormNormalisesEachTimeStepOverChannels() {
        // x [3, 2]: time step 0 holds 1, 2, 3; time step 1 holds 5, 5, 5.
        float[] x = {1, 5, 2, 5, 3, 5};
        Ops.layerNorm(x, 3, 2, new float[] {1, 1, 2}, new float[] {0, 0, 1});
        double sd = Math.sqrt(2.0 / 3 + 1e-5);
        assertEquals(-1 / sd, x[0], 1e-5);
        assertEquals(0, x[2], 1e-6);
        assertEquals(2 / sd + 1, x[4], 1e-5);
        assertEquals(0, x[1], 1e-6);
        assertEquals(1, x[5], 1e-6); // constant column: zero deviation, gamma 2, beta 1
    }
}
