package dev.sotto.vits;

import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.ConvFusion;
import dev.sotto.kernel.ConvTranspose1dShape;
import dev.sotto.kernel.Kernels;
import dev.sotto.kernel.VectorMath;

/**
 * HiFi-GAN generator: conv_pre (+ speaker condition), then per stage LeakyReLU(0.1), a transposed convolution
 * that upsamples, and the mean of the stage's residual blocks; then LeakyReLU(0.01), conv_post and tanh.
 */
final class HifiGanDecoder {
    private final VitsConfig cfg;
    private final Conv pre;
    private final Conv cond; // gin -> U0, or null
    private final WeightSource.TransposedConv[] ups;
    private final ResBlock[] resblocks; // [stage * kernels + j]
    private final Conv post;

    private static final ConvFusion LEAKY = ConvFusion.leakyInput(Ops.LRELU_SLOPE);

    /**
     * Type 1: y += c2(lrelu(c1(lrelu(y)))) per dilation; type 2: y += c(lrelu(y)) per dilation. Activations and
     * residual additions are fused into the convolutions; buffers alternate so that no convolution writes over its
     * own input.
     */
    private record ResBlock(Conv[] first, Conv[] second) {
        /**
         * Runs the block on x [C, T] (left untouched) and writes the result into {@code out}, or adds it there
         * when {@code addToOut}. {@code a}, {@code b} and {@code c} are scratch buffers of x's size.
         */
        void apply(Kernels k, float[] x, int t, float[] out, boolean addToOut, float[] a, float[] b, float[] c) {
            float[] cur = x;
            int last = first.length - 1;
            for (int i = 0; i <= last; i++) {
                float[] dst = i == last ? out : (cur == a ? b : a);
                ConvFusion f = i == last && addToOut ? LEAKY.accumulating() : LEAKY;
                if (second == null) {
                    first[i].applyInto(k, cur, t, dst, f, cur);
                } else {
                    first[i].applyInto(k, cur, t, c, LEAKY, null);
                    second[i].applyInto(k, c, t, dst, f, cur);
                }
                cur = dst;
            }
        }
    }

    HifiGanDecoder(VitsConfig cfg, WeightSource w) throws GgufFormatException {
        this.cfg = cfg;
        int u0 = cfg.decInitial();
        int kp = cfg.decPreKernel();
        pre = w.conv("dec.conv_pre", new Conv1dShape(cfg.inter(), u0, kp, 1, 1, (kp - 1) / 2, kp - 1 - (kp - 1) / 2, 1));
        cond = cfg.gin() > 0 ? w.conv("dec.cond", Conv1dShape.pointwise(cfg.gin(), u0)) : null;
        int stages = cfg.upsampleRates().length;
        int kernels = cfg.resblockKernels().length;
        ups = new WeightSource.TransposedConv[stages];
        resblocks = new ResBlock[stages * kernels];
        int ch = u0;
        for (int i = 0; i < stages; i++) {
            int rate = cfg.upsampleRates()[i];
            int kernel = cfg.upsampleKernels()[i];
            ups[i] = w.transposedConv("dec.ups." + i, new ConvTranspose1dShape(ch, ch / 2, kernel, rate, (kernel - rate) / 2, 0, 1));
            ch /= 2;
            for (int j = 0; j < kernels; j++) {
                int rb = i * kernels + j;
                int kk = cfg.resblockKernels()[j];
                int[] dil = cfg.resblockDilations()[j];
                Conv[] first = new Conv[dil.length];
                Conv[] second = cfg.resblockType() == 1 ? new Conv[dil.length] : null;
                for (int m = 0; m < dil.length; m++) {
                    String name = "dec.resblocks." + rb + (cfg.resblockType() == 1 ? ".convs1." : ".convs.") + m;
                    first[m] = w.conv(name, Conv1dShape.same(ch, ch, kk, dil[m]));
                    if (second != null) {
                        second[m] = w.conv("dec.resblocks." + rb + ".convs2." + m, Conv1dShape.same(ch, ch, kk, 1));
                    }
                }
                resblocks[rb] = new ResBlock(first, second);
            }
        }
        int kq = cfg.decPostKernel();
        post = w.conv("dec.conv_post", new Conv1dShape(ch, 1, kq, 1, 1, (kq - 1) / 2, kq - 1 - (kq - 1) / 2, 1));
    }

    /**
     * Waveform [T * hop] from latent z [I, T]. In low-power mode each stage runs only its first residual block
     * instead of the mean of all of them.
     */
    float[] decode(Kernels k, float[] z, int t, float[] speaker, boolean lowPower) {
        float[] x = pre.apply(k, z, t);
        int ch = cfg.decInitial();
        if (cond != null && speaker != null) {
            Ops.addPerChannel(x, cond.applyToVector(k, speaker), ch, t);
        }
        int kernels = cfg.resblockKernels().length;
        int used = lowPower ? 1 : kernels;
        float divisor = 1f; // the previous stage's output is a sum of `kernels` blocks: its mean is taken on input
        for (int i = 0; i < ups.length; i++) {
            x = ups[i].apply(k, x, t, LEAKY.dividingInputBy(divisor));
            t = ups[i].shape().outputLength(t);
            ch /= 2;
            int n = ch * t;
            float[] sum = new float[n];
            float[] a = new float[n];
            float[] b = new float[n];
            float[] c = cfg.resblockType() == 1 ? new float[n] : null;
            for (int j = 0; j < used; j++) {
                resblocks[i * kernels + j].apply(k, x, t, sum, j > 0, a, b, c);
            }
            x = sum;
            divisor = used;
        }
        float[] y = post.apply(k, x, t, ConvFusion.leakyInput(0.01f).dividingInputBy(divisor));
        VectorMath.tanh(y, 0, t);
        return y;
    }
}
