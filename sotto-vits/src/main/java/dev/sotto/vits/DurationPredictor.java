package dev.sotto.vits;

import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.Kernels;
import java.util.random.RandomGenerator;

/**
 * The stochastic duration predictor, run in reverse: noise z [2, T] (times noise_w) goes through Flip,
 * ConvFlow, Flip, ConvFlow, ..., Flip and the inverse ElementwiseAffine, conditioned on h = proj(DDS(pre(x)
 * [+ cond(g)])); channel 0 of the result is log w.
 */
final class DurationPredictor {
    private final VitsConfig cfg;
    private final Conv pre;     // H -> F
    private final Conv cond;    // gin -> F, or null
    private final Dds convs;
    private final Conv proj;    // F -> F
    private final ConvFlow[] flows;
    private final float[] affineM;       // [2]
    private final float[] affineExpNegLogs; // [2] = exp(-logs)

    /** Dilated depthwise-separable convolutions: x += GELU(LN(1x1(GELU(LN(depthwise(x)))))), dilation k^i. */
    static final class Dds {
        private final Conv[] sep;
        private final Conv[] pointwise;
        private final WeightSource.LayerNorm[] norm1;
        private final WeightSource.LayerNorm[] norm2;
        private final int channels;

        Dds(WeightSource w, String prefix, int channels, int kernel, int layers) throws GgufFormatException {
            this.channels = channels;
            sep = new Conv[layers];
            pointwise = new Conv[layers];
            norm1 = new WeightSource.LayerNorm[layers];
            norm2 = new WeightSource.LayerNorm[layers];
            int dilation = 1;
            for (int i = 0; i < layers; i++) {
                int pad = (kernel * dilation - dilation) / 2;
                sep[i] = w.conv(prefix + ".convs_sep." + i, new Conv1dShape(channels, channels, kernel, 1, dilation, pad, pad, channels));
                pointwise[i] = w.conv(prefix + ".convs_1x1." + i, Conv1dShape.pointwise(channels, channels));
                norm1[i] = w.layerNorm(prefix + ".norms_1." + i, channels);
                norm2[i] = w.layerNorm(prefix + ".norms_2." + i, channels);
                dilation *= kernel;
            }
        }

        /** x [C, T] updated in place. */
        void apply(Kernels k, float[] x, int t) {
            int n = channels * t;
            for (int i = 0; i < sep.length; i++) {
                float[] y = sep[i].apply(k, x, t);
                norm1[i].apply(y, t);
                Ops.gelu(y, n);
                y = pointwise[i].apply(k, y, t);
                norm2[i].apply(y, t);
                Ops.gelu(y, n);
                Ops.addInPlace(x, y, n);
            }
        }
    }

    /** A rational-quadratic spline coupling layer on 2 channels (one conditions, one is transformed). */
    static final class ConvFlow {
        private final Conv pre;   // 1 -> F
        private final Dds convs;
        private final Conv proj;  // F -> 3 * bins - 1
        private final int filter;
        private final int bins;
        private final float tailBound;

        ConvFlow(WeightSource w, String prefix, int filter, int kernel, int layers, int bins, float tailBound) throws GgufFormatException {
            this.filter = filter;
            this.bins = bins;
            this.tailBound = tailBound;
            pre = w.conv(prefix + ".pre", Conv1dShape.pointwise(1, filter));
            convs = new Dds(w, prefix + ".convs", filter, kernel, layers);
            proj = w.conv(prefix + ".proj", Conv1dShape.pointwise(filter, 3 * bins - 1));
        }

        /** Inverse pass on z [2, T] given the condition h [F, T]; z[1] is transformed in place. */
        void reverse(Kernels k, float[] z, float[] h, int t) {
            float[] x0 = Ops.channels(z, 0, 1, t);
            float[] a = pre.apply(k, x0, t);
            Ops.addInPlace(a, h, filter * t);
            convs.apply(k, a, t);
            float[] p = proj.apply(k, a, t); // [3 * bins - 1, T]
            float norm = (float) Math.sqrt(filter);
            float[] uw = new float[bins];
            float[] uh = new float[bins];
            float[] ud = new float[bins - 1];
            for (int j = 0; j < t; j++) {
                for (int b = 0; b < bins; b++) {
                    uw[b] = p[b * t + j] / norm;
                    uh[b] = p[(bins + b) * t + j] / norm;
                }
                for (int b = 0; b < bins - 1; b++) {
                    ud[b] = p[(2 * bins + b) * t + j];
                }
                z[t + j] = Spline.inverse(z[t + j], uw, uh, ud, tailBound);
            }
        }
    }

    DurationPredictor(VitsConfig cfg, WeightSource w) throws GgufFormatException {
        this.cfg = cfg;
        int f = cfg.dpFilter();
        pre = w.conv("dp.pre", Conv1dShape.pointwise(cfg.hidden(), f));
        cond = cfg.gin() > 0 ? w.conv("dp.cond", Conv1dShape.pointwise(cfg.gin(), f)) : null;
        convs = new Dds(w, "dp.convs", f, cfg.dpKernel(), cfg.dpLayers());
        proj = w.conv("dp.proj", Conv1dShape.pointwise(f, f));
        flows = new ConvFlow[cfg.dpFlowIds().length];
        for (int i = 0; i < flows.length; i++) {
            flows[i] = new ConvFlow(w, "dp.flows." + cfg.dpFlowIds()[i], f, cfg.dpKernel(), cfg.dpLayers(), cfg.dpBins(), cfg.dpTailBound());
        }
        affineM = w.floats("dp.flows.0.m", 2, 1);
        float[] logs = w.floats("dp.flows.0.logs", 2, 1);
        affineExpNegLogs = new float[] {(float) Math.exp(-logs[0]), (float) Math.exp(-logs[1])};
    }

    /** log w [T] for encoder output x [H, T]; {@code speaker} is g [gin] or null. */
    float[] logDurations(Kernels k, float[] x, int t, float[] speaker, float noiseW, RandomGenerator noise) {
        float[] h = pre.apply(k, x, t);
        if (cond != null && speaker != null) {
            Ops.addPerChannel(h, cond.applyToVector(k, speaker), cfg.dpFilter(), t);
        }
        convs.apply(k, h, t);
        h = proj.apply(k, h, t);

        float[] z = new float[2 * t];
        if (noiseW != 0f) {
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) noise.nextGaussian() * noiseW;
            }
        }
        for (ConvFlow flow : flows) {
            z = Ops.flipChannels(z, 2, t);
            flow.reverse(k, z, h, t);
        }
        z = Ops.flipChannels(z, 2, t);
        float[] logw = new float[t];
        for (int j = 0; j < t; j++) {
            logw[j] = (z[j] - affineM[0]) * affineExpNegLogs[0];
        }
        return logw;
    }
}
