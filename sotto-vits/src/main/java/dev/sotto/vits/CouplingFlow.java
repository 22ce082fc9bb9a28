package dev.sotto.vits;

import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.Kernels;
import dev.sotto.kernel.VectorMath;

/**
 * The normalising flow between prior and decoder, run in reverse: for each mean-only coupling layer (in
 * reverse order) reverse the channel order, then x1 -= post(WN(pre(x0), g)).
 */
final class CouplingFlow {
    private final VitsConfig cfg;
    private final Layer[] layers;

    /** One coupling layer: pre (I/2 -> H), a WaveNet of gated dilated convolutions, post (H -> I/2). */
    private static final class Layer {
        final Conv pre;
        final Conv[] in;       // H -> 2H
        final Conv[] resSkip;  // H -> 2H (H for the last layer)
        final Conv cond;       // gin -> 2H * layers, or null
        final Conv post;

        Layer(VitsConfig cfg, WeightSource w, String prefix) throws GgufFormatException {
            int h = cfg.hidden();
            int half = cfg.inter() / 2;
            pre = w.conv(prefix + ".pre", Conv1dShape.pointwise(half, h));
            int n = cfg.wnLayers();
            in = new Conv[n];
            resSkip = new Conv[n];
            int dilation = 1;
            for (int i = 0; i < n; i++) {
                in[i] = w.conv(prefix + ".enc.in_layers." + i, Conv1dShape.same(h, 2 * h, cfg.wnKernel(), dilation));
                resSkip[i] = w.conv(prefix + ".enc.res_skip_layers." + i, Conv1dShape.pointwise(h, i < n - 1 ? 2 * h : h));
                dilation *= cfg.wnDilationRate();
            }
            cond = cfg.gin() > 0 ? w.conv(prefix + ".enc.cond_layer", Conv1dShape.pointwise(cfg.gin(), 2 * h * n)) : null;
            post = w.conv(prefix + ".post", Conv1dShape.pointwise(h, half));
        }
    }

    CouplingFlow(VitsConfig cfg, WeightSource w) throws GgufFormatException {
        this.cfg = cfg;
        layers = new Layer[cfg.flowIds().length];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(cfg, w, "flow.flows." + cfg.flowIds()[i]);
        }
    }

    /** z [I, T] -> z [I, T] through the inverse flow. */
    float[] reverse(Kernels k, float[] z, int t, float[] speaker) {
        int inter = cfg.inter();
        int half = inter / 2;
        int h = cfg.hidden();
        for (Layer layer : layers) {
            z = Ops.flipChannels(z, inter, t);
            float[] x0 = Ops.channels(z, 0, half, t);
            float[] x = layer.pre.apply(k, x0, t);
            float[] g = layer.cond != null && speaker != null ? layer.cond.applyToVector(k, speaker) : null;
            float[] out = new float[h * t];
            for (int i = 0; i < layer.in.length; i++) {
                float[] a = layer.in[i].apply(k, x, t); // [2H, T]
                float[] acts = new float[h * t];
                for (int c = 0; c < h; c++) {
                    float gt = g == null ? 0f : g[2 * h * i + c];
                    float gs = g == null ? 0f : g[2 * h * i + h + c];
                    VectorMath.gate(a, c * t, (h + c) * t, gt, gs, acts, c * t, t);
                }
                float[] rs = layer.resSkip[i].apply(k, acts, t);
                if (i < layer.in.length - 1) {
                    Ops.addInPlace(x, rs, h * t);
                    for (int j = 0; j < h * t; j++) {
                        out[j] += rs[h * t + j];
                    }
                } else {
                    Ops.addInPlace(out, rs, h * t);
                }
            }
            float[] m = layer.post.apply(k, out, t);
            for (int j = 0; j < half * t; j++) {
                z[half * t + j] -= m[j];
            }
        }
        return z;
    }
}
