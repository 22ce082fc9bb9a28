package dev.sotto.pocket;

import dev.sotto.gguf.GgufFormatException;
import java.util.ArrayList;
import java.util.List;

/** Builds FlowLM and the Mimi decoder from a model's weights, every shape derived from its {@link PocketConfig}. */
final class PocketLayers {
    private PocketLayers() {
    }

    static FlowLm flowLm(PocketWeights w, PocketConfig c) throws GgufFormatException {
        PocketConfig.FlowLm f = c.flowLm();
        int d = f.dModel();
        int ld = f.latentDim();
        String p = "flow_lm.";
        Transformer transformer = transformer(w, p + "transformer.layers.", f.numLayers(), d, f.dimFeedforward(), false, f.numHeads(),
                f.maxPeriod(), Integer.MAX_VALUE);
        int cdim = f.flowDim();
        String fp = p + "flow_net.";
        FlowHead.TimeEmbedder[] te = new FlowHead.TimeEmbedder[2];
        for (int i = 0; i < 2; i++) {
            String tp = fp + "time_embed." + i + ".";
            long freqs = w.vectorLength(tp + "freqs");
            if (freqs < 1 || freqs > 4096) {
                throw new GgufFormatException("tensor '" + tp + "freqs' is missing or implausible");
            }
            te[i] = new FlowHead.TimeEmbedder(w.vector(tp + "freqs", (int) freqs), w.linear(tp + "mlp.0", cdim, 2 * (int) freqs, true),
                    w.linear(tp + "mlp.2", cdim, cdim, true), w.vector(tp + "mlp.3.alpha", cdim));
        }
        List<FlowHead.ResBlock> blocks = new ArrayList<>();
        for (int i = 0; i < f.flowDepth(); i++) {
            String bp = fp + "res_blocks." + i + ".";
            blocks.add(new FlowHead.ResBlock(w.vector(bp + "in_ln.weight", cdim), w.vector(bp + "in_ln.bias", cdim),
                    w.linear(bp + "mlp.0", cdim, cdim, true), w.linear(bp + "mlp.2", cdim, cdim, true),
                    w.linear(bp + "adaLN_modulation.1", 3 * cdim, cdim, true)));
        }
        FlowHead head = new FlowHead(w.linear(fp + "input_proj", cdim, ld, true), w.linear(fp + "cond_embed", cdim, d, true), te, blocks,
                w.linear(fp + "final_layer.adaLN_modulation.1", 2 * cdim, cdim, true), w.linear(fp + "final_layer.linear", ld, cdim, true));
        return new FlowLm(w.matrix(p + "conditioner.embed.weight", f.nBins() + 1, d), w.linear(p + "input_linear.weight", d, ld),
                transformer, w.vector(p + "out_norm.weight", d), w.vector(p + "out_norm.bias", d), w.linear(p + "out_eos", 1, d, true),
                w.vector(p + "bos_emb", ld), f.insertBosBeforeVoice() ? w.vector(p + "bos_before_voice", d) : null,
                w.linear(p + "speaker_proj_weight", d, c.mimi().innerDim()), head);
    }

