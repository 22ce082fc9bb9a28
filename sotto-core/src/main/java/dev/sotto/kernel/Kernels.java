package dev.sotto.kernel;

import dev.sotto.tensor.Simd;
import dev.sotto.tensor.WeightMatrix;
import java.util.Objects;

/**
 * The kernels VITS-style models need, over channel-major F32 activations [channels, time] and weights in any
 * supported type. Uses the vector tiles when {@link Simd#ENABLED}, else {@link ReferenceKernels}; work is
 * split over this instance's {@link ComputePool}. Stateless apart from the pool: safe for concurrent use. While a
 * {@link KernelWarmUp} runs, calls large enough to matter wait for it to finish.
 */
public final class Kernels {
    /** Time steps per work item: long enough to amortise packing weights, short enough to balance threads. */
    static final int TIME_CHUNK = 1024;
    /** Matrix rows per work item of a matrix-vector product. */
    static final int ROW_CHUNK = 32;

    private static volatile Kernels shared;

    private final ComputePool pool;
    /** Vectors per row of the convolution tiles (2, 3 or 6, see {@link ConvTiles}). */
    private final int tileVectors;
    /** False only for the warm-up's own kernels, which must not wait for themselves. */
    private final boolean awaitsWarmUp;

    public Kernels(ComputePool pool) {
        this(pool, ConvTiles.DEFAULT_VECTORS);
    }

    /** Kernels with a given tile width in vectors (2, 3 or 6), so tests can check every tile at every width. */
    Kernels(ComputePool pool, int tileVectors) {
        this(pool, tileVectors, true);
    }

    /** Kernels that do not wait for a running {@link KernelWarmUp}: the warm-up's own. */
    static Kernels forWarmUp(ComputePool pool) {
        return new Kernels(pool, ConvTiles.DEFAULT_VECTORS, false);
    }

    private Kernels(ComputePool pool, int tileVectors, boolean awaitsWarmUp) {
        if (tileVectors != 2 && tileVectors != 3 && tileVectors != ConvTiles.WIDEST) {
            throw new IllegalArgumentException("tile vectors must be 2, 3 or " + ConvTiles.WIDEST + ", got " + tileVectors);
        }
        this.pool = Objects.requireNonNull(pool, "pool");
        this.tileVectors = tileVectors;
        this.awaitsWarmUp = awaitsWarmUp;
    }

    /** Kernels on {@link ComputePool#shared()}. */
    public static Kernels shared() {
        Kernels k = shared;
        if (k == null) {
            synchronized (Kernels.class) {
                k = shared;
                if (k == null) {
                    k = new Kernels(ComputePool.shared());
                    shared = k;
                }
            }
        }
        return k;
    }

    /** The convolution tile these kernels use, e.g. "4x3 vectors" (output channels x time vectors), for diagnostics. */
    public String tileShape() {
        return ConvTiles.ROWS + "x" + tileVectors + " vectors";
    }

    public ComputePool pool() {
        return pool;
    }

    // ---------------------------------------------------------------- matrix-vector

    /** {@code y[r] = bias[r] + sum_c W[r, c] x[c]}; {@code bias} may be null. */
    public void matVec(WeightMatrix w, float[] bias, float[] x, float[] y) {
        requireLength("x", x, w.cols());
        requireLength("y", y, w.rows());
        requireBias(bias, w.rows());
        awaitWarmUp((long) w.rows() * w.cols());
        if (!Simd.ENABLED) {
            ReferenceKernels.matVec(w, bias, x, y);
            return;
        }
        int chunks = (w.rows() + ROW_CHUNK - 1) / ROW_CHUNK;
        int work = (int) Math.min(Integer.MAX_VALUE, (long) w.rows() * w.cols());
        Runnable serial = () -> matVecRows(w, bias, x, y, 0, w.rows());
        if (work < 1 << 16) {
            serial.run();
            return;
        }
        pool.parallelFor(chunks, i -> matVecRows(w, bias, x, y, i * ROW_CHUNK, Math.min(w.rows(), (i + 1) * ROW_CHUNK)));
    }

