package dev.sotto.bench;

import dev.sotto.kernel.ComputePool;
import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.ConvTranspose1dShape;
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
 * Throughput of the main kernels. Each benchmark declares its floating-point operations per call through
 * {@link OperationsPerInvocation}, so JMH's score is FLOP/s (divide by 1e9 for GFLOP/s).
 *
 * <p>Shapes follow a Piper medium voice: a 1024x1024 matrix-vector product (text-encoder scale), a dilated
 * HiFi-GAN residual convolution (128 channels, kernel 7, dilation 3, 2048 samples), the first upsampling
 * layer (256 -> 128 channels, kernel 16, stride 8, 256 frames in), a 192 -> 768 pointwise product over
 * 100 frames, the same dilated convolution over 37 steps (a short input: the tails are most of the work; 37 leaves
 * a part-vector at every width) and the text encoder's first feed-forward convolution (192 -> 768 channels, kernel
 * 3) over a long sentence's 271 phoneme ids (the 271-id fixture case; most of the work before the first audio).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmarks {
    static final int MV = 1024;
    static final int CONV_C = 128;
    static final int CONV_K = 7;
    static final int CONV_T = 2048;
    static final int SHORT_T = 37;
    static final int UP_IN = 256;
    static final int UP_OUT = 128;
    static final int UP_K = 16;
    static final int UP_S = 8;
    static final int UP_T = 256;
    static final int MM_K = 192;
    static final int MM_M = 768;
    static final int MM_N = 100;
    static final int FFN_IN = 192;
    static final int FFN_OUT = 768;
    static final int FFN_K = 3;
    static final int FFN_T = 271;

    @Param({"F32", "F16", "Q8_0", "Q4_0"})
    public String type;

    @Param({"1", "2"})
    public int threads;

    private ComputePool pool;
    private Kernels kernels;
    private WeightMatrix mvWeights;
    private float[] mvX;
    private float[] mvY;
    private Conv1dShape convShape;
    private WeightMatrix convWeights;
    private float[] convBias;
    private float[] convX;
    private float[] convY;
    private float[] shortX;
    private float[] shortY;
    private ConvTranspose1dShape upShape;
    private WeightMatrix upWeights;
    private float[] upX;
    private float[] upY;
    private WeightMatrix mmWeights;
    private float[] mmX;
    private float[] mmY;
    private Conv1dShape ffnShape;
    private WeightMatrix ffnWeights;
    private float[] ffnX;
    private float[] ffnY;

    static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    @Setup(Level.Trial)
    public void setUp() {
        GgmlType t = GgmlType.parse(type);
        Random rnd = new Random(42);
        pool = new ComputePool(threads);
        kernels = new Kernels(pool);
        mvWeights = WeightMatrix.quantize(random(rnd, MV * MV), MV, MV, t);
        mvX = random(rnd, MV);
        mvY = new float[MV];

        convShape = Conv1dShape.same(CONV_C, CONV_C, CONV_K, 3);
        convWeights = WeightMatrix.quantize(random(rnd, CONV_C * CONV_C * CONV_K), CONV_C, CONV_C * CONV_K, t);
        convBias = random(rnd, CONV_C);
        convX = random(rnd, CONV_C * CONV_T);
        convY = new float[CONV_C * CONV_T];
        shortX = random(rnd, CONV_C * SHORT_T);
        shortY = new float[CONV_C * SHORT_T];

        upShape = new ConvTranspose1dShape(UP_IN, UP_OUT, UP_K, UP_S, (UP_K - UP_S) / 2, 0, 1);
        upWeights = WeightMatrix.quantize(random(rnd, UP_IN * UP_OUT * UP_K), UP_IN, UP_OUT * UP_K, t);
        upX = random(rnd, UP_IN * UP_T);
        upY = new float[UP_OUT * upShape.outputLength(UP_T)];

        mmWeights = WeightMatrix.quantize(random(rnd, MM_M * MM_K), MM_M, MM_K, t);
        mmX = random(rnd, MM_K * MM_N);
        mmY = new float[MM_M * MM_N];

        ffnShape = Conv1dShape.same(FFN_IN, FFN_OUT, FFN_K, 1);
        ffnWeights = WeightMatrix.quantize(random(rnd, FFN_OUT * FFN_IN * FFN_K), FFN_OUT, FFN_IN * FFN_K, t);
        ffnX = random(rnd, FFN_IN * FFN_T);
        ffnY = new float[FFN_OUT * FFN_T];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * MV * MV)
    public float[] matVec() {
        kernels.matVec(mvWeights, null, mvX, mvY);
        return mvY;
    }

    @Benchmark
    @OperationsPerInvocation(2 * CONV_C * CONV_C * CONV_K * CONV_T)
    public float[] conv1dDilated() {
        kernels.conv1d(convShape, convWeights, convBias, convX, CONV_T, convY);
        return convY;
    }

    @Benchmark
    @OperationsPerInvocation(2 * CONV_C * CONV_C * CONV_K * SHORT_T)
    public float[] conv1dShort() {
        kernels.conv1d(convShape, convWeights, convBias, shortX, SHORT_T, shortY);
        return shortY;
    }

    @Benchmark
    @OperationsPerInvocation(2 * UP_IN * UP_OUT * UP_K * UP_T)
    public float[] convTranspose1dUpsample() {
        kernels.convTranspose1d(upShape, upWeights, null, upX, UP_T, upY);
        return upY;
    }

    @Benchmark
    @OperationsPerInvocation(2 * MM_M * MM_K * MM_N)
    public float[] matMulPointwise() {
        kernels.matMul(mmWeights, null, mmX, MM_N, mmY);
        return mmY;
    }

    @Benchmark
    @OperationsPerInvocation(2 * FFN_OUT * FFN_IN * FFN_K * FFN_T)
    public float[] conv1dEncoderFeedForward() {
        kernels.conv1d(ffnShape, ffnWeights, null, ffnX, FFN_T, ffnY);
        return ffnY;
    }
}
