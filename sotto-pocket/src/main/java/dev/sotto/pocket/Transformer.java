package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;
import dev.sotto.kernel.VectorMath;
import java.util.List;

/**
 * A streaming pre-norm transformer as Pocket TTS uses it (FlowLM's, and Mimi's with a context window and layer scale):
 * per layer {@code x += ls1 * attn(norm1(x)); x += ls2 * linear2(gelu(linear1(norm2(x))))}, LayerNorm eps 1e-5, exact
 * GELU, no biases in the linear layers. Attention: one {@code in_proj} [3d, d] giving q, k, v head-major, interleaved
 * RoPE on q and k at absolute positions, keys and values appended to the {@link KvCache}, causal within the cache and
 * limited to the last {@code context} positions, scale 1/sqrt(headDim). Immutable weights; state in the cache.
 */
final class Transformer {
    /**
     * One layer's weights; {@code scale1}/{@code scale2} are LayerScale vectors or null (identity).
     */
    record Layer(float[] norm1Weight, float[] norm1Bias, Linear inProj, Linear outProj, float[] norm2Weight, float[] norm2Bias,
                 Linear linear1, Linear linear2, float[] scale1, float[] scale2) {
    }

    private final List<Layer> layers;
    final int dModel;
    final int heads;
    final int headDim;
    private final int context;
    private final Rope rope;

    Transformer(List<Layer> layers, int dModel, int heads, double maxPeriod, int context) {
        this.layers = List.copyOf(layers);
        this.dModel = dModel;
        this.heads = heads;
        this.headDim = dModel / heads;
        this.context = context;
        this.rope = new Rope(headDim, maxPeriod);
    }

    int layerCount() {
        return layers.size();
    }

    /** A cache for this transformer, room for {@code capacity} positions to start with. */
    KvCache newCache(int capacity) {
        return new KvCache(layers.size(), dModel, capacity, context);
    }

    /**
     * Runs {@code x} [rows, d] (in place) at the positions following those in {@code cache}, appending them to it.
     * {@code layerMask} selects the layers to run (null for all): low-power mode skips some.
     */
    void forward(Kernels k, float[] x, int rows, KvCache cache, boolean[] layerMask) {
        int d = dModel;
        int row0 = cache.reserve(rows);
        long pos0 = cache.end();
        float[] h = new float[rows * d];
        for (int l = 0; l < layers.size(); l++) {
            if (layerMask != null && !layerMask[l]) {
                continue; // the layer's cache rows stay unwritten: a skipped layer is skipped for every position
            }
            Layer layer = layers.get(l);
            System.arraycopy(x, 0, h, 0, rows * d);
            Norms.layerNorm(h, rows, d, layer.norm1Weight(), layer.norm1Bias(), 1e-5f);
            float[] qkv = layer.inProj().apply(k, h, rows); // [rows, 3d]
            float[] q = new float[rows * d];
            float[] keys = cache.keys(l);
            float[] values = cache.values(l);
            for (int r = 0; r < rows; r++) {
                long pos = pos0 + r;
                System.arraycopy(qkv, r * 3 * d, q, r * d, d);
                rope.rotate(q, r * d, heads, pos);
                int at = (row0 + r) * d;
                System.arraycopy(qkv, r * 3 * d + d, keys, at, d);
                rope.rotate(keys, at, heads, pos);
                System.arraycopy(qkv, r * 3 * d + 2 * d, values, at, d);
            }
            float[] attended = attend(k, q, rows, keys, values, row0, cache.first(), pos0);
            float[] update = layer.outProj().apply(k, attended, rows);
            addScaled(x, update, layer.scale1(), rows, d);
            System.arraycopy(x, 0, h, 0, rows * d);
            Norms.layerNorm(h, rows, d, layer.norm2Weight(), layer.norm2Bias(), 1e-5f);
            float[] hidden = layer.linear1().apply(k, h, rows);
            VectorMath.gelu(hidden, hidden.length);
            float[] ff = layer.linear2().apply(k, hidden, rows);
            addScaled(x, ff, layer.scale2(), rows, d);
        }
        cache.commit(rows);
    }

    /**
     * softmax(q k^T / sqrt(headDim)) v for each new row and head, over the cached positions it may see: those at or
     * before its own and within the context. Heads run in parallel when there is enough work.
     */
    private float[] attend(Kernels k, float[] q, int rows, float[] keys, float[] values, int row0, long firstPos, long pos0) {
        int d = dModel;
        float[] out = new float[rows * d];
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int tasks = rows * heads;
        java.util.function.IntConsumer task = t -> {
            int r = t / heads;
            int h = t % heads;
            long pos = pos0 + r;
            int last = row0 + r;                                     // cache row of this position
            long from = Math.max(firstPos, pos - context + 1);        // oldest visible position
            int firstRow = (int) (from - firstPos);
            int n = last - firstRow + 1;
            float[] scores = new float[n];
            int qo = r * d + h * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                float s = VectorMath.dot(q, qo, keys, (firstRow + j) * d + h * headDim, headDim) * scale;
                scores[j] = s;
                max = Math.max(max, s);
            }
            float sum = VectorMath.expShiftedSum(scores, n, max);
            float inv = 1f / sum;
            int oo = r * d + h * headDim;
            for (int j = 0; j < n; j++) {
                VectorMath.axpy(scores[j] * inv, values, (firstRow + j) * d + h * headDim, out, oo, headDim);
            }
        };
        long work = (long) tasks * Math.min(row0 + rows, context) * headDim;
        if (work < 1 << 15) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
        } else {
            k.pool().parallelFor(tasks, task);
        }
        return out;
    }

    private static void addScaled(float[] x, float[] update, float[] scale, int rows, int d) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            for (int i = 0; i < d; i++) {
                x[o + i] += scale == null ? update[o + i] : scale[i] * update[o + i];
            }
        }
    }
}
