package dev.sotto.bench;

import dev.sotto.kernel.VectorCheck;
import dev.sotto.tensor.Simd;
import dev.sotto.tensor.Vectors;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What this machine can do at all, to read the kernel figures against: one core's fused multiply-add peak at the
 * kernels' vector width ({@code -Dsotto.simd}) and in scalar code, in FLOP/s, and the rate one core reads memory that
 * is far larger than the caches, in bytes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class PeakBenchmarks {
    static final int STEPS = 1 << 16;
    /** Read-bandwidth buffer: 256 MB, far past any cache. */
    static final int BIG = 64 << 20;

    private float[] big;
    private float seed = 1.0001f;

    @Setup
    public void setUp() {
        if (!Simd.ENABLED) {
            throw new IllegalStateException("vector peaks need the Vector API (not -Dsotto.simd=scalar)");
        }
        big = new float[BIG];
        for (int i = 0; i < BIG; i += 1024) {
            big[i] = i;
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * VectorCheck.CHAINS * STEPS * 16)
    public float vectorFmaPeak() {
        // STEPS * 16 / lanes vector steps: the same float operations at every width, so the score is FLOP/s.
        return VectorCheck.vectorFma(STEPS * 16 / Vectors.L, seed);
    }

    @Benchmark
    @OperationsPerInvocation(2 * VectorCheck.CHAINS * STEPS)
    public float scalarFmaPeak() {
        return VectorCheck.scalarFma(STEPS, seed);
    }

    @Benchmark
    @OperationsPerInvocation(4 * BIG)
    public float readBandwidth() {
        // Bytes/s: a vector sum over 256 MB, four accumulators so that the adds never wait.
        var f = Vectors.F;
        int lanes = Vectors.L;
        FloatVector s0 = FloatVector.zero(f), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < BIG; i += 4 * lanes) {
            s0 = s0.add(FloatVector.fromArray(f, big, i));
            s1 = s1.add(FloatVector.fromArray(f, big, i + lanes));
            s2 = s2.add(FloatVector.fromArray(f, big, i + 2 * lanes));
            s3 = s3.add(FloatVector.fromArray(f, big, i + 3 * lanes));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
