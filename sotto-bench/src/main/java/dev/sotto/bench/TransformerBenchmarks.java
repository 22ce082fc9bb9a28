package dev.sotto.bench;

import dev.sotto.kernel.ComputePool;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.WeightMatrix;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The batch-1 matrix-vector products of one Pocket TTS FlowLM step: six layers of a 1024-wide transformer (q/k/v
 * 1024 -> 3072, output 1024 -> 1024, feed-forward 1024 -> 4096 -> 1024), 75.5 M weights, far more than any cache
 * holds, so every step streams them from memory. The score is weights per second; times the bytes per weight
 * (F32 4, F16 2, Q8_0 34/32, Q4_0 18/32) it is the weight bandwidth in bytes/s, to read against
 * {@code PeakBenchmarks.readBandwidth}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class TransformerBenchmarks {
    static final int D = 1024;
    static final int LAYERS = 6;
    static final int[] OUT_WIDTHS = {3 * D, D, 4 * D};
    /** Weights per step: per layer 3D*D + D*D + 4D*D (up) + D*4D (down). */
    static final int WEIGHTS = LAYERS * (3 * D + D + 4 * D + 4 * D) * D;

    @Param({"F32", "F16", "Q8_0", "Q4_0"})
    public String type;

    @Param({"1", "2"})
    public int threads;

    private ComputePool pool;
    private Kernels kernels;
    private WeightMatrix[] matrices;
    private float[] x;
    private float[] wide;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        GgmlType t = GgmlType.parse(type);
        Random rnd = new Random(7);
        pool = new ComputePool(threads);
        kernels = new Kernels(pool);
        matrices = new WeightMatrix[LAYERS * 4];
        for (int l = 0; l < LAYERS; l++) {
            for (int m = 0; m < 3; m++) {
                matrices[l * 4 + m] = WeightMatrix.quantize(KernelBenchmarks.random(rnd, OUT_WIDTHS[m] * D), OUT_WIDTHS[m], D, t);
            }
            matrices[l * 4 + 3] = WeightMatrix.quantize(KernelBenchmarks.random(rnd, D * 4 * D), D, 4 * D, t);
        }
        x = KernelBenchmarks.random(rnd, D);
        wide = new float[4 * D];
        y = new float[4 * D];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    @OperationsPerInvocation(WEIGHTS)
    public float[] flowLmStepMatVecs() {
        for (int l = 0; l < LAYERS; l++) {
            kernels.matVec(matrices[l * 4], null, x, y);
            kernels.matVec(matrices[l * 4 + 1], null, x, y);
            kernels.matVec(matrices[l * 4 + 2], null, x, wide);
            kernels.matVec(matrices[l * 4 + 3], null, wide, y);
        }
        return y;
    }
}
