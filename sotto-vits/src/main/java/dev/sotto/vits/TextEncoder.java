package dev.sotto.vits;

import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.ConvFusion;
import dev.sotto.kernel.Kernels;
import dev.sotto.kernel.VectorMath;
import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;

/**
 * VITS text encoder: phoneme embedding times sqrt(H), then post-norm transformer blocks with windowed
 * relative-position attention and convolutional feed-forward layers, then a 1x1 projection to the prior's
 * mean and log-scale.
 */
final class TextEncoder {
    /** ReLU applied to a convolution's input as it is staged (a leaky ReLU of slope 0). */
    private static final ConvFusion RELU_INPUT = ConvFusion.leakyInput(0f);

    private final VitsConfig cfg;
    private final WeightMatrix embedding; // [vocab, H]
    private final Block[] blocks;
    private final Conv proj;              // H -> 2I

    private record Block(Conv q, Conv k, Conv v, Conv o, float[] relK, float[] relV, // rel: [2w+1, d]
                         WeightSource.LayerNorm norm1, Conv ffn1, Conv ffn2, WeightSource.LayerNorm norm2) {
    }

    /** Encoder output: x [H, T] (what the duration predictor reads), m [I, T] and logs [I, T]. */
    record Output(float[] x, float[] m, float[] logs, int length) {
    }

    TextEncoder(VitsConfig cfg, WeightSource w) throws GgufFormatException {
        this.cfg = cfg;
        int h = cfg.hidden();
        this.embedding = w.matrix("enc_p.emb.weight", cfg.vocabSize(), h);
        this.blocks = new Block[cfg.encoderLayers()];
        int rel = 2 * cfg.window() + 1;
        int pad = (cfg.ffnKernel() - 1) / 2;
        for (int i = 0; i < blocks.length; i++) {
            String a = "enc_p.encoder.attn_layers." + i;
            String f = "enc_p.encoder.ffn_layers." + i;
            blocks[i] = new Block(
                    w.conv(a + ".conv_q", Conv1dShape.pointwise(h, h)),
                    w.conv(a + ".conv_k", Conv1dShape.pointwise(h, h)),
                    w.conv(a + ".conv_v", Conv1dShape.pointwise(h, h)),
                    w.conv(a + ".conv_o", Conv1dShape.pointwise(h, h)),
                    w.floats(a + ".emb_rel_k", 1, rel, cfg.headDim()),
                    w.floats(a + ".emb_rel_v", 1, rel, cfg.headDim()),
                    w.layerNorm("enc_p.encoder.norm_layers_1." + i, h),
                    w.conv(f + ".conv_1", new Conv1dShape(h, cfg.filter(), cfg.ffnKernel(), 1, 1, pad, cfg.ffnKernel() - 1 - pad, 1)),
                    w.conv(f + ".conv_2", new Conv1dShape(cfg.filter(), h, cfg.ffnKernel(), 1, 1, pad, cfg.ffnKernel() - 1 - pad, 1)),
                    w.layerNorm("enc_p.encoder.norm_layers_2." + i, h));
        }
        this.proj = w.conv("enc_p.proj", Conv1dShape.pointwise(h, 2 * cfg.inter()));
    }

    Output encode(Kernels k, int[] ids, boolean lowPower) {
        int h = cfg.hidden();
        int t = ids.length;
        // x [H, T] = Emb[ids]^T * sqrt(H)
        float[] x = new float[h * t];
        float[] row = new float[h];
        float scale = (float) Math.sqrt(h);
        for (int j = 0; j < t; j++) {
            embedding.dequantizeRow(ids[j], row, 0);
            for (int c = 0; c < h; c++) {
                x[c * t + j] = row[c] * scale;
            }
        }
        for (int i = 0; i < blocks.length; i++) {
            if (lowPower && i % 2 == 1) {
                continue; // low-power mode: every other block
            }
            Block b = blocks[i];
            float[] y = attention(k, b, x, t); // includes the residual x
            b.norm1.apply(y, t);
            x = y;
            float[] f = b.ffn1.apply(k, x, t);
            float[] g = new float[h * t];
            b.ffn2.applyInto(k, f, t, g, RELU_INPUT, x); // g = conv(relu(f)) + x
            b.norm2.apply(g, t);
            x = g;
        }
        float[] stats = proj.apply(k, x, t);
        int inter = cfg.inter();
        return new Output(x, Ops.channels(stats, 0, inter, t), Ops.channels(stats, inter, 2 * inter, t), t);
    }

