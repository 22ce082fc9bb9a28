package dev.sotto.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.Simd;
import dev.sotto.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The kernel warm-up: every path gets to compiled speed, it runs once per type, and callers get past it. */
class KernelWarmUpTest {
    /** Zeroed weights of each type, as a model file would give them (zero scales are valid blocks). */
    private static Map<GgmlType, MemorySegment> weights(GgmlType... types) {
        Map<GgmlType, MemorySegment> m = new EnumMap<>(GgmlType.class);
        for (GgmlType t : types) {
            m.put(t, Arena.ofAuto().allocate(t.bytesFor(1 << 16), 64));
        }
        return m;
    }

    @Test
    void everyPathReachesCompiledSpeed() {
        assumeTrue(Simd.ENABLED, "vector kernels are off: the warm-up does nothing");
        // A generous deadline: on any JVM with its C2 compiler every path gets fast well within it.
        KernelWarmUp.Report r = KernelWarmUp.run(KernelWarmUp.Plan.everything(weights(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0)),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        assertEquals(List.of(), r.slowPaths(), "paths still slow after " + r.took());
        assertTrue(r.paths() >= 30, "paths: " + r.paths());
    }

    @Test
    void runsOncePerTypeAndKernelCallsGetPastIt() {
        assumeTrue(Simd.ENABLED, "vector kernels are off: the warm-up does nothing");
        KernelWarmUp.start(weights(GgmlType.F32, GgmlType.Q8_0), EnumSet.allOf(KernelPath.class));
        // A large kernel call waits for the warm-up (at most until its deadline), then computes as usual.
        float[] x = new float[64 * 4096];
        float[] y = new float[64 * 4096];
        float[] w = new float[64 * 64];
        Arrays.fill(x, 1f);
        Arrays.fill(w, 0.5f);
        try (ComputePool pool = new ComputePool(1)) {
            new Kernels(pool).matMul(WeightMatrix.quantize(w, 64, 64, GgmlType.F32), null, x, 4096, y);
        }
        assertEquals(32f, y[12345], 1e-4f);
        KernelWarmUp.awaitCompletion();
        assertFalse(KernelWarmUp.running(), "the warm-up ends by its deadline");
        KernelWarmUp.start(weights(GgmlType.F32, GgmlType.Q8_0), EnumSet.allOf(KernelPath.class));
        assertFalse(KernelWarmUp.running(), "types already warmed up start nothing");
    }

    @Test
    void aPlanHoldsTheModelsPathsLessThoseWarmedUp() {
        Map<GgmlType, MemorySegment> w = weights(GgmlType.F32, GgmlType.Q8_0);
        KernelWarmUp.Plan plan = KernelWarmUp.Plan.of(w, EnumSet.of(KernelPath.CONVOLUTION, KernelPath.GATE), Set.of(), Map.of());
        assertEquals(EnumSet.of(KernelPath.CONVOLUTION, KernelPath.GATE), plan.routes());
        assertEquals(Map.of(GgmlType.F32, EnumSet.of(KernelPath.CONVOLUTION), GgmlType.Q8_0, EnumSet.of(KernelPath.CONVOLUTION)),
                plan.byType());

        // A second model that adds matrix-vector products for Q8_0 only: no routes again, one per-type path per type.
        KernelWarmUp.Plan more = KernelWarmUp.Plan.of(weights(GgmlType.Q8_0),
                EnumSet.of(KernelPath.CONVOLUTION, KernelPath.MATRIX_VECTOR_PRODUCT), plan.routes(), plan.byType());
        assertEquals(Set.of(), more.routes());
        assertEquals(Map.of(GgmlType.Q8_0, EnumSet.of(KernelPath.MATRIX_VECTOR_PRODUCT)), more.byType());

        KernelWarmUp.Plan none = KernelWarmUp.Plan.of(w, EnumSet.of(KernelPath.GATE), plan.routes(), plan.byType());
        assertTrue(none.isEmpty(), "nothing new: " + none);
    }

    @Test
    void onlyThePlansPathsRun() {
        assumeTrue(Simd.ENABLED, "vector kernels are off: the warm-up does nothing");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<GgmlType, MemorySegment> w = weights(GgmlType.F32, GgmlType.Q8_0);
        assertEquals(1, KernelWarmUp.run(KernelWarmUp.Plan.of(w, EnumSet.of(KernelPath.SILU), Set.of(), Map.of()), deadline).paths());
        // Matrix-vector products: three probes per type (one vector, a batch, a short batch), nothing on F32 weights alone.
        assertEquals(6, KernelWarmUp.run(KernelWarmUp.Plan.of(w, EnumSet.of(KernelPath.MATRIX_VECTOR_PRODUCT), Set.of(), Map.of()),
                deadline).paths());
        int all = KernelWarmUp.run(KernelWarmUp.Plan.everything(w), deadline).paths();
        int piper = KernelWarmUp.run(KernelWarmUp.Plan.of(w, EnumSet.of(KernelPath.CONVOLUTION, KernelPath.TRANSPOSED_CONVOLUTION,
                KernelPath.GATE, KernelPath.TANH), Set.of(), Map.of()), deadline).paths();
        assertEquals(all - 6 - 6 - 1, piper, "less the matrix-vector products, six element-wise functions and the strided route");
        assertEquals(1, KernelWarmUp.run(KernelWarmUp.Plan.of(w, EnumSet.of(KernelPath.STRIDED_CONVOLUTION), Set.of(), Map.of()), deadline)
                .paths(), "the strided route alone");
    }
}
