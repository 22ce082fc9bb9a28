package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * Mimi's streaming decoder: latents (12.5 Hz) to audio. Per batch of n latents: {@code z = latent * std + mean},
 * the quantizer's output projection (1x1 conv), depthwise transposed upsampling to the SEANet rate ({@code steps}
 * positions per latent), the decoder transformer (a context window, layer scale; positions counted from the stream's
 * start), then the SEANet decoder: conv, then per ratio ELU + transposed conv + residual blocks, then ELU + conv to
 * the audio. Every part carries its state between calls ({@link State}), so decoding latents one at a time or
 * several at once gives the same audio. Immutable.
 */
final class MimiDecoder {
    /** A SEANet residual block: ELU, conv (k, dilation), ELU, conv (1x1), plus the input. */
    record ResBlock(StreamingConv.Conv first, StreamingConv.Conv second) {
        /** x += second(elu(first(elu(x)))) for x [channels, length], each convolution with its carried state. */
        void addTo(Kernels k, float[] x, int length, StreamingConv.State firstState, StreamingConv.State secondState) {
            float[] v = x.clone();
            Norms.elu(v, v.length);
            v = first.apply(k, v, length, firstState);
            Norms.elu(v, v.length);
            v = second.apply(k, v, length, secondState);
            for (int i = 0; i < x.length; i++) {
                x[i] += v[i];
            }
        }
    }

    /** One upsampling stage: ELU, transposed conv, residual blocks. */
    record Stage(StreamingConv.Transposed up, List<ResBlock> blocks) {
    }

    private final float[] embStd;
    private final float[] embMean;
    private final Linear outputProj;              // quantizer: latent -> outer
    private final StreamingConv.Transposed upsample;
    private final ProjectedTransformer transformer;
    private final StreamingConv.Conv first;
    private final List<Stage> stages;
    private final StreamingConv.Conv last;
    final int stepsPerLatent;
    final int samplesPerLatent;

    MimiDecoder(float[] embStd, float[] embMean, Linear outputProj, StreamingConv.Transposed upsample, ProjectedTransformer transformer,
                StreamingConv.Conv first, List<Stage> stages, StreamingConv.Conv last, int stepsPerLatent) {
        this.embStd = embStd;
        this.embMean = embMean;
        this.outputProj = outputProj;
        this.upsample = upsample;
        this.transformer = transformer;
        this.first = first;
        this.stages = List.copyOf(stages);
        this.last = last;
        this.stepsPerLatent = stepsPerLatent;
        int hop = 1;
        for (Stage s : stages) {
            hop *= s.up().stride();
        }
        this.samplesPerLatent = stepsPerLatent * hop;
    }

    /** The decoder's state of one stream: every carried buffer and the transformer's cache. */
    final class State {
        final StreamingConv.State up = upsample.newState();
        final KvCache cache = transformer.newCache(Math.max(16, stepsPerLatent * 4));
        final StreamingConv.State firstConv = first.newState();
        final List<StreamingConv.State> ups = new ArrayList<>();
        final List<StreamingConv.State[]> blocks = new ArrayList<>();
        final StreamingConv.State lastConv = last.newState();

        State() {
            for (Stage s : stages) {
                ups.add(s.up().newState());
                StreamingConv.State[] b = new StreamingConv.State[2 * s.blocks().size()];
                for (int i = 0; i < s.blocks().size(); i++) {
                    b[2 * i] = s.blocks().get(i).first().newState();
                    b[2 * i + 1] = s.blocks().get(i).second().newState();
                }
                blocks.add(b);
            }
        }
    }

    State newState() {
        return new State();
    }

    /** Audio [n * samplesPerLatent] of latents [n, latentDim] (row-major, raw flow output). */
    float[] decode(Kernels k, float[] latents, int n, State state) {
        int ldim = embStd.length;
        float[] z = new float[n * ldim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ldim; j++) {
                z[i * ldim + j] = latents[i * ldim + j] * embStd[j] + embMean[j];
            }
        }
        float[] q = outputProj.apply(k, z, n);                       // [n, outer]
        int outer = outputProj.out();
        float[] x = upsample.apply(k, Linear.transpose(q, n, outer), n, state.up); // [dim, n * steps]
        int t = n * stepsPerLatent;
        x = transformer.apply(k, x, upsample.out(), t, state.cache);  // [dim, t]
        x = first.apply(k, x, t, state.firstConv);
        int length = t;
        for (int s = 0; s < stages.size(); s++) {
            Stage stage = stages.get(s);
            Norms.elu(x, x.length);
            x = stage.up().apply(k, x, length, state.ups.get(s));
            length *= stage.up().stride();
            StreamingConv.State[] bs = state.blocks.get(s);
            for (int b = 0; b < stage.blocks().size(); b++) {
                stage.blocks().get(b).addTo(k, x, length, bs[2 * b], bs[2 * b + 1]);
            }
        }
        Norms.elu(x, x.length);
        return last.apply(k, x, length, state.lastConv);             // [channels = 1, samples]
    }
}
