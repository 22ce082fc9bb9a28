package dev.sotto.pocket;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors a Pocket TTS model of a given configuration has: upstream's names ({@code TTSModel.state_dict()}) and
 * PyTorch shapes, derived from the configuration alone. The one place that knows the architecture's shapes: the
 * loader reads by it, the importer checks a file against it, the random-model utility fills it.
 */
public final class PocketLayout {
    private PocketLayout() {
    }

    /** The tensors inference needs (FlowLM, flow head, Mimi decoder), name to PyTorch shape, in a fixed order. */
    public static Map<String, long[]> decoder(PocketConfig c) {
        Map<String, long[]> t = new LinkedHashMap<>();
        PocketConfig.FlowLm f = c.flowLm();
        int d = f.dModel();
        int ld = f.latentDim();
        String p = "flow_lm.";
        t.put(p + "conditioner.embed.weight", shape(f.nBins() + 1, d));
        t.put(p + "input_linear.weight", shape(d, ld));
        for (int i = 0; i < f.numLayers(); i++) {
            transformerLayer(t, p + "transformer.layers." + i + ".", d, f.dimFeedforward(), false);
        }
        t.put(p + "out_norm.weight", shape(d));
        t.put(p + "out_norm.bias", shape(d));
        t.put(p + "out_eos.weight", shape(1, d));
        t.put(p + "out_eos.bias", shape(1));
        t.put(p + "bos_emb", shape(ld));
        if (f.insertBosBeforeVoice()) {
            t.put(p + "bos_before_voice", shape(1, 1, d));
        }
        t.put(p + "emb_mean", shape(ld));
        t.put(p + "emb_std", shape(ld));
        t.put(p + "speaker_proj_weight", shape(d, c.mimi().innerDim()));
        int cd = f.flowDim();
        String fp = p + "flow_net.";
        for (int i = 0; i < 2; i++) {
            String tp = fp + "time_embed." + i + ".";
            t.put(tp + "freqs", shape(TIME_FREQUENCIES));
            linear(t, tp + "mlp.0", cd, 2 * TIME_FREQUENCIES, true);
            linear(t, tp + "mlp.2", cd, cd, true);
            t.put(tp + "mlp.3.alpha", shape(cd));
        }
        linear(t, fp + "cond_embed", cd, d, true);
        linear(t, fp + "input_proj", cd, ld, true);
        for (int i = 0; i < f.flowDepth(); i++) {
            String bp = fp + "res_blocks." + i + ".";
            t.put(bp + "in_ln.weight", shape(cd));
            t.put(bp + "in_ln.bias", shape(cd));
            linear(t, bp + "mlp.0", cd, cd, true);
            linear(t, bp + "mlp.2", cd, cd, true);
            linear(t, bp + "adaLN_modulation.1", 3 * cd, cd, true);
        }
        linear(t, fp + "final_layer.adaLN_modulation.1", 2 * cd, cd, true);
        linear(t, fp + "final_layer.linear", ld, cd, true);

        PocketConfig.Mimi m = c.mimi();
        PocketConfig.Seanet s = m.seanet();
        t.put("mimi.quantizer.output_proj.weight", shape(m.quantizerOutputDimension(), m.quantizerDimension(), 1));
        t.put("mimi.upsample.convtr.convtr.weight", shape(m.outerDim(), 1, 2 * m.stepsPerLatent()));
        mimiTransformer(t, "mimi.decoder_transformer.", m.transformer());
        int mult = 1 << s.ratios().length;
        int index = 0;
        conv(t, "mimi.decoder.model." + index++ + ".conv", mult * s.nFilters(), s.dimension(), s.kernelSize());
        for (int ratio : s.ratios()) {
            index++; // ELU
            int in = mult * s.nFilters();
            String up = "mimi.decoder.model." + index++ + ".convtr";
            t.put(up + ".weight", shape(in, in / 2, 2 * ratio));
            t.put(up + ".bias", shape(in / 2));
            index = resBlocks(t, "mimi.decoder.model.", index, in / 2, s);
            mult /= 2;
        }
        index++; // ELU
        conv(t, "mimi.decoder.model." + index + ".conv", s.channels(), s.nFilters(), s.lastKernelSize());
        return t;
    }

