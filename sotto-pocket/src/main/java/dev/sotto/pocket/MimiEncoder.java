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
    private final ProjectedTransformer transformer;
    private final StreamingConv.Conv downsample;
    final int samplesPerLatent;

    MimiEncoder(StreamingConv.Conv first, List<Stage> stages, StreamingConv.Conv last, ProjectedTransformer transformer,
                StreamingConv.Conv downsample) {
        this.first = first;
        this.stages = List.copyOf(stages);
        this.last = last;
        this.transformer = transformer;
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
                block.addTo(k, x, length, block.first().newState(), block.second().newState());
            }
            Norms.elu(x, x.length);
            x = s.down().apply(k, x, length, s.down().newState());
            length /= s.down().stride();
        }
        Norms.elu(x, x.length);
        x = last.apply(k, x, length, last.newState());
        x = transformer.apply(k, x, last.out(), length, transformer.newCache(length));
        x = downsample.apply(k, x, length, downsample.newState());
        latentCount[0] = length / downsample.stride();
        return Linear.transpose(x, downsample.out(), latentCount[0]);
    }
}
