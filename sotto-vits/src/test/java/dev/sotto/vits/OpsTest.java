package dev.sotto.vits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OpsTest {
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