    /**
     * The Mimi encoder's tensors (for voices from recordings): SEANet encoder, encoder transformer, downsampling to
     * the latent rate.
     */
    public static Map<String, long[]> encoder(PocketConfig c) {
        Map<String, long[]> t = new LinkedHashMap<>();
        PocketConfig.Mimi m = c.mimi();
        PocketConfig.Seanet s = m.seanet();
        int mult = 1;
        int index = 0;
        conv(t, "mimi.encoder.model." + index++ + ".conv", s.nFilters(), s.channels(), s.kernelSize());
        for (int i = s.ratios().length - 1; i >= 0; i--) {
            int ratio = s.ratios()[i];
            index = resBlocks(t, "mimi.encoder.model.", index, mult * s.nFilters(), s);
            index++; // ELU
            conv(t, "mimi.encoder.model." + index++ + ".conv", mult * s.nFilters() * 2, mult * s.nFilters(), 2 * ratio);
            mult *= 2;
        }
        index++; // ELU
        conv(t, "mimi.encoder.model." + index + ".conv", s.dimension(), mult * s.nFilters(), s.lastKernelSize());
        mimiTransformer(t, "mimi.encoder_transformer.", m.transformer());
        t.put("mimi.downsample.conv.conv.weight", shape(m.innerDim(), s.dimension(), 2 * m.stepsPerLatent()));
        return t;
    }

    /** Frequencies of the flow head's timestep embeddings (upstream's TimestepEmbedder: 256 / 2). */
    static final int TIME_FREQUENCIES = 128;

    private static int resBlocks(Map<String, long[]> t, String prefix, int index, int dim, PocketConfig.Seanet s) {
        for (int j = 0; j < s.nResidualLayers(); j++) {
            int hidden = dim / s.compress();
            String bp = prefix + index++ + ".block.";
            conv(t, bp + "1.conv", hidden, dim, s.residualKernelSize());
            conv(t, bp + "3.conv", dim, hidden, 1);
        }
        return index;
    }

    private static void mimiTransformer(Map<String, long[]> t, String prefix, PocketConfig.MimiTransformer mt) {
        if (mt.dModel() != mt.inputDimension()) {
            t.put(prefix + "input_proj.weight", shape(mt.dModel(), mt.inputDimension()));
        }
        for (int i = 0; i < mt.numLayers(); i++) {
            transformerLayer(t, prefix + "transformer.layers." + i + ".", mt.dModel(), mt.dimFeedforward(), mt.layerScale() > 0);
        }
        if (mt.dModel() != mt.outputDimensions()[0]) {
            t.put(prefix + "output_projs.0.weight", shape(mt.outputDimensions()[0], mt.dModel()));
        }
    }

    private static void transformerLayer(Map<String, long[]> t, String p, int d, int ffn, boolean layerScale) {
        t.put(p + "self_attn.in_proj.weight", shape(3 * d, d));
        t.put(p + "self_attn.out_proj.weight", shape(d, d));
        t.put(p + "norm1.weight", shape(d));
        t.put(p + "norm1.bias", shape(d));
        t.put(p + "norm2.weight", shape(d));
        t.put(p + "norm2.bias", shape(d));
        t.put(p + "linear1.weight", shape(ffn, d));
        t.put(p + "linear2.weight", shape(d, ffn));
        if (layerScale) {
            t.put(p + "layer_scale_1.scale", shape(d));
            t.put(p + "layer_scale_2.scale", shape(d));
        }
    }

    private static void linear(Map<String, long[]> t, String p, int out, int in, boolean bias) {
        t.put(p + ".weight", shape(out, in));
        if (bias) {
            t.put(p + ".bias", shape(out));
        }
    }

    private static void conv(Map<String, long[]> t, String p, int out, int in, int kernel) {
        t.put(p + ".weight", shape(out, in, kernel));
        t.put(p + ".bias", shape(out));
    }

    private static long[] shape(long... dims) {
        return dims;
    }

    /** A tensor's shape as stored in GGUF: convolution weights as matrices [out, in * k]; {@code bos_before_voice} as [d]. */
    public static long[] stored(String name, long[] shape) {
        if (shape.length == 3 && name.endsWith("bos_before_voice")) {
            return new long[] {shape[2]};
        }
        if (shape.length == 3) {
            return new long[] {shape[0], shape[1] * shape[2]};
        }
        if (shape.length == 0) {
            return new long[] {1};
        }
        return shape.clone();
    }
}