    private static void matVecRows(WeightMatrix w, float[] bias, float[] x, float[] y, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            y[r] = (bias == null ? 0f : bias[r]) + w.dotRow(r, x, 0);
        }
    }

    /**
     * Row-major batch of matrix-vector products: {@code y[t, r] = bias[r] + sum_c W[r, c] x[t, c]} for x [n, cols]
     * and y [n, rows] (a transformer's linear layer over n positions). Each weight row is dequantized once into a
     * small buffer that stays in cache, then dotted with every input row: the weights are read (and widened) once
     * whatever n is, which suits the few positions of a prompt better than the convolution tiles.
     */
    public void matVecBatch(WeightMatrix w, float[] bias, float[] x, int n, float[] y) {
        requireLength("x", x, (long) n * w.cols());
        requireLength("y", y, (long) n * w.rows());
        requireBias(bias, w.rows());
        awaitWarmUp((long) n * w.rows() * w.cols());
        if (!Simd.ENABLED) {
            ReferenceKernels.matVecBatch(w, bias, x, n, y);
            return;
        }
        int rows = w.rows();
        int cols = w.cols();
        int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        pool.parallelFor(chunks, i -> {
            float[] row = Scratch.get(cols);
            float[] four = new float[4];
            int r1 = Math.min(rows, (i + 1) * ROW_CHUNK);
            for (int r = i * ROW_CHUNK; r < r1; r++) {
                w.dequantizeRow(r, row, 0);
                float b = bias == null ? 0f : bias[r];
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    VectorMath.dot4(row, 0, x, t * cols, (t + 1) * cols, (t + 2) * cols, (t + 3) * cols, cols, four);
                    for (int j = 0; j < 4; j++) {
                        y[(t + j) * rows + r] = b + four[j];
                    }
                }
                for (; t < n; t++) {
                    y[t * rows + r] = b + VectorMath.dot(row, 0, x, t * cols, cols);
                }
            }
        });
    }

    // ---------------------------------------------------------------- matrix-matrix

    /** {@code y[m, t] = bias[m] + sum_k W[m, k] x[k, t]} for x [K, n] and y [M, n] (a 1x1 convolution). */
    public void matMul(WeightMatrix w, float[] bias, float[] x, int n, float[] y) {
        conv1d(Conv1dShape.pointwise(w.cols(), w.rows()), w, bias, x, n, y);
    }

    // ---------------------------------------------------------------- convolution

    /**
     * 1-D convolution of x [inChannels, inLength] into y [outChannels, shape.outputLength(inLength)].
     * {@code bias} may be null.
     */
    public void conv1d(Conv1dShape s, WeightMatrix w, float[] bias, float[] x, int inLength, float[] y) {
        conv1d(s, w, bias, x, inLength, y, ConvFusion.NONE, null);
    }

    /**
     * {@link #conv1d} with a fused input transform and/or accumulation into {@code y}, plus {@code residual}
     * [outChannels, outLength] added to the result (nullable). {@code x} must not be {@code y}: use a residual
     * and a second buffer instead of updating in place.
     */
    public void conv1d(Conv1dShape s, WeightMatrix w, float[] bias, float[] x, int inLength, float[] y, ConvFusion fusion,
                       float[] residual) {
        requireWeights(w, s.weightRows(), s.weightCols(), "conv1d");
        int outLength = s.outputLength(inLength);
        requireLength("x", x, (long) s.inChannels() * inLength);
        requireLength("y", y, (long) s.outChannels() * outLength);
        requireBias(bias, s.outChannels());
        if (residual != null) {
            requireLength("residual", residual, (long) s.outChannels() * outLength);
        }
        if (x == y) {
            throw new IllegalArgumentException("conv1d cannot write over its own input");
        }
        awaitWarmUp((long) s.outChannels() * s.weightCols() * outLength);
        if (!Simd.ENABLED) {
            ReferenceKernels.conv1d(s, w, bias, x, inLength, y, fusion, residual);
            return;
        }
        float[] accumulateInto = fusion.accumulate() ? y : null;
        int outG = s.outPerGroup();
        int blocks = (outG + ConvTiles.ROWS - 1) / ConvTiles.ROWS;
        int chunks = (outLength + TIME_CHUNK - 1) / TIME_CHUNK;
        int cols = s.weightCols();
        // Weight panels are packed (dequantized, rows interleaved) by the work items, in parallel: with one time
        // chunk each block belongs to one item, which packs it just before use; otherwise all are packed first.
        float[][] packed = chunks == 1 ? null : packAll(w, s.outChannels(), outG, cols);
        // A work item is one time chunk of one group and a run of output blocks: with many chunks, all blocks
        // (the input slab is staged into cache once and serves every block); with few, blocks are split so that
        // every thread has work.
        int blockRuns = Math.min(blocks, Math.max(1, (4 * pool.threads() + chunks - 1) / chunks));
        int blocksPerRun = (blocks + blockRuns - 1) / blockRuns;
        boolean direct = s.stride() == 1 && s.padLeft() == 0 && s.padRight() == 0 && !fusion.transformsInput();
        float[] columns = s.stride() == 1 ? null : stridedColumns(s, x, inLength, outLength, fusion);
        // With a single time chunk every work item would stage the same slab: stage it once for all of them.
        float[] shared = null;
        if (!direct && columns == null && chunks == 1 && blockRuns > 1) {
            int width = outLength + (s.kernelSize() - 1) * s.dilation();
            shared = new float[Math.multiplyExact(s.inChannels(), width)];
            for (int g = 0; g < s.groups(); g++) {
                stage(x, inLength, g * s.inPerGroup(), s.inPerGroup(), -s.padLeft(), width, fusion, shared, g * s.inPerGroup() * width);
            }
        }
        final float[] staged = shared;
        pool.parallelFor(Math.multiplyExact(Math.multiplyExact(s.groups(), blockRuns), chunks), item -> {
            int run = item % blockRuns;
            int chunk = (item / blockRuns) % chunks;
            int g = item / blockRuns / chunks;
            int t0 = chunk * TIME_CHUNK;
            int n = Math.min(TIME_CHUNK, outLength - t0);
            float[] src;
            int srcBase;
            int srcStride;
            int cin;
            int taps;
            if (columns != null) {
                // Strided: the columns hold, per (channel, tap), the samples each output reads.
                cin = s.inPerGroup() * s.kernelSize();
                taps = 1;
                src = columns;
                srcStride = outLength;
                srcBase = g * cin * outLength + t0;
            } else if (staged != null) {
                cin = s.inPerGroup();
                taps = s.kernelSize();
                srcStride = outLength + (taps - 1) * s.dilation();
                src = staged;
                srcBase = g * cin * srcStride + t0;
            } else if (direct) {
                cin = s.inPerGroup();
                taps = s.kernelSize();
                src = x;
                srcStride = inLength;
                srcBase = g * cin * inLength + t0;
            } else {
                // Stage this chunk's input (with its halo, zero padding and the input transform) in scratch.
                cin = s.inPerGroup();
                taps = s.kernelSize();
                srcStride = n + (taps - 1) * s.dilation();
                src = Scratch.get(cin * srcStride);
                stage(x, inLength, g * cin, cin, t0 - s.padLeft(), srcStride, fusion, src, 0);
                srcBase = 0;
            }
            int[] offsets = ConvTiles.offsets(cin, taps, srcStride, s.dilation());
            float[] panel = packed == null ? new float[ConvTiles.ROWS * cols] : null;
            float[] rowMajor = packed == null ? new float[ConvTiles.ROWS * cols] : null;
            for (int block = run * blocksPerRun; block < Math.min(blocks, (run + 1) * blocksPerRun); block++) {
                int o = g * outG + block * ConvTiles.ROWS;
                int rows = Math.min(ConvTiles.ROWS, (g + 1) * outG - o);
                float[] weights = packed != null ? packed[g * blocks + block] : panel;
                if (packed == null) {
                    packRows(w, o, rows, cols, panel, rowMajor);
                }
                runTile(rows, src, srcBase, offsets, weights, cols, bias, o, y, o * outLength + t0, outLength, n,
                        accumulateInto, residual);
            }
        });
    }

    /**
     * {@code slab[slabOffset + c * stride + u] = transform(x[(c0 + c) * length + start + u])} for {@code u < stride},
     * zero where the index falls outside [0, length).
     */
    private static void stage(float[] x, int length, int c0, int channels, int start, int stride, ConvFusion fusion,
                              float[] slab, int slabOffset) {
        int lo = Math.max(0, -start);
        int hi = Math.min(stride, length - start);
        for (int c = 0; c < channels; c++) {
            int row = slabOffset + c * stride;
            if (lo > 0) {
                java.util.Arrays.fill(slab, row, row + Math.min(lo, stride), 0f);
            }
            if (hi > lo) {
                int from = (c0 + c) * length + start + lo;
                if (fusion.transformsInput()) {
                    LeakyRelu.apply(x, from, slab, row + lo, hi - lo, fusion.inputDivisor(), fusion.inputSlope());
                } else {
                    System.arraycopy(x, from, slab, row + lo, hi - lo);
                }
            }
            int tail = Math.min(stride, Math.max(hi, lo));
            if (tail < stride) {
                java.util.Arrays.fill(slab, row + tail, row + stride, 0f);
            }
        }
    }

    /**
     * Transposed 1-D convolution of x [inChannels, inLength] into y [outChannels, shape.outputLength(inLength)],
     * computed polyphase: output phase r = (t + padding) mod stride only meets the taps j = r, r + stride, ...,
     * so each phase is an ordinary stride-1 convolution with those taps reversed, and no zero is multiplied.
     */
    public void convTranspose1d(ConvTranspose1dShape s, WeightMatrix w, float[] bias, float[] x, int inLength, float[] y) {
        convTranspose1d(s, w, bias, x, inLength, y, ConvFusion.NONE);
    }

    /** {@link #convTranspose1d} with a fused input activation and/or accumulation into {@code y}. */
    public void convTranspose1d(ConvTranspose1dShape s, WeightMatrix w, float[] bias, float[] x, int inLength, float[] y,
                                ConvFusion fusion) {
        requireWeights(w, s.weightRows(), s.weightCols(), "conv-transpose1d");
        int outLength = s.outputLength(inLength);
        requireLength("x", x, (long) s.inChannels() * inLength);
        requireLength("y", y, (long) s.outChannels() * outLength);
        requireBias(bias, s.outChannels());
        awaitWarmUp((long) s.inChannels() * s.weightCols() * inLength);
        if (!Simd.ENABLED) {
            ReferenceKernels.convTranspose1d(s, w, bias, x, inLength, y, fusion);
            return;
        }
        int stride = s.stride();
        int k = s.kernelSize();
        int p = s.padding();
        int maxTaps = (k + stride - 1) / stride;
        int padLeft = maxTaps - 1;
        // Highest input index any phase reads: q_max = (outLength - 1 + p) / stride.
        int qMax = (outLength - 1 + p) / stride;
        int xpStride = padLeft + Math.max(inLength, qMax + 1);
        float[] xp = padded(x, s.inChannels(), inLength, padLeft, xpStride, fusion);
        float[] wf = new float[Math.multiplyExact(w.rows(), w.cols())];
        int rowsPerItem = Math.max(1, (1 << 16) / w.cols());
        pool.parallelFor((w.rows() + rowsPerItem - 1) / rowsPerItem, i -> {
            int r0 = i * rowsPerItem;
            w.dequantizeRows(r0, Math.min(w.rows(), r0 + rowsPerItem), wf, r0 * w.cols());
        });

        int inG = s.inPerGroup();
        int outG = s.outPerGroup();
        int blocks = (outG + ConvTiles.ROWS - 1) / ConvTiles.ROWS;
        int phaseChunks = ((outLength + stride - 1) / stride + TIME_CHUNK - 1) / TIME_CHUNK;
        int perPhase = s.groups() * blocks * phaseChunks;
        pool.parallelFor(Math.multiplyExact(stride, perPhase), item -> {
            int r = item / perPhase;
            int rest = item % perPhase;
            int chunk = rest % phaseChunks;
            int block = (rest / phaseChunks) % blocks;
            int g = rest / phaseChunks / blocks;
            int tFirst = Math.floorMod(r - p, stride);
            if (tFirst >= outLength) {
                return;
            }
            int count = (outLength - 1 - tFirst) / stride + 1;
            int i0 = chunk * TIME_CHUNK;
            if (i0 >= count) {
                return;
            }
            int n = Math.min(TIME_CHUNK, count - i0);
            int q0 = (tFirst + p - r) / stride;
            int taps = r < k ? (k - r + stride - 1) / stride : 0;
            int ol0 = block * ConvTiles.ROWS;
            int rows = Math.min(ConvTiles.ROWS, outG - ol0);
            // packed[(c * taps + m) * rows + row] = W[g*inG + c, ol0 + row, r + (taps - 1 - m) * stride]
            float[] packed = new float[rows * inG * taps];
            for (int c = 0; c < inG; c++) {
                int wRow = (g * inG + c) * outG * k;
                for (int m = 0; m < taps; m++) {
                    int j = r + (taps - 1 - m) * stride;
                    for (int row = 0; row < rows; row++) {
                        packed[(c * taps + m) * rows + row] = wf[wRow + (ol0 + row) * k + j];
                    }
                }
            }
            int xBase = g * inG * xpStride + padLeft + q0 + i0 - (taps - 1);
            float[] tmp = new float[rows * n];
            int o = g * outG + ol0;
            runTile(rows, xp, xBase, ConvTiles.offsets(inG, taps, xpStride, 1), packed, inG * taps, bias, o, tmp, 0, n, n,
                    null, null);
            int tStart = tFirst + i0 * stride;
            for (int row = 0; row < rows; row++) {
                int dst = (o + row) * outLength + tStart;
                int src = row * n;
                if (fusion.accumulate()) {
                    for (int i = 0; i < n; i++) {
                        y[dst + i * stride] += tmp[src + i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        y[dst + i * stride] = tmp[src + i];
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Waits for a running warm-up before a call of {@code multiplyAdds} or more ({@link KernelWarmUp#WAIT_WORK}):
     * smaller calls cost a few milliseconds at most even uncompiled, less than waiting would.
     */
    private void awaitWarmUp(long multiplyAdds) {
        if (awaitsWarmUp && multiplyAdds >= KernelWarmUp.WAIT_WORK) {
            KernelWarmUp.awaitCompletion();
        }
    }

    /**
     * Runs a 4-row tile, or single-row tiles for a short last block, each starting from the bias plus the inits (see
     * {@link ConvTiles}). Weights are packed by {@link #packRows}.
     */
    private void runTile(int rows, float[] src, int xBase, int[] offsets, float[] packed, int cols, float[] bias, int o,
                         float[] out, int outBase, int outStride, int n, float[] init1, float[] init2) {
        if (rows == ConvTiles.ROWS) {
            ConvTiles.tile4(src, xBase, offsets, packed, out, outBase, outStride, n, init1, init2,
                    biasAt(bias, o), biasAt(bias, o + 1), biasAt(bias, o + 2), biasAt(bias, o + 3), tileVectors);
            return;
        }
        float[] single = rows == 1 ? packed : new float[cols];
        for (int row = 0; row < rows; row++) {
            if (rows != 1) {
                for (int c = 0; c < cols; c++) {
                    single[c] = packed[c * rows + row];
                }
            }
            ConvTiles.tile1(src, xBase, offsets, single, out, outBase + row * outStride, n, init1, init2, biasAt(bias, o + row));
        }
    }

    /**
     * Packed weights of every tile, packed in parallel: index {@code g * blocks + block}, tiles of 4 rows (fewer at
     * a group's end).
     */
    private float[][] packAll(WeightMatrix w, int outChannels, int outG, int cols) {
        int blocks = (outG + ConvTiles.ROWS - 1) / ConvTiles.ROWS;
        int groups = outChannels / outG;
        float[][] packed = new float[groups * blocks][];
        pool.parallelFor(groups * blocks, i -> {
            int o = i / blocks * outG + i % blocks * ConvTiles.ROWS;
            int rows = Math.min(ConvTiles.ROWS, (i / blocks + 1) * outG - o);
            packed[i] = new float[rows * cols];
            packRows(w, o, rows, cols, packed[i], new float[rows * cols]);
        });
        return packed;
    }

    /**
     * Dequantizes weight rows [o, o + rows) interleaved: {@code packed[c * rows + row] = W[o + row, c]}, using
     * {@code tmp} (at least rows * cols) for the row-major rows.
     */
    private static void packRows(WeightMatrix w, int o, int rows, int cols, float[] packed, float[] tmp) {
        if (rows == 1) {
            w.dequantizeRow(o, packed, 0);
            return;
        }
        w.dequantizeRows(o, o + rows, tmp, 0);
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < cols; c++) {
                packed[c * rows + row] = tmp[row * cols + c];
            }
        }
    }

    private static float biasAt(float[] bias, int o) {
        return bias == null ? 0f : bias[o];
    }

    /**
     * Copy of x [channels, length] into rows of {@code stride} with {@code padLeft} zeros before each row, the
     * fused input activation applied on the way.
     */
    private static float[] padded(float[] x, int channels, int length, int padLeft, int stride, ConvFusion fusion) {
        float[] out = new float[Math.multiplyExact(channels, stride)];
        for (int c = 0; c < channels; c++) {
            if (fusion.transformsInput()) {
                LeakyRelu.apply(x, c * length, out, c * stride + padLeft, length, fusion.inputDivisor(), fusion.inputSlope());
            } else {
                System.arraycopy(x, c * length, out, c * stride + padLeft, length);
            }
        }
        return out;
    }

    /** cols[(c * k + j), t] = x[c, t * stride + j * dilation - padLeft], zero outside; for strided convolutions. */
    private static float[] stridedColumns(Conv1dShape s, float[] x, int inLength, int outLength, ConvFusion fusion) {
        int k = s.kernelSize();
        float[] cols = new float[Math.multiplyExact(Math.multiplyExact(s.inChannels(), k), outLength)];
        for (int c = 0; c < s.inChannels(); c++) {
            for (int j = 0; j < k; j++) {
                int row = (c * k + j) * outLength;
                for (int t = 0; t < outLength; t++) {
                    int idx = t * s.stride() + j * s.dilation() - s.padLeft();
                    cols[row + t] = idx >= 0 && idx < inLength ? fusion.activate(x[c * inLength + idx]) : 0f;
                }
            }
        }
        return cols;
    }

    private static void requireWeights(WeightMatrix w, int rows, int cols, String op) {
        Objects.requireNonNull(w, "weights");
        if (w.rows() != rows || w.cols() != cols) {
            throw new IllegalArgumentException(op + " expects weights [" + rows + ", " + cols + "], got [" + w.rows() + ", " + w.cols() + "]");
        }
    }

    private static void requireLength(String name, float[] a, long length) {
        Objects.requireNonNull(a, name);
        if (a.length < length) {
            throw new IllegalArgumentException(name + " needs " + length + " floats, got " + a.length);
        }
    }

    private static void requireBias(float[] bias, int channels) {
        if (bias != null && bias.length < channels) {
            throw new IllegalArgumentException("bias needs " + channels + " floats, got " + bias.length);
        }
    }
}
