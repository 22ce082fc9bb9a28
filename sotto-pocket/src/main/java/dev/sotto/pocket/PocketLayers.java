package dev.sotto.pocket;

import dev.sotto.gguf.GgufFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds FlowLM and the Mimi decoder from a model's weights: the structure from its {@link PocketConfig}, every
 * tensor by name with the shape {@link PocketLayout} gives.
 */
final class PocketLayers {
    private PocketLayers() {
    }

    static FlowLm flowLm(PocketWeights w, PocketConfig c) throws GgufFormatException {
        PocketConfig.FlowLm f = c.flowLm();
        String p = "flow_lm.";
        Transformer transformer = transformer(w, p + "transformer.layers.", f.numLayers(), f.dModel(), false, f.numHeads(), f.maxPeriod(),
                Integer.MAX_VALUE);
        String fp = p + "flow_net.";
        FlowHead.TimeEmbedder[] te = new FlowHead.TimeEmbedder[2];
        for (int i = 0; i < 2; i++) {
            String tp = fp + "time_embed." + i + ".";
            te[i] = new FlowHead.TimeEmbedder(w.vector(tp + "freqs"), w.linear(tp + "mlp.0"), w.linear(tp + "mlp.2"), w.vector(tp + "mlp.3.alpha"));
        }
        List<FlowHead.ResBlock> blocks = new ArrayList<>();
        for (int i = 0; i < f.flowDepth(); i++) {
            String bp = fp + "res_blocks." + i + ".";
            blocks.add(new FlowHead.ResBlock(w.vector(bp + "in_ln.weight"), w.vector(bp + "in_ln.bias"), w.linear(bp + "mlp.0"),
                    w.linear(bp + "mlp.2"), w.linear(bp + "adaLN_modulation.1")));
        }
        FlowHead head = new FlowHead(w.linear(fp + "input_proj"), w.linear(fp + "cond_embed"), te, blocks,
                w.linear(fp + "final_layer.adaLN_modulation.1"), w.linear(fp + "final_layer.linear"));
        return new FlowLm(w.matrix(p + "conditioner.embed.weight"), w.weightOnly(p + "input_linear.weight"), transformer,
                w.vector(p + "out_norm.weight"), w.vector(p + "out_norm.bias"), w.linear(p + "out_eos"), w.vector(p + "bos_emb"),
                f.insertBosBeforeVoice() ? w.vector(p + "bos_before_voice") : null, w.weightOnly(p + "speaker_proj_weight"), head);
    }

    static MimiDecoder mimiDecoder(PocketWeights w, PocketConfig c) throws GgufFormatException {
        PocketConfig.Mimi m = c.mimi();
        PocketConfig.Seanet s = m.seanet();
        int dim = s.dimension();
        int steps = m.stepsPerLatent();
        if (s.channels() != 1) {
            throw new GgufFormatException("mimi.seanet.channels is " + s.channels() + "; only mono models are supported");
        }
        Linear quantizer = w.weightOnly("mimi.quantizer.output_proj.weight");
        // Depthwise: in = outer dim, out = dim, groups = dim, kernel 2 x stride.
        StreamingConv.Transposed upsample = new StreamingConv.Transposed(m.outerDim(), dim, 2 * steps, steps, dim,
                w.matrix("mimi.upsample.convtr.convtr.weight"), null);
        ProjectedTransformer transformer = mimiTransformer(w, "mimi.decoder_transformer.", m.transformer());
        boolean replicate = s.padMode().equals("replicate");
        int mult = 1 << s.ratios().length;
        int index = 0;
        String dp = "mimi.decoder.model.";
        StreamingConv.Conv first = conv(w, dp + index++ + ".conv", dim, mult * s.nFilters(), s.kernelSize(), 1, 1, replicate);
        List<MimiDecoder.Stage> stages = new ArrayList<>();
        for (int ratio : s.ratios()) {
            index++; // ELU
            int in = mult * s.nFilters();
            String up = dp + index++ + ".convtr";
            StreamingConv.Transposed convtr = new StreamingConv.Transposed(in, in / 2, 2 * ratio, ratio, 1, w.matrix(up + ".weight"),
                    w.vector(up + ".bias"));
            List<MimiDecoder.ResBlock> blocks = new ArrayList<>();
            for (int j = 0; j < s.nResidualLayers(); j++) {
                blocks.add(resBlock(w, dp + index++ + ".block.", in / 2, j, s));
            }
            stages.add(new MimiDecoder.Stage(convtr, blocks));
            mult /= 2;
        }
        index++; // ELU
        StreamingConv.Conv last = conv(w, dp + index + ".conv", s.nFilters(), s.channels(), s.lastKernelSize(), 1, 1, replicate);
        return new MimiDecoder(w.vector("flow_lm.emb_std"), w.vector("flow_lm.emb_mean"), quantizer, upsample, transformer, first, stages, last,
                steps);
    }

