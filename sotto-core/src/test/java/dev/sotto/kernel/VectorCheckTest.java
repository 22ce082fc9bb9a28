package dev.sotto.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.tensor.Simd;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VectorCheckTest {
    @Test
    void vectorsThatPayGetNoWarning() {
        assertNull(new VectorCheck.Result(80, 14, 8).warning());
        assertNull(new VectorCheck.Result(0, 14, 0).warning(), "scalar kernels: nothing to compare");
    }

    @Test
    void slowVectorsAreNamedWithTheFix() {
        String slow = new VectorCheck.Result(20, 14, 8).warning();
        assertTrue(slow != null && slow.contains("only 1.4x faster") && slow.contains("at least 2.0x"), slow);
        String fallback = new VectorCheck.Result(0.5, 14, 16).warning();
        assertTrue(fallback != null && fallback.contains("28.0x slower than scalar") && fallback.contains("-Dsotto.simd=scalar"), fallback);
    }

    @Test
    void measuresBothRates() {
        VectorCheck.Result r = VectorCheck.measure(Duration.ofMillis(300));
        assertTrue(r.scalarGflops() > 0, "scalar rate: " + r);
        assertEquals(Simd.ENABLED ? Simd.FLOAT_LANES : 0, r.lanes());
        assertTrue(!Simd.ENABLED || r.vectorGflops() > 0, "vector rate: " + r);
    }

    @Test
    void theLoopsComputeWhatTheyClaim() {
        // Each chain is a <- a * m + seed; 12 chains of one step from seed s: 12 * (s * 0.9999 + s).
        float s = 2f;
        float expected = 12 * Math.fma(s, 0.9999f, s);
        assertEquals(expected, VectorCheck.scalarFma(1, s), 1e-4f);
        if (Simd.ENABLED) {
            assertEquals(expected * Simd.FLOAT_LANES, VectorCheck.vectorFma(1, s), 1e-3f);
        }
    }
}
