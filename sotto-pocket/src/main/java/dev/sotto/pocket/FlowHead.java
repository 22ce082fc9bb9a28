package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;
import java.util.List;

/**
 * The flow head ({@code flow_net}, upstream's SimpleMLPAdaLN): given the transformer's output h, maps noise x to a
 * latent by Lagrangian self-distillation, {@code x += v(h, s, t, x) / n} for s = i/n, t = (i+1)/n. The velocity:
 * {@code x = input_proj(x)}, {@code y = (TE0(s) + TE1(t)) / 2 + cond_embed(h)}; residual blocks
 * {@code (shift, scale, gate) = Linear(SiLU(y))}, {@code x += gate * mlp(LN(x) * (1 + scale) + shift)} (LN eps 1e-6,
 * affine; mlp Linear, SiLU, Linear); final {@code (shift, scale) = Linear(SiLU(y))}, LN without affine, modulate,
 * Linear to the latent size. Timestep embeddings: {@code [cos(t f), sin(t f)]} of the file's frequencies, Linear,
 * SiLU, Linear, then the variance norm. Immutable.
 */
final class FlowHead {
    record TimeEmbedder(float[] freqs, Linear first, Linear second, float[] alpha) {
        /** TE(t) [C]. */
        float[] embed(Kernels k, float t) {
            int half = freqs.length;
            float[] e = new float[2 * half];
            for (int i = 0; i < half; i++) {
                float a = t * freqs[i];
                e[i] = (float) Math.cos(a);
                e[half + i] = (float) Math.sin(a);
            }
            float[] y = first.apply(k, e);
            Norms.silu(y);
            y = second.apply(k, y);
            Norms.varianceNorm(y, alpha, 1e-5f);
            return y;
        }
    }

    record ResBlock(float[] lnWeight, float[] lnBias, Linear mlpIn, Linear mlpOut, Linear modulation) {
    }

    private final Linear inputProj;
    private final Linear condEmbed;
    private final TimeEmbedder[] timeEmbed;
    private final List<ResBlock> blocks;
    private final Linear finalModulation;
    private final Linear finalLinear;
    private final int channels;
    /** (TE0(s) + TE1(t)) / 2 per step count n and step i: they depend on nothing else, so they are computed once. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, float[][]> timeTerms = new java.util.concurrent.ConcurrentHashMap<>();

    FlowHead(Linear inputProj, Linear condEmbed, TimeEmbedder[] timeEmbed, List<ResBlock> blocks, Linear finalModulation, Linear finalLinear) {
        if (timeEmbed.length != 2) {
            throw new IllegalArgumentException("the flow head has two time embeddings (s and t)");
        }
        this.inputProj = inputProj;
        this.condEmbed = condEmbed;
        this.timeEmbed = timeEmbed.clone();
        this.blocks = List.copyOf(blocks);
        this.finalModulation = finalModulation;
        this.finalLinear = finalLinear;
        this.channels = inputProj.out();
    }

    /** The latent for condition {@code h} [d] from noise {@code x0} [latent] in {@code steps} LSD steps. */
    float[] sample(Kernels k, float[] h, float[] x0, int steps) {
        float[] c = condEmbed.apply(k, h);
        float[][] time = timeTerms.computeIfAbsent(steps, n -> timeTerms(k, n));
        float[] x = x0.clone();
        for (int i = 0; i < steps; i++) {
            float[] y = new float[channels];
            for (int j = 0; j < channels; j++) {
                y[j] = time[i][j] + c[j];
            }
            float[] v = velocity(k, x, y);
            for (int j = 0; j < x.length; j++) {
                x[j] += v[j] / steps;
            }
        }
        return x;
    }

    private float[][] timeTerms(Kernels k, int steps) {
        float[][] out = new float[steps][];
        for (int i = 0; i < steps; i++) {
            float s = (float) ((double) i / steps);
            float t = (float) ((double) (i + 1) / steps);
            float[] a = timeEmbed[0].embed(k, s);
            float[] b = timeEmbed[1].embed(k, t);
            for (int j = 0; j < a.length; j++) {
                a[j] = (a[j] + b[j]) / 2f;
            }
            out[i] = a;
        }
        return out;
    }

    /** v(x; y) [latent]. */
    private float[] velocity(Kernels k, float[] x, float[] y) {
        float[] hx = inputProj.apply(k, x);
        float[] sy = Norms.siluOf(y);
        int n = channels;
        for (ResBlock b : blocks) {
            float[] mod = b.modulation().apply(k, sy); // [shift | scale | gate]
            float[] t = hx.clone();
            Norms.layerNorm(t, 1, n, b.lnWeight(), b.lnBias(), 1e-6f);
            for (int j = 0; j < n; j++) {
                t[j] = t[j] * (1 + mod[n + j]) + mod[j];
            }
            t = b.mlpIn().apply(k, t);
            Norms.silu(t);
            t = b.mlpOut().apply(k, t);
            for (int j = 0; j < n; j++) {
                hx[j] += mod[2 * n + j] * t[j];
            }
        }
        float[] mod = finalModulation.apply(k, sy); // [shift | scale]
        Norms.layerNorm(hx, 1, n, null, null, 1e-6f);
        for (int j = 0; j < n; j++) {
            hx[j] = hx[j] * (1 + mod[n + j]) + mod[j];
        }
        return finalLinear.apply(k, hx);
    }
}
