package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;
import java.util.List;

/**
 * Mimi's encoder: audio to latents at the frame rate, for voices made from recordings. The audio is padded with zeros
 * to whole frames, then the SEANet encoder (a conv, then per ratio, in reverse order, residual blocks, ELU and a
 * strided conv; then ELU and a conv to the latent width), the encoder transformer (a context window, layer scale), and
 * a strided conv down to the frame rate (its input padded by repeating the first sample). Causal throughout, as
 * upstream runs it on a whole recording. Immutable.
 */
final class MimiEncoder {
    /** One downsampling stage: residual blocks, ELU, strided conv. */
    record Stage(List<MimiDecoder.ResBlock> blocks, StreamingConv.Conv down) {
    }

    private final StreamingConv.Conv first;
    private final List<Stage> stages;
    private final StreamingConv.Conv last;
    private final Linear inputProj;
    private final Transformer transformer;
    private final Linear outputProj;
    private final StreamingConv.Conv downsample;
    final int samplesPerLatent;

    MimiEncoder(StreamingConv.Conv first, List<Stage> stages, StreamingConv.Conv last, Linear inputProj, Transformer transformer,
                Linear outputProj, StreamingConv.Conv downsample) {
        this.first = first;
        this.stages = List.copyOf(stages);
        this.last = last;
        this.inputProj = inputProj;
        this.transformer = transformer;
        this.outputProj = outputProj;
        this.downsample = downsample;
        int hop = 1;
        for (Stage s : stages) {
            hop *= s.down().stride();
        }
        this.samplesPerLatent = hop * downsample.stride();
    }

    /** Latents [n, innerDim] (row-major) of mono audio at the model's rate; n = ceil(samples / samplesPerLatent). */
    float[] encode(Kernels k, float[] audio, int[] latentCount) {
        int n = Math.max(1, (audio.length + samplesPerLatent - 1) / samplesPerLatent);
        int length = n * samplesPerLatent;
        float[] x = java.util.Arrays.copyOf(audio, length);
        x = first.apply(k, x, length, first.newState());
        for (Stage s : stages) {
            for (MimiDecoder.ResBlock block : s.blocks()) {
                float[] v = x.clone();
                Norms.elu(v, v.length);
                v = block.first().apply(k, v, length, block.first().newState());
                Norms.elu(v, v.length);
                v = block.second().apply(k, v, length, block.second().newState());
                for (int i = 0; i < x.length; i++) {
                    x[i] += v[i];
                }
            }
            Norms.elu(x, x.length);
            x = s.down().apply(k, x, length, s.down().newState());
            length /= s.down().stride();
        }
        Norms.elu(x, x.length);
        x = last.apply(k, x, length, last.newState());
        int dim = last.out();
        float[] rows = Linear.transpose(x, dim, length);
        if (inputProj != null) {
            rows = inputProj.apply(k, rows, length);
        }
        transformer.forward(k, rows, length, transformer.newCache(length), null);
        if (outputProj != null) {
            rows = outputProj.apply(k, rows, length);
        }
        int width = outputProj != null ? outputProj.out() : transformer.dModel;
        x = Linear.transpose(rows, length, width);
        x = downsample.apply(k, x, length, downsample.newState());
        latentCount[0] = length / downsample.stride();
        return Linear.transpose(x, downsample.out(), latentCount[0]);
    }
}
