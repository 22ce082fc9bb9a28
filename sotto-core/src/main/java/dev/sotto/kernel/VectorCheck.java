package dev.sotto.kernel;

import dev.sotto.tensor.Simd;
import dev.sotto.tensor.Vectors;
import java.time.Duration;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Measures, in a second or two, whether the Vector API is fast on this JVM and CPU: one core's fused multiply-add
 * rate at the kernels' width against the same work in scalar code. When the JIT does not compile vector code into
 * SIMD instructions (an interpreter-only or C1-only JVM, a platform without the intrinsics) every vector operation
 * runs as a Java fallback and the vector kernels are far slower than plain loops; this is how {@code sotto system}
 * notices.
 */
public final class VectorCheck {
    /** Independent accumulators: enough to hide the FMA latency of current cores on two pipes. */
    public static final int CHAINS = 12;

    /** Where the bursts' sums go, so that the JIT cannot drop the work. */
    private static volatile float sink;

    /**
     * The measured rates (GFLOP/s, one core) and the vector lanes they were measured at (0 when the kernels are
     * scalar and no vector rate was taken).
     */
    public record Result(double vectorGflops, double scalarGflops, int lanes) {
        /** Vector rate over scalar rate (0 without a vector rate). */
        public double speedup() {
            return lanes == 0 ? 0 : vectorGflops / scalarGflops;
        }

        /**
         * A warning when the vectors do not pay: below a quarter of what their lanes promise over scalar code
         * (a JIT that compiles them runs at 8 lanes about 5-8x scalar), or null when they do.
         */
        public String warning() {
            if (lanes == 0 || speedup() >= lanes / 4.0) {
                return null;
            }
            if (speedup() < 1) {
                return String.format(Locale.ROOT, "the Vector API runs %.1fx slower than scalar code on this JVM (not compiled"
                        + " to SIMD instructions: an interpreter-only or C1-only JVM?); run with -Dsotto.simd=scalar"
                        + " (SOTTO_JAVA_OPTS) or use a JDK whose C2 compiler is enabled", 1 / speedup());
            }
            return String.format(Locale.ROOT, "%d-lane vectors are only %.1fx faster than scalar code here (expected at"
                    + " least %.1fx); kernels will be slower than this CPU allows", lanes, speedup(), lanes / 4.0);
        }
    }

    private VectorCheck() {
    }

    /** Measures for about {@code budget} in all (half vector, half scalar), keeping each side's best rate. */
    public static Result measure(Duration budget) {
        long half = budget.toNanos() / 2;
        double scalar = best(half, false);
        if (!Simd.ENABLED) {
            return new Result(0, scalar, 0);
        }
        return new Result(best(half, true), scalar, Vectors.L);
    }

    /** The best GFLOP/s of repeated short bursts within {@code nanos} (the first ones run before the JIT is done). */
    private static double best(long nanos, boolean vector) {
        int steps = 1 << 12;
        double best = 0;
        long end = System.nanoTime() + nanos;
        do {
            long t0 = System.nanoTime();
            sink = vector ? vectorFma(steps / Vectors.L, 1.0001f) : scalarFma(steps, 1.0001f);
            long took = Math.max(1, System.nanoTime() - t0);
            best = Math.max(best, 2.0 * CHAINS * steps / took);
        } while (System.nanoTime() < end);
        return best;
    }

    /** {@code steps} vector steps of {@link #CHAINS} independent FMAs; 2 * CHAINS * steps * lanes FLOP. */
    public static float vectorFma(int steps, float seed) {
        var f = Vectors.F;
        FloatVector m = FloatVector.broadcast(f, 0.9999f);
        FloatVector a = FloatVector.broadcast(f, seed);
        FloatVector a0 = a, a1 = a, a2 = a, a3 = a, a4 = a, a5 = a, a6 = a, a7 = a, a8 = a, a9 = a, a10 = a, a11 = a;
        for (int i = 0; i < steps; i++) {
            a0 = a0.fma(m, a);
            a1 = a1.fma(m, a);
            a2 = a2.fma(m, a);
            a3 = a3.fma(m, a);
            a4 = a4.fma(m, a);
            a5 = a5.fma(m, a);
            a6 = a6.fma(m, a);
            a7 = a7.fma(m, a);
            a8 = a8.fma(m, a);
            a9 = a9.fma(m, a);
            a10 = a10.fma(m, a);
            a11 = a11.fma(m, a);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** The same in scalar code: 2 * CHAINS * steps FLOP. */
    public static float scalarFma(int steps, float seed) {
        float m = 0.9999f;
        float a = seed;
        float a0 = a, a1 = a, a2 = a, a3 = a, a4 = a, a5 = a, a6 = a, a7 = a, a8 = a, a9 = a, a10 = a, a11 = a;
        for (int i = 0; i < steps; i++) {
            a0 = Math.fma(a0, m, a);
            a1 = Math.fma(a1, m, a);
            a2 = Math.fma(a2, m, a);
            a3 = Math.fma(a3, m, a);
            a4 = Math.fma(a4, m, a);
            a5 = Math.fma(a5, m, a);
            a6 = Math.fma(a6, m, a);
            a7 = Math.fma(a7, m, a);
            a8 = Math.fma(a8, m, a);
            a9 = Math.fma(a9, m, a);
            a10 = Math.fma(a10, m, a);
            a11 = Math.fma(a11, m, a);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