    static MimiDecoder mimiDecoder(PocketWeights w, PocketConfig c) throws GgufFormatException {
        PocketConfig.Mimi m = c.mimi();
        PocketConfig.Seanet s = m.seanet();
        PocketConfig.MimiTransformer t = m.transformer();
        int dim = s.dimension();
        int steps = m.stepsPerLatent();
        Linear quantizer = w.linear("mimi.quantizer.output_proj.weight", m.quantizerOutputDimension(), m.quantizerDimension());
        // Depthwise: in = outer dim, out = dim, groups = dim, kernel 2 x stride.
        StreamingConv.Transposed upsample = new StreamingConv.Transposed(m.outerDim(), dim, 2 * steps, steps, dim,
                w.matrix("mimi.upsample.convtr.convtr.weight", m.outerDim(), 2 * steps), null);
        String tp = "mimi.decoder_transformer.";
        Linear inputProj = t.dModel() != t.inputDimension() ? w.linear(tp + "input_proj.weight", t.dModel(), t.inputDimension()) : null;
        Linear outputProj = t.dModel() != t.outputDimensions()[0] ? w.linear(tp + "output_projs.0.weight", t.outputDimensions()[0], t.dModel())
                : null;
        Transformer transformer = transformer(w, tp + "transformer.layers.", t.numLayers(), t.dModel(), t.dimFeedforward(), t.layerScale() > 0,
                t.numHeads(), t.maxPeriod(), t.context());
        boolean replicate = s.padMode().equals("replicate");
        int mult = 1 << s.ratios().length;
        int index = 0;
        String dp = "mimi.decoder.model.";
        StreamingConv.Conv first = conv(w, dp + index + ".conv", dim, mult * s.nFilters(), s.kernelSize(), 1, replicate);
        index++;
        List<MimiDecoder.Stage> stages = new ArrayList<>();
        for (int ratio : s.ratios()) {
            index++; // ELU
            int in = mult * s.nFilters();
            int out = in / 2;
            String up = dp + index + ".convtr";
            StreamingConv.Transposed convtr = new StreamingConv.Transposed(in, out, 2 * ratio, ratio, 1,
                    w.matrix(up + ".weight", in, out * 2 * ratio), w.vector(up + ".bias", out));
            index++;
            List<MimiDecoder.ResBlock> blocks = new ArrayList<>();
            for (int j = 0; j < s.nResidualLayers(); j++) {
                int hidden = out / s.compress();
                int dilation = (int) Math.pow(s.dilationBase(), j);
                String bp = dp + index + ".block.";
                blocks.add(new MimiDecoder.ResBlock(conv(w, bp + "1.conv", out, hidden, s.residualKernelSize(), dilation, replicate),
                        conv(w, bp + "3.conv", hidden, out, 1, 1, replicate)));
                index++;
            }
            stages.add(new MimiDecoder.Stage(convtr, blocks));
            mult /= 2;
        }
        index++; // ELU
        StreamingConv.Conv last = conv(w, dp + index + ".conv", s.nFilters(), s.channels(), s.lastKernelSize(), 1, replicate);
        if (s.channels() != 1) {
            throw new GgufFormatException("mimi.seanet.channels is " + s.channels() + "; only mono models are supported");
        }
        return new MimiDecoder(w.vector("flow_lm.emb_std", c.flowLm().latentDim()), w.vector("flow_lm.emb_mean", c.flowLm().latentDim()),
                quantizer, upsample, inputProj, transformer, outputProj, first, stages, last, steps);
    }

    private static StreamingConv.Conv conv(PocketWeights w, String prefix, int in, int out, int kernel, int dilation, boolean replicate)
            throws GgufFormatException {
        return new StreamingConv.Conv(in, out, kernel, 1, dilation, w.matrix(prefix + ".weight", out, in * kernel), w.vector(prefix + ".bias", out),
                replicate);
    }

    private static Transformer transformer(PocketWeights w, String prefix, int layers, int d, int ffn, boolean layerScale, int heads,
                                           double maxPeriod, int context) throws GgufFormatException {
        List<Transformer.Layer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = prefix + i + ".";
            list.add(new Transformer.Layer(w.vector(p + "norm1.weight", d), w.vector(p + "norm1.bias", d),
                    w.linear(p + "self_attn.in_proj.weight", 3 * d, d), w.linear(p + "self_attn.out_proj.weight", d, d),
                    w.vector(p + "norm2.weight", d), w.vector(p + "norm2.bias", d), w.linear(p + "linear1.weight", ffn, d),
                    w.linear(p + "linear2.weight", d, ffn), layerScale ? w.vector(p + "layer_scale_1.scale", d) : null,
                    layerScale ? w.vector(p + "layer_scale_2.scale", d) : null));
        }
        return new Transformer(list, d, heads, maxPeriod, context);
    }
}
