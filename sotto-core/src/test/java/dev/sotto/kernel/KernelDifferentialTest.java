package dev.sotto.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.WeightMatrix;
import dev.sotto.testutil.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector kernel against {@link ReferenceKernels}, for every weight type, with lengths that leave tails
 * of every size, several output-channel remainders, groups, strides, dilations and paddings. The build runs
 * this class once per vector width the CPU offers and once in scalar mode (see the surefire executions in
 * sotto-core's pom; in scalar mode {@link Kernels} falls back to the reference, which checks the switch).
 */
class KernelDifferentialTest {
    private static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0};
    private static final ComputePool POOL = new ComputePool(3);
    private static final Kernels KERNELS = new Kernels(POOL);
    /** Every convolution tile (4x2, 4x3 and 4x6 vectors) is checked at every width, whichever this CPU would pick. */
    private static final int[] TILE_VECTORS = {2, 3, 6};

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /** Weights [rows, cols] of the given type; types that need whole blocks fall back to F32 for odd widths. */
    private static WeightMatrix weights(Random rnd, int rows, int cols, GgmlType type) {
        GgmlType t = cols % type.blockSize() == 0 ? type : GgmlType.F32;
        return WeightMatrix.quantize(random(rnd, rows * cols), rows, cols, t);
    }

    /** |W| |x| summed like the kernel sums, for a tolerance that survives cancellation. */
    private static float[] absConv(Conv1dShape s, WeightMatrix w, float[] bias, float[] x, int inLength) {
        float[] absW = new float[w.rows() * w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            for (int c = 0; c < w.cols(); c++) {
                absW[r * w.cols() + c] = Math.abs(w.get(r, c));
            }
        }
        float[] absX = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            absX[i] = Math.abs(x[i]);
        }
        float[] absB = bias == null ? null : bias.clone();
        if (absB != null) {
            for (int i = 0; i < absB.length; i++) {
                absB[i] = Math.abs(absB[i]);
            }
        }
        float[] out = new float[s.outChannels() * s.outputLength(inLength)];
        ReferenceKernels.conv1d(s, WeightMatrix.quantize(absW, w.rows(), w.cols(), GgmlType.F32), absB, absX, inLength, out);
        return out;
    }

    static Stream<Arguments> convCases() {
        List<Arguments> cases = new ArrayList<>();
        // in, out, kernel, stride, dilation, padL, padR, groups, inLength
        int[][] shapes = {
                {32, 32, 3, 1, 1, 1, 1, 1, 77},      // tails of every kind for 4..16 lanes
                {32, 7, 5, 1, 2, 4, 4, 1, 33},       // 7 outputs: a full tile and 3 single rows
                {64, 5, 7, 1, 3, 9, 9, 1, 130},      // HiFi-GAN style dilation
                {96, 96, 1, 1, 1, 0, 0, 1, 1},       // pointwise on one frame
                {32, 64, 1, 1, 1, 0, 0, 1, 1100},    // pointwise across a time-chunk boundary
                {12, 12, 3, 1, 1, 1, 1, 12, 50},     // depthwise
                {16, 8, 3, 1, 9, 9, 9, 4, 40},       // grouped, dilated
                {32, 16, 4, 2, 1, 1, 2, 1, 41},      // strided
                {32, 3, 3, 3, 2, 0, 5, 1, 29},       // strided and dilated, asymmetric padding
                {1, 1, 7, 1, 1, 3, 3, 1, 2049},      // conv_post-like single channel, long
        };
        for (int[] s : shapes) {
            for (GgmlType t : TYPES) {
                for (int v : TILE_VECTORS) {
                    cases.add(Arguments.of(new Conv1dShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]), s[8], t, v));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} len={1} {2} tile 4x{3}")
    @MethodSource("convCases")
    void conv1dMatchesReference(Conv1dShape shape, int inLength, GgmlType type, int tileVectors) {
        Random rnd = new Random(shape.hashCode() * 31L + inLength + type.id());
        WeightMatrix w = weights(rnd, shape.weightRows(), shape.weightCols(), type);
        float[] bias = random(rnd, shape.outChannels());
        float[] x = random(rnd, shape.inChannels() * inLength);
        int outLength = shape.outputLength(inLength);
        float[] expected = new float[shape.outChannels() * outLength];
        float[] actual = new float[expected.length];
        ReferenceKernels.conv1d(shape, w, bias, x, inLength, expected);
        new Kernels(POOL, tileVectors).conv1d(shape, w, bias, x, inLength, actual);
        Tolerance.assertClose("conv1d " + shape, expected, actual, absConv(shape, w, bias, x, inLength), expected.length, 1e-5);
    }

    static Stream<Arguments> transposeCases() {
        List<Arguments> cases = new ArrayList<>();
        // in, out, kernel, stride, padding, outputPadding, groups, inLength
        int[][] shapes = {
                {32, 16, 16, 8, 4, 0, 1, 21},     // Piper upsampling layer: k = 2 * stride
                {16, 8, 4, 2, 1, 0, 1, 70},
                {8, 5, 3, 2, 0, 1, 1, 33},        // odd kernel, output padding, 5 outputs
                {8, 4, 2, 4, 0, 0, 1, 19},        // kernel shorter than stride: phases without taps
                {12, 6, 5, 1, 2, 0, 3, 40},       // stride 1, grouped
                {4, 4, 16, 8, 4, 0, 4, 300},      // depthwise, output past one time chunk
        };
        for (int[] s : shapes) {
            for (GgmlType t : TYPES) {
                for (int v : TILE_VECTORS) {
                    cases.add(Arguments.of(new ConvTranspose1dShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6]), s[7], t, v));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} len={1} {2} tile 4x{3}")
    @MethodSource("transposeCases")
    void convTranspose1dMatchesReference(ConvTranspose1dShape shape, int inLength, GgmlType type, int tileVectors) {
        Random rnd = new Random(shape.hashCode() * 17L + inLength + type.id());
        WeightMatrix w = weights(rnd, shape.weightRows(), shape.weightCols(), type);
        float[] bias = random(rnd, shape.outChannels());
        float[] x = random(rnd, shape.inChannels() * inLength);
        int outLength = shape.outputLength(inLength);
        float[] expected = new float[shape.outChannels() * outLength];
        float[] actual = new float[expected.length];
        ReferenceKernels.convTranspose1d(shape, w, bias, x, inLength, expected);
        new Kernels(POOL, tileVectors).convTranspose1d(shape, w, bias, x, inLength, actual);
        // Scale: the same transposed convolution on absolute values.
        float[] absW = new float[w.rows() * w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            for (int c = 0; c < w.cols(); c++) {
                absW[r * w.cols() + c] = Math.abs(w.get(r, c));
            }
        }
        float[] absX = x.clone();
        for (int i = 0; i < absX.length; i++) {
            absX[i] = Math.abs(absX[i]);
        }
        float[] absB = bias.clone();
        for (int i = 0; i < absB.length; i++) {
            absB[i] = Math.abs(absB[i]);
        }
        float[] scale = new float[expected.length];
        ReferenceKernels.convTranspose1d(shape, WeightMatrix.quantize(absW, w.rows(), w.cols(), GgmlType.F32), absB, absX, inLength, scale);
        Tolerance.assertClose("conv-transpose1d " + shape, expected, actual, scale, expected.length, 1e-5);
    }

    static Stream<Arguments> matVecCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 32}, {7, 64}, {33, 96}, {300, 256}, {257, 1024}};
        for (int[] s : shapes) {
            for (GgmlType t : TYPES) {
                cases.add(Arguments.of(s[0], s[1], t));
            }
        }
        // Odd widths only exist for the plain types.
        cases.add(Arguments.of(5, 13, GgmlType.F32));
        cases.add(Arguments.of(70, 1001, GgmlType.F16));
        return cases.stream();
    }

    @ParameterizedTest(name = "[{0}, {1}] {2}")
    @MethodSource("matVecCases")
    void matVecMatchesReference(int rows, int cols, GgmlType type) {
        Random rnd = new Random(rows * 1000L + cols + type.id());
        WeightMatrix w = WeightMatrix.quantize(random(rnd, rows * cols), rows, cols, type);
        float[] bias = random(rnd, rows);
        float[] x = random(rnd, cols);
        float[] expected = new float[rows];
        float[] actual = new float[rows];
        ReferenceKernels.matVec(w, bias, x, expected);
        KERNELS.matVec(w, bias, x, actual);
        float[] scale = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = Math.abs(bias[r]);
            for (int c = 0; c < cols; c++) {
                s += Math.abs(w.get(r, c) * x[c]);
            }
            scale[r] = (float) s;
        }
        Tolerance.assertClose("matVec", expected, actual, scale, rows, 1e-5);
    }

    @ParameterizedTest(name = "[{0}, {1}] {2}")
    @MethodSource("matVecCases")
    void matVecBatchMatchesReference(int rows, int cols, GgmlType type) {
        Random rnd = new Random(rows * 7000L + cols + type.id());
        WeightMatrix w = WeightMatrix.quantize(random(rnd, rows * cols), rows, cols, type);
        float[] bias = random(rnd, rows);
        for (int n : new int[] {1, 3, 17}) {
            float[] x = random(rnd, n * cols);
            float[] expected = new float[n * rows];
            float[] actual = new float[n * rows];
            ReferenceKernels.matVecBatch(w, bias, x, n, expected);
            KERNELS.matVecBatch(w, bias, x, n, actual);
            float[] scale = new float[n * rows];
            for (int t = 0; t < n; t++) {
                for (int r = 0; r < rows; r++) {
                    double sum = Math.abs(bias[r]);
                    for (int c = 0; c < cols; c++) {
                        sum += Math.abs(w.get(r, c) * x[t * cols + c]);
                    }
                    scale[t * rows + r] = (float) sum;
                }
            }
            Tolerance.assertClose("matVecBatch n=" + n, expected, actual, scale, n * rows, 1e-5);
        }
    }

    @Test
    void matMulIsAPointwiseConvolution() {
        Random rnd = new Random(5);
        for (GgmlType type : TYPES) {
            int m = 9, k = 64, n = 45;
            WeightMatrix w = WeightMatrix.quantize(random(rnd, m * k), m, k, type);
            float[] x = random(rnd, k * n);
            float[] expected = new float[m * n];
            float[] actual = new float[m * n];
            // Reference written as the plain triple loop.
            for (int i = 0; i < m; i++) {
                for (int t = 0; t < n; t++) {
                    float s = 0;
                    for (int c = 0; c < k; c++) {
                        s += w.get(i, c) * x[c * n + t];
                    }
                    expected[i * n + t] = s;
                }
            }
            KERNELS.matMul(w, null, x, n, actual);
            float[] scale = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int t = 0; t < n; t++) {
                    float s = 0;
                    for (int c = 0; c < k; c++) {
                        s += Math.abs(w.get(i, c) * x[c * n + t]);
                    }
                    scale[i * n + t] = s;
                }
            }
            Tolerance.assertClose("matMul " + type, expected, actual, scale, m * n, 1e-5);
        }
    }

    static Stream<Arguments> fusionCases() {
        List<Arguments> cases = new ArrayList<>();
        ConvFusion[] fusions = {ConvFusion.leakyInput(0.1f), ConvFusion.NONE.accumulating(),
                ConvFusion.leakyInput(0.01f).dividingInputBy(3f).accumulating()};
        Conv1dShape[] shapes = {
                Conv1dShape.same(32, 32, 3, 5), Conv1dShape.pointwise(32, 6), new Conv1dShape(16, 8, 4, 2, 1, 1, 2, 1),
                new Conv1dShape(8, 8, 3, 1, 2, 2, 2, 8)};
        for (Conv1dShape s : shapes) {
            for (ConvFusion f : fusions) {
                for (boolean residual : new boolean[] {false, true}) {
                    for (int v : TILE_VECTORS) {
                        cases.add(Arguments.of(s, f, residual, v));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} residual={2} tile 4x{3}")
    @MethodSource("fusionCases")
    void fusedConv1dMatchesReference(Conv1dShape shape, ConvFusion fusion, boolean withResidual, int tileVectors) {
        Random rnd = new Random(shape.hashCode() + fusion.hashCode());
        int inLength = 1500; // more than one time chunk, so staged slabs meet at chunk borders
        WeightMatrix w = weights(rnd, shape.weightRows(), shape.weightCols(), GgmlType.Q8_0);
        float[] bias = random(rnd, shape.outChannels());
        float[] x = random(rnd, shape.inChannels() * inLength);
        int outLength = shape.outputLength(inLength);
        float[] start = random(rnd, shape.outChannels() * outLength);
        float[] residual = withResidual ? random(rnd, shape.outChannels() * outLength) : null;
        float[] expected = start.clone();
        float[] actual = start.clone();
        ReferenceKernels.conv1d(shape, w, bias, x, inLength, expected, fusion, residual);
        new Kernels(POOL, tileVectors).conv1d(shape, w, bias, x, inLength, actual, fusion, residual);
        float[] scale = absConv(shape, w, bias, x, inLength);
        for (int i = 0; i < scale.length; i++) {
            scale[i] += Math.abs(start[i]) + (residual == null ? 0 : Math.abs(residual[i]));
        }
        Tolerance.assertClose("fused conv1d " + shape + " " + fusion, expected, actual, scale, expected.length, 1e-5);
    }

    @Test
    void tileShapeFollowsTheRegisterFileAndWidth() {
        assertEquals(3, ConvTiles.defaultVectors(16, 32), "AVX-512");
        assertEquals(ConvTiles.WIDEST, ConvTiles.defaultVectors(8, 32), "256 bits with 32 registers");
        assertEquals(ConvTiles.WIDEST, ConvTiles.defaultVectors(4, 32), "NEON");
        assertEquals(2, ConvTiles.defaultVectors(8, 16), "AVX2");
        assertEquals(2, ConvTiles.defaultVectors(4, 16), "SSE");
        assertThrows(IllegalArgumentException.class, () -> new Kernels(POOL, 4));
    }

    @Test
    void convolutionRefusesToOverwriteItsInput() {
        Conv1dShape s = Conv1dShape.same(4, 4, 3, 1);
        WeightMatrix w = WeightMatrix.quantize(new float[4 * 12], 4, 12, GgmlType.F32);
        float[] x = new float[40];
        assertThrows(IllegalArgumentException.class, () -> KERNELS.conv1d(s, w, null, x, 10, x));
    }

    @Test
    void fusedConvTransposeMatchesReference() {
        Random rnd = new Random(77);
        ConvTranspose1dShape shape = new ConvTranspose1dShape(16, 8, 16, 8, 4, 0, 1);
        WeightMatrix w = weights(rnd, shape.weightRows(), shape.weightCols(), GgmlType.F16);
        float[] x = random(rnd, 16 * 30);
        float[] start = random(rnd, 8 * shape.outputLength(30));
        for (ConvFusion f : new ConvFusion[] {ConvFusion.leakyInput(0.1f), ConvFusion.leakyInput(0.1f).accumulating()}) {
            float[] expected = start.clone();
            float[] actual = start.clone();
            ReferenceKernels.convTranspose1d(shape, w, null, x, 30, expected, f);
            KERNELS.convTranspose1d(shape, w, null, x, 30, actual, f);
            float[] scale = new float[expected.length];
            java.util.Arrays.fill(scale, 100f); // |W| |x| summed over at most 32 terms of |N(0,1)| products, plus |start|
            Tolerance.assertClose("fused conv-transpose " + f, expected, actual, scale, expected.length, 1e-6);
        }
    }

    @Test
    void badArgumentsAreRefusedWithAMessage() {
        Conv1dShape s = Conv1dShape.same(4, 4, 3, 1);
        WeightMatrix w = WeightMatrix.quantize(new float[4 * 12], 4, 12, GgmlType.F32);
        assertThrows(IllegalArgumentException.class, () -> KERNELS.conv1d(s, w, null, new float[4 * 9], 10, new float[40]));
        assertThrows(IllegalArgumentException.class, () -> KERNELS.conv1d(s, w, null, new float[40], 10, new float[39]));
        assertThrows(IllegalArgumentException.class, () -> KERNELS.conv1d(Conv1dShape.same(4, 8, 3, 1), w, null, new float[40], 10, new float[80]));
        assertThrows(IllegalArgumentException.class, () -> new Conv1dShape(4, 4, 3, 1, 1, 0, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Conv1dShape(4, 4, 5, 1, 1, 0, 0, 1).outputLength(3));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose1dShape(4, 4, 4, 2, 1, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.quantize(new float[40], 2, 20, GgmlType.Q8_0));
    }
}
