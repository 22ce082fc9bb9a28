package dev.sotto.kernel;

import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.Simd;
import dev.sotto.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Gets the vector kernels compiled before real work needs them. A fresh JVM runs Vector API code as Java fallbacks
 * (objects per operation, a hundred times slower) until the C2 compiler has compiled the calling method with the
 * vector intrinsics, and C2 compiles a method only once it has been called and has looped often enough. Real speech
 * reaches that point slowly: every call is large, so a cold sentence spent seconds in the fallbacks (medium voice:
 * its convolution tiles were compiled 2-3 s after start).
 *
 * <p>The warm-up runs every kernel path on inputs a few channels wide, many times over: each convolution route
 * (direct, staged with fused activation, accumulation and residual, several time chunks, grouped, strided), the
 * four-row tile, its masked tail and the single-row tile, the transposed convolution, dequantizing and dot products
 * for every weight type, and the element-wise functions. Cheap calls trip the compile thresholds in a fraction of a
 * second, with every branch in the profiles so the compiled code is not thrown away at the first real call. A path
 * is done once a run of its calls each went at compiled speed ({@link #NANOS_PER_MULTIPLY_ADD}); the whole warm-up
 * gives up after {@link #DEADLINE}.
 *
 * <p>{@link #start} runs it on a thread of its own (model loading starts it for the file's weight types); while it
 * runs, kernel calls of {@link #WAIT_WORK} or more from other threads wait for it ({@link #awaitCompletion()}), since
 * they would run many times slower meanwhile and slow it down by competing for the cores. Work that does not use the
 * kernels (loading, the text front end) goes on meanwhile. {@code -Dsotto.warmUp=false} turns it off; in scalar mode
 * it does nothing.
 */
public final class KernelWarmUp {
    /** System property that turns the warm-up off ({@code false}). */
    public static final String PROPERTY = "sotto.warmUp";
    /** The warm-up stops here even if some path never got fast (a JVM without C2, an overloaded machine). */
    static final Duration DEADLINE = Duration.ofSeconds(3);
    /** Consecutive fast calls that make a path done. */
    static final int FAST_CALLS = 8;
    /**
     * A fast call does a multiply-add in under 2 ns (1 GFLOP/s) or an element-wise step in under 10 ns. On tiny
     * inputs compiled code ran 10-25 GFLOP/s here at 512 bits, the fallbacks 0.05-0.45 (interpreted and C1 alike).
     */
    static final double NANOS_PER_MULTIPLY_ADD = 2;
    static final double NANOS_PER_ELEMENT = 10;
    /** A round's calls of one path take about this long at compiled speed (see {@link Probe}). */
    static final double ROUND_NANOS = 32_000;
    /** Most calls of one path in a round. */
    static final int MAX_CALLS_PER_ROUND = 32;

    /**
     * Kernel calls of this many multiply-adds or more wait for a running warm-up; below it, a call costs at most a
     * few milliseconds uncompiled (fallbacks ran 0.05-0.45 GFLOP/s here), so it goes ahead: small voices and the
     * first short steps of large ones do not wait.
     */
    static final long WAIT_WORK = 1 << 18;

    private static final Object LOCK = new Object();
    /** The running warm-up's thread, or null. */
    private static volatile Thread running;
    private static volatile long deadlineNanos;
    /** Paths warmed up or being warmed up: those run on F32 weights, and the per-type ones of each type. */
    private static final EnumSet<KernelPath> warmedRoutes = EnumSet.noneOf(KernelPath.class);
    private static final Map<GgmlType, EnumSet<KernelPath>> warmedByType = new EnumMap<>(GgmlType.class);

    private KernelWarmUp() {
    }

    /** How a warm-up went: its duration, the paths still slow when it stopped (none when all got fast), the paths run. */
    record Report(Duration took, List<String> slowPaths, int paths) {
    }

    /**
     * Starts the warm-up of the kernel paths a model calls ({@code paths}, see {@link dev.sotto.model.ModelFamily})
     * on a background thread, unless vector kernels are off or {@code -Dsotto.warmUp=false}, with weights of each
     * type to run on: each a run of whole blocks of that type, best a tensor of the model itself. The kind of memory
     * matters: the JIT profiles which segment class the kernels read, and code warmed up on one kind and then run on
     * another is compiled for both, slower (on the heap-allocated segments of a first version, Pocket TTS's FlowLM
     * took 1.95 s instead of 1.25 s per utterance). A segment too short for the warm-up's matrices is replaced by
     * allocated memory.
     *
     * <p>Each path, and each per-type path for each type, is warmed up once per JVM: a call that asks for nothing
     * new does nothing; one that adds paths or types starts a warm-up of those after the running one.
     */
    public static void start(Map<GgmlType, MemorySegment> weights, Set<KernelPath> paths) {
        if (!Simd.ENABLED || System.getProperty(PROPERTY, "true").trim().equalsIgnoreCase("false")) {
            return;
        }
        synchronized (LOCK) {
            Plan plan = Plan.of(weights, paths, warmedRoutes, warmedByType);
            if (plan.isEmpty()) {
                return;
            }
            warmedRoutes.addAll(plan.routes());
            plan.byType().forEach((type, p) -> warmedByType.computeIfAbsent(type, t -> EnumSet.noneOf(KernelPath.class)).addAll(p));
            Thread previous = running;
            // A warm-up that waits for the one before it gets its full time after that one's deadline.
            long deadline = (previous != null ? deadlineNanos : System.nanoTime()) + DEADLINE.toNanos();
            Thread t = Thread.ofPlatform().daemon().name("sotto-kernel-warm-up").unstarted(() -> {
                try {
                    if (previous != null) {
                        previous.join();
                    }
                    run(plan, deadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    // The model was closed under it (its memory unmapped): nothing left to warm up for.
                } finally {
                    synchronized (LOCK) {
                        if (running == Thread.currentThread()) {
                            running = null;
                        }
                    }
                }
            });
            running = t;
            deadlineNanos = deadline;
            t.start();
        }
    }

    /**
     * What one warm-up runs: the routes (paths run on F32 weights), and per weight type its per-type paths, with
     * the weights to run them on.
     */
    record Plan(Set<KernelPath> routes, Map<GgmlType, Set<KernelPath>> byType, Map<GgmlType, MemorySegment> weights) {
        /** Every path, for every type of {@code weights} that has kernels. */
        static Plan everything(Map<GgmlType, MemorySegment> weights) {
            return of(weights, EnumSet.allOf(KernelPath.class), Set.of(), Map.of());
        }

        /** The {@code paths} for the types of {@code weights}, less what was warmed up already. */
        static Plan of(Map<GgmlType, MemorySegment> weights, Set<KernelPath> paths, Set<KernelPath> warmedRoutes,
                       Map<GgmlType, ? extends Set<KernelPath>> warmedByType) {
            EnumSet<KernelPath> routes = EnumSet.noneOf(KernelPath.class);
            EnumSet<KernelPath> perType = EnumSet.noneOf(KernelPath.class);
            for (KernelPath p : paths) {
                if (p.onF32 && !warmedRoutes.contains(p)) {
                    routes.add(p);
                }
                if (p.perWeightType) {
                    perType.add(p);
                }
            }
            Map<GgmlType, Set<KernelPath>> byType = new EnumMap<>(GgmlType.class);
            Map<GgmlType, MemorySegment> data = new EnumMap<>(GgmlType.class);
            weights.forEach((type, segment) -> {
                EnumSet<KernelPath> missing = perType.clone();
                Set<KernelPath> warmed = warmedByType.get(type);
                if (warmed != null) {
                    missing.removeAll(warmed);
                }
                if (type.hasKernels() && !missing.isEmpty()) {
                    byType.put(type, missing);
                }
                data.put(type, segment);
            });
            return new Plan(routes, byType, data);
        }

        boolean isEmpty() {
            return routes.isEmpty() && byType.isEmpty();
        }
    }

    /**
     * Waits for a running warm-up to finish (at most until its deadline); returns at once when none runs. Kernels
     * call this on entry (but for the warm-up's own, {@link Kernels#forWarmUp}).
     */
    static void awaitCompletion() {
        Thread t = running;
        if (t == null) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        try {
            if (left > 0) {
                t.join(Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's work goes on cold; its interrupt stays visible
        }
    }

    /** True while a warm-up runs (or waits for the one before it). */
    static boolean running() {
        return running != null;
    }

    /** Runs a plan's paths on the calling thread until each is fast or the deadline passes. */
    static Report run(Plan plan, long deadline) {
        long t0 = System.nanoTime();
        List<Probe> paths = new ArrayList<>();
        try (ComputePool pool = new ComputePool(1)) {
            Kernels k = Kernels.forWarmUp(pool);
            new Routes(plan.weights().get(GgmlType.F32)).addTo(paths, k, plan.routes());
            plan.byType().forEach((type, typePaths) -> new Formats(type, plan.weights().get(type)).addTo(paths, k, typePaths));
            List<Probe> left = new ArrayList<>(paths);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                left.removeIf(Probe::step);
            }
            return new Report(Duration.ofNanos(System.nanoTime() - t0), left.stream().map(p -> p.name).toList(), paths.size());
        }
    }

    /**
     * One kernel path: a call, timed each time it runs, done after {@link #FAST_CALLS} fast calls in a row. A round of
     * the warm-up makes each path's calls until they would take {@link #ROUND_NANOS} at compiled speed (at least
     * one): the compile thresholds count calls and loop turns, so a path of small calls (the element-wise functions,
     * a short tile) called once a round reached them a second after the convolutions did.
     */
    private static final class Probe {
        final String name;
        final Runnable call;
        final long fastBelowNanos;
        final int callsPerRound;
        int fastInARow;

        Probe(String name, double nanosWhenCompiled, Runnable call) {
            this.name = name;
            this.call = call;
            this.fastBelowNanos = (long) nanosWhenCompiled;
            this.callsPerRound = (int) Math.max(1, Math.min(MAX_CALLS_PER_ROUND, ROUND_NANOS / Math.max(1, fastBelowNanos)));
        }

        /** A call of {@code multiplyAdds} multiply-adds. */
        static Probe arithmetic(String name, long multiplyAdds, Runnable call) {
            return new Probe(name, multiplyAdds * NANOS_PER_MULTIPLY_ADD, call);
        }

        /** A call over {@code elements} values. */
        static Probe elementwise(String name, int elements, Runnable call) {
            return new Probe(name, elements * NANOS_PER_ELEMENT, call);
        }

        /** Makes one round's calls; true when the path is done. */
        boolean step() {
            for (int i = 0; i < callsPerRound; i++) {
                long s = System.nanoTime();
                call.run();
                long d = System.nanoTime() - s;
                fastInARow = d < fastBelowNanos ? fastInARow + 1 : 0;
                if (fastInARow >= FAST_CALLS) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every route through the convolutions and the element-wise functions, on F32 weights a few channels wide. */
    private static final class Routes {
        static final int C = 8;
        /** Not a multiple of any tile's time block at any width, so the masked tails run too. */
        static final int N = 100;
        /** Element-wise lengths: several vectors and a tail at every width. */
        static final int E = 259;

        final float[] bias = new float[16];
        final float[] x = new float[C * N];
        final float[] values = new float[E];
        final float[] other = new float[E];
        final SplittableRandom random = new SplittableRandom(1);
        /** F32 weights to read (null: allocated ones). */
        final MemorySegment f32;

        Routes(MemorySegment f32) {
            this.f32 = f32;
        }

        /** Adds the probes of {@code wanted}. */
        void addTo(List<Probe> paths, Kernels k, Set<KernelPath> wanted) {
            fill(random, bias, x, values, other);
            if (wanted.contains(KernelPath.CONVOLUTION)) {
                convolutions(paths, k);
            }
            if (wanted.contains(KernelPath.STRIDED_CONVOLUTION)) {
                conv(paths, k, "strided", new Conv1dShape(C, C, 4, 2, 1, 1, 1, 1), ConvFusion.NONE, false, N);
            }
            if (wanted.contains(KernelPath.TRANSPOSED_CONVOLUTION)) {
                transposed(paths, k);
            }
            float[] out = new float[E];
            elementwise(paths, wanted, KernelPath.GATE, () -> VectorMath.gate(x, 0, N, 0.1f, -0.1f, out, 0, E));
            elementwise(paths, wanted, KernelPath.TANH, () -> VectorMath.tanh(copy(out), 0, E));
            elementwise(paths, wanted, KernelPath.ELU, () -> VectorMath.elu(copy(out), 0, E));
            elementwise(paths, wanted, KernelPath.SILU, () -> VectorMath.silu(copy(out), 0, E));
            elementwise(paths, wanted, KernelPath.GELU, () -> VectorMath.gelu(copy(out), E));
            elementwise(paths, wanted, KernelPath.AXPY, () -> VectorMath.axpy(0.5f, values, 0, other, 0, E));
            elementwise(paths, wanted, KernelPath.SOFTMAX, () -> VectorMath.expShiftedSum(copy(out), E, 1f));
            elementwise(paths, wanted, KernelPath.DOT, () -> VectorMath.dot(values, 0, other, 0, E));
        }

        private static void elementwise(List<Probe> paths, Set<KernelPath> wanted, KernelPath path, Runnable call) {
            if (wanted.contains(path)) {
                paths.add(Probe.elementwise(path.name().toLowerCase(Locale.ROOT), E, call));
            }
        }

        private void convolutions(List<Probe> paths, Kernels k) {
            conv(paths, k, "pointwise", Conv1dShape.pointwise(C, C), ConvFusion.NONE, false, N);
            conv(paths, k, "dilated, leaky input, accumulated, residual", Conv1dShape.same(C, C, 3, 2),
                    ConvFusion.leakyInput(0.1f).accumulating(), true, N);
            conv(paths, k, "leaky input of a mean", Conv1dShape.same(C, C, 3, 1), ConvFusion.leakyInput(0.1f).dividingInputBy(2f), false, N);
            conv(paths, k, "nine rows (single-row tile)", Conv1dShape.same(C, 9, 5, 1), ConvFusion.NONE, false, N);
            conv(paths, k, "six rows (rows of a short tile)", Conv1dShape.same(C, 6, 3, 1), ConvFusion.NONE, true, N);
            conv(paths, k, "grouped", new Conv1dShape(C, C, 3, 1, 1, 1, 1, 2), ConvFusion.NONE, false, N);
            // A group of one channel at the input's end: every (channel, tap) pair of the tail's part-vector lies past
            // the array's end (a depthwise convolution, as in Piper's duration predictor; one input channel). Left
            // out, the JIT compiled that case as a trap and recompiled the tiles during the first sentence.
            conv(paths, k, "depthwise, unpadded", new Conv1dShape(C, C, 3, 1, 1, 0, 0, C), ConvFusion.NONE, false, N);
            conv(paths, k, "one input channel, unpadded", new Conv1dShape(1, C, 3, 1, 1, 0, 0, 1), ConvFusion.NONE, false, N);
            // Whole tile blocks and whole vectors, no tail, at every width (96 steps: blocks of 16, 24, 32 and 48), for
            // four-row tiles and a single-row one.
            conv(paths, k, "no tail", Conv1dShape.same(C, 9, 3, 1), ConvFusion.NONE, false, 96);
            // Over one time chunk: weights packed up front, each chunk staged on its own.
            conv(paths, k, "several time chunks", Conv1dShape.same(2, 4, 3, 1), ConvFusion.NONE, false, Kernels.TIME_CHUNK + 37);
        }

        private void transposed(List<Probe> paths, Kernels k) {
            ConvTranspose1dShape up = new ConvTranspose1dShape(C, C / 2, 8, 4, 2, 1, 1);
            WeightMatrix wUp = weights(f32, random, up.weightRows(), up.weightCols(), GgmlType.F32);
            float[] yUp = new float[C / 2 * up.outputLength(N)];
            long upWork = (long) up.inChannels() * up.weightCols() * N;
            paths.add(Probe.arithmetic("transposed convolution", upWork, () -> k.convTranspose1d(up, wUp, bias, x, N, yUp, ConvFusion.leakyInput(0.1f))));
            paths.add(Probe.arithmetic("transposed convolution, accumulated", upWork, () -> k.convTranspose1d(up, wUp, null, x, N, yUp,
                    ConvFusion.NONE.accumulating())));
        }

        private final float[] scratch = new float[E];

        /** A copy of {@code a} to be changed in place (so repeated calls see the same values). */
        private float[] copy(float[] a) {
            System.arraycopy(a, 0, scratch, 0, a.length);
            return scratch;
        }

        private void conv(List<Probe> paths, Kernels k, String name, Conv1dShape s, ConvFusion fusion, boolean withResidual, int length) {
            WeightMatrix w = weights(f32, random, s.weightRows(), s.weightCols(), GgmlType.F32);
            float[] in = new float[s.inChannels() * length];
            fill(random, in);
            int outLength = s.outputLength(length);
            float[] out = new float[s.outChannels() * outLength];
            float[] res = withResidual ? new float[out.length] : null;
            long work = (long) s.weightRows() * s.weightCols() * outLength;
            paths.add(Probe.arithmetic("convolution, " + name, work, () -> k.conv1d(s, w, bias, in, length, out, fusion, res)));
        }
    }

    /** What depends on the weight type: dequantizing a tile's rows, and dot products with rows. */
    private static final class Formats {
        static final int ROWS = 16;
        static final int COLS = 128;
        final WeightMatrix w;
        final float[] x = new float[COLS * 4];
        final float[] y = new float[ROWS * 4];

        Formats(GgmlType type, MemorySegment data) {
            SplittableRandom random = new SplittableRandom(type.ordinal());
            w = weights(data, random, ROWS, COLS, type);
            fill(random, x);
        }

        /** Adds the probes of {@code wanted}: the tiles' dequantizing (a matrix product) and the matrix-vector products. */
        void addTo(List<Probe> paths, Kernels k, Set<KernelPath> wanted) {
            long matrix = (long) ROWS * COLS;
            GgmlType type = w.type();
            if (wanted.contains(KernelPath.CONVOLUTION)) {
                paths.add(Probe.arithmetic(type + " matrix product", 4 * matrix, () -> k.matMul(w, null, x, 4, y)));
            }
            if (!wanted.contains(KernelPath.MATRIX_VECTOR_PRODUCT)) {
                return;
            }
            paths.add(Probe.arithmetic(type + " matrix-vector product", matrix, () -> k.matVec(w, null, x, y)));
            paths.add(Probe.arithmetic(type + " batched matrix-vector product", 4 * matrix, () -> k.matVecBatch(w, null, x, 4, y)));
            paths.add(Probe.arithmetic(type + " batched matrix-vector product, short batch", 3 * matrix, () -> k.matVecBatch(w, null, x, 3, y)));
        }
    }

    /** A [rows, cols] matrix over the start of {@code data} when it is long enough, else random weights in allocated memory. */
    private static WeightMatrix weights(MemorySegment data, SplittableRandom random, int rows, int cols, GgmlType type) {
        long bytes = rows * type.bytesFor(cols);
        if (data != null && data.byteSize() >= bytes) {
            return new WeightMatrix(type, rows, cols, data.asSlice(0, bytes));
        }
        float[] values = new float[rows * cols];
        fill(random, values);
        return WeightMatrix.quantize(values, rows, cols, type);
    }

    private static void fill(SplittableRandom random, float[]... arrays) {
        for (float[] a : arrays) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) random.nextDouble(-1, 1);
            }
        }
    }
}