    /** The Mimi encoder, for voices from recordings (its weights must be in the file). */
    static MimiEncoder mimiEncoder(PocketWeights w, PocketConfig c) throws GgufFormatException {
        PocketConfig.Mimi m = c.mimi();
        PocketConfig.Seanet s = m.seanet();
        String ep = "mimi.encoder.model.";
        boolean replicate = s.padMode().equals("replicate");
        int index = 0;
        StreamingConv.Conv first = conv(w, ep + index++ + ".conv", s.channels(), s.nFilters(), s.kernelSize(), 1, 1, replicate);
        int mult = 1;
        List<MimiEncoder.Stage> stages = new ArrayList<>();
        int[] ratios = s.ratios();
        for (int i = ratios.length - 1; i >= 0; i--) {
            int dim = mult * s.nFilters();
            List<MimiDecoder.ResBlock> blocks = new ArrayList<>();
            for (int j = 0; j < s.nResidualLayers(); j++) {
                blocks.add(resBlock(w, ep + index++ + ".block.", dim, j, s));
            }
            index++; // ELU
            stages.add(new MimiEncoder.Stage(blocks, conv(w, ep + index++ + ".conv", dim, 2 * dim, 2 * ratios[i], ratios[i], 1, replicate)));
            mult *= 2;
        }
        index++; // ELU
        StreamingConv.Conv last = conv(w, ep + index + ".conv", mult * s.nFilters(), s.dimension(), s.lastKernelSize(), 1, 1, replicate);
        ProjectedTransformer transformer = mimiTransformer(w, "mimi.encoder_transformer.", m.transformer());
        int steps = m.stepsPerLatent();
        // Upstream pads the downsampling by repeating the first sample, whatever the SEANet's pad mode.
        StreamingConv.Conv downsample = conv(w, "mimi.downsample.conv.conv", s.dimension(), m.innerDim(), 2 * steps, steps, 1, true);
        return new MimiEncoder(first, stages, last, transformer, downsample);
    }

    /** The {@code j}-th residual block of a SEANet stage of {@code dim} channels (its dilation base^j, hidden dim / compress). */
    private static MimiDecoder.ResBlock resBlock(PocketWeights w, String prefix, int dim, int j, PocketConfig.Seanet s) throws GgufFormatException {
        boolean replicate = s.padMode().equals("replicate");
        int hidden = dim / s.compress();
        int dilation = (int) Math.pow(s.dilationBase(), j);
        return new MimiDecoder.ResBlock(conv(w, prefix + "1.conv", dim, hidden, s.residualKernelSize(), 1, dilation, replicate),
                conv(w, prefix + "3.conv", hidden, dim, 1, 1, 1, replicate));
    }

    /** A Mimi transformer with its optional input and output projections. */
    private static ProjectedTransformer mimiTransformer(PocketWeights w, String prefix, PocketConfig.MimiTransformer t) throws GgufFormatException {
        Linear inputProj = w.has(prefix + "input_proj.weight") ? w.weightOnly(prefix + "input_proj.weight") : null;
        Linear outputProj = w.has(prefix + "output_projs.0.weight") ? w.weightOnly(prefix + "output_projs.0.weight") : null;
        return new ProjectedTransformer(inputProj, transformer(w, prefix + "transformer.layers.", t.numLayers(), t.dModel(), t.layerScale() > 0,
                t.numHeads(), t.maxPeriod(), t.context()), outputProj);
    }

    static StreamingConv.Conv conv(PocketWeights w, String prefix, int in, int out, int kernel, int stride, int dilation, boolean replicate)
            throws GgufFormatException {
        return new StreamingConv.Conv(in, out, kernel, stride, dilation, w.matrix(prefix + ".weight"),
                w.has(prefix + ".bias") ? w.vector(prefix + ".bias") : null, replicate);
    }

    static Transformer transformer(PocketWeights w, String prefix, int layers, int d, boolean layerScale, int heads, double maxPeriod, int context)
            throws GgufFormatException {
        List<Transformer.Layer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = prefix + i + ".";
            list.add(new Transformer.Layer(w.vector(p + "norm1.weight"), w.vector(p + "norm1.bias"), w.weightOnly(p + "self_attn.in_proj.weight"),
                    w.weightOnly(p + "self_attn.out_proj.weight"), w.vector(p + "norm2.weight"), w.vector(p + "norm2.bias"),
                    w.weightOnly(p + "linear1.weight"), w.weightOnly(p + "linear2.weight"), layerScale ? w.vector(p + "layer_scale_1.scale") : null,
                    layerScale ? w.vector(p + "layer_scale_2.scale") : null));
        }
        return new Transformer(list, d, heads, maxPeriod, context);
    }
}
