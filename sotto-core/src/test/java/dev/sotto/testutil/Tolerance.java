package dev.sotto.testutil;

import static org.junit.jupiter.api.Assertions.fail;

/** Comparisons for results that differ from a reference only by float summation order. */
public final class Tolerance {
    private Tolerance() {
    }

    /**
     * Asserts {@code |actual - expected| <= rel * scale + abs} element-wise, where {@code scale[i]} is the sum of
     * absolute terms that produced {@code expected[i]} (so cancellation does not make the check meaningless).
     */
    public static void assertClose(String what, float[] expected, float[] actual, float[] scale, int n, double rel) {
        for (int i = 0; i < n; i++) {
            double tol = rel * scale[i] + 1e-30;
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= tol)) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i]
                        + " (|diff| " + diff + " > tolerance " + tol + ")");
            }
        }
    }
}