    /**
     * Multi-head attention with relative positions (window w, embeddings shared by the heads):
     * score_ij = (q_i . k_j + q_i . Ek[j - i + w]) / sqrt(d) for |j - i| <= w (only the first term otherwise),
     * out_i = sum_j p_ij (v_j + Ev[j - i + w]). The two T x T products run on the convolution kernels; the
     * windowed relative terms are added around them. Returns conv_o(out) + x [H, T].
     */
    private float[] attention(Kernels k, Block b, float[] x, int t) {
        int h = cfg.hidden();
        int d = cfg.headDim();
        float invSqrtD = (float) (1.0 / Math.sqrt(d));
        float[][] qT = perHeadRows(b.q.apply(k, x, t), cfg.heads(), d, t, invSqrtD); // [T, d] per head, scaled
        float[] kk = b.k.apply(k, x, t);
        float[] v = b.v.apply(k, x, t);
        float[] out = new float[h * t];
        // Heads are independent and write disjoint rows of out: one work item each (their products nest on the pool).
        k.pool().parallelFor(cfg.heads(), head -> attendHead(k, b, qT[head], kk, v, head, t, out));
        float[] y = new float[h * t];
        b.o.applyInto(k, out, t, y, ConvFusion.NONE, x);
        return y;
    }

    /** One head: out[head*d .. head*d + d, :] = softmax(Q K^T + relative terms) applied to V plus the relative values. */
    private void attendHead(Kernels k, Block b, float[] qh, float[] kk, float[] v, int head, int t, float[] out) {
        int d = cfg.headDim();
        int w = cfg.window();
        int base = head * d * t;
        float[] scores = new float[t * t];
        float[] probsT = new float[t * t];
        float[] headOut = new float[d * t];
        // scores [T(i), T(j)] = Q^T K over this head's channels
        WeightMatrix q = new WeightMatrix(GgmlType.F32, t, d, MemorySegment.ofArray(qh));
        float[] keys = java.util.Arrays.copyOfRange(kk, base, base + d * t);
        k.matMul(q, null, keys, t, scores);
        for (int i = 0; i < t; i++) {
            int row = i * t;
            for (int r = -w; r <= w; r++) {
                int j = i + r;
                if (j >= 0 && j < t) {
                    scores[row + j] += VectorMath.dot(qh, i * d, b.relK, (r + w) * d, d);
                }
            }
        }
        softmaxRows(scores, t);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                probsT[j * t + i] = scores[i * t + j];
            }
        }
        // out [d, T(i)] = V [d, T(j)] P^T
        WeightMatrix values = new WeightMatrix(GgmlType.F32, d, t, MemorySegment.ofArray(v).asSlice(4L * base, 4L * d * t));
        k.matMul(values, null, probsT, t, headOut);
        for (int i = 0; i < t; i++) {
            for (int r = -w; r <= w; r++) {
                int j = i + r;
                if (j >= 0 && j < t) {
                    float p = scores[i * t + j];
                    int e = (r + w) * d;
                    for (int c = 0; c < d; c++) {
                        headOut[c * t + i] += p * b.relV[e + c];
                    }
                }
            }
        }
        System.arraycopy(headOut, 0, out, base, d * t);
    }

    /** Softmax of each row of {@code m} [T, T] in place. */
    private static void softmaxRows(float[] m, int t) {
        float[] row = new float[t];
        for (int i = 0; i < t; i++) {
            System.arraycopy(m, i * t, row, 0, t);
            float max = Float.NEGATIVE_INFINITY;
            for (float s : row) {
                max = Math.max(max, s);
            }
            float sum = VectorMath.expShiftedSum(row, t, max);
            for (int j = 0; j < t; j++) {
                m[i * t + j] = row[j] / sum;
            }
        }
    }

    /** [H, T] -> per head [T, d] (row i holds channels head*d .. head*d + d - 1 at time i), times {@code scale}. */
    private static float[][] perHeadRows(float[] x, int heads, int d, int t, float scale) {
        float[][] out = new float[heads][d * t];
        for (int head = 0; head < heads; head++) {
            float[] o = out[head];
            for (int c = 0; c < d; c++) {
                int row = (head * d + c) * t;
                for (int i = 0; i < t; i++) {
                    o[i * d + c] = x[row + i] * scale;
                }
            }
        }
        return out;
    }
}
