package dev.sotto.vits;

import dev.sotto.gguf.GgufArray;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufValue;
import dev.sotto.gguf.GgufWriter;
import java.util.Arrays;

/**
 * Architecture hyperparameters of a VITS voice, all derived from weight shapes and graph attributes when a voice
 * is imported, and stored as {@code vits.*} GGUF metadata.
 *
 * @param vocabSize rows of the phoneme embedding
 * @param hidden text-encoder width H (also the flow's hidden width)
 * @param inter latent channels I
 * @param filter text-encoder feed-forward width F
 * @param heads attention heads
 * @param encoderLayers text-encoder blocks
 * @param ffnKernel feed-forward convolution kernel
 * @param window relative-position window w (embeddings have 2w+1 rows)
 * @param speakers speaker count (1 for single-speaker voices)
 * @param gin speaker embedding width (0 without speakers)
 * @param dpFilter duration-predictor width
 * @param dpKernel duration-predictor (DDS) kernel
 * @param dpLayers DDS layers per stack
 * @param dpBins spline bins of the duration flows
 * @param dpTailBound spline tail bound
 * @param dpFlowIds indices of the duration predictor's ConvFlows in reverse order, e.g. {7, 5, 3}
 * @param flowIds indices of the coupling layers in reverse order, e.g. {6, 4, 2, 0}
 * @param wnLayers WaveNet layers per coupling layer
 * @param wnKernel WaveNet kernel
 * @param wnDilationRate WaveNet dilation growth
 * @param decInitial HiFi-GAN channels after conv_pre
 * @param upsampleRates upsampling strides
 * @param upsampleKernels upsampling kernels
 * @param resblockType 1 (two convolutions per dilation) or 2 (one)
 * @param resblockKernels residual block kernels per stage
 * @param resblockDilations dilations of each residual block kernel
 * @param decPreKernel conv_pre kernel
 * @param decPostKernel conv_post kernel
 * @param sampleRate output sample rate
 */
public record VitsConfig(int vocabSize, int hidden, int inter, int filter, int heads, int encoderLayers, int ffnKernel,
                         int window, int speakers, int gin, int dpFilter, int dpKernel, int dpLayers, int dpBins,
                         float dpTailBound, int[] dpFlowIds, int[] flowIds, int wnLayers, int wnKernel, int wnDilationRate,
                         int decInitial, int[] upsampleRates, int[] upsampleKernels, int resblockType,
                         int[] resblockKernels, int[][] resblockDilations, int decPreKernel, int decPostKernel,
                         int sampleRate) {

    public VitsConfig {
        if (vocabSize < 1 || hidden < 1 || inter < 1 || filter < 1 || heads < 1 || encoderLayers < 1 || ffnKernel < 1 || dpFilter < 1
                || dpKernel < 1 || dpLayers < 0 || dpBins < 1 || wnLayers < 1 || wnKernel < 1 || wnDilationRate < 1 || decInitial < 1
                || decPreKernel < 1 || decPostKernel < 1) {
            throw new IllegalArgumentException("every width, count and kernel size must be at least 1");
        }
        if (sampleRate < 1000 || sampleRate > 384_000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " Hz is implausible (1000 to 384000)");
        }
        if (speakers < 1 || (gin == 0 && speakers > 1)) {
            throw new IllegalArgumentException(speakers + " speaker(s)" + (gin == 0 ? " without a speaker embedding" : ""));
        }
        for (int r : upsampleRates) {
            if (r < 1) {
                throw new IllegalArgumentException("upsample rates must be at least 1");
            }
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden width " + hidden + " is not divisible by " + heads + " heads");
        }
        if (resblockType != 1 && resblockType != 2) {
            throw new IllegalArgumentException("resblock type must be 1 or 2, got " + resblockType);
        }
        if (upsampleRates.length != upsampleKernels.length || resblockKernels.length != resblockDilations.length) {
            throw new IllegalArgumentException("decoder lists have inconsistent lengths");
        }
        if (inter % 2 != 0) {
            throw new IllegalArgumentException("latent channels must be even, got " + inter);
        }
    }

    /** Samples per frame: the product of the upsampling strides. */
    public int hopLength() {
        int h = 1;
        for (int r : upsampleRates) {
            h *= r;
        }
        return h;
    }

    public int headDim() {
        return hidden / heads;
    }

    static final String PREFIX = "vits.";

    public void writeTo(GgufWriter w) {
        w.put(PREFIX + "vocab_size", vocabSize);
        w.put(PREFIX + "hidden_channels", hidden);
        w.put(PREFIX + "inter_channels", inter);
        w.put(PREFIX + "filter_channels", filter);
        w.put(PREFIX + "n_heads", heads);
        w.put(PREFIX + "n_layers", encoderLayers);
        w.put(PREFIX + "ffn_kernel_size", ffnKernel);
        w.put(PREFIX + "window_size", window);
        w.put(PREFIX + "speaker_count", speakers);
        w.put(PREFIX + "gin_channels", gin);
        w.put(PREFIX + "dp.filter_channels", dpFilter);
        w.put(PREFIX + "dp.kernel_size", dpKernel);
        w.put(PREFIX + "dp.n_layers", dpLayers);
        w.put(PREFIX + "dp.num_bins", dpBins);
        w.put(PREFIX + "dp.tail_bound", dpTailBound);
        w.put(PREFIX + "dp.flow_ids", GgufValue.ofArray(GgufArray.ofInts(dpFlowIds)));
        w.put(PREFIX + "flow.ids", GgufValue.ofArray(GgufArray.ofInts(flowIds)));
        w.put(PREFIX + "flow.wn_layers", wnLayers);
        w.put(PREFIX + "flow.kernel_size", wnKernel);
        w.put(PREFIX + "flow.dilation_rate", wnDilationRate);
        w.put(PREFIX + "dec.initial_channels", decInitial);
        w.put(PREFIX + "dec.upsample_rates", GgufValue.ofArray(GgufArray.ofInts(upsampleRates)));
        w.put(PREFIX + "dec.upsample_kernel_sizes", GgufValue.ofArray(GgufArray.ofInts(upsampleKernels)));
        w.put(PREFIX + "dec.resblock_type", resblockType);
        w.put(PREFIX + "dec.resblock_kernel_sizes", GgufValue.ofArray(GgufArray.ofInts(resblockKernels)));
        GgufArray[] dil = new GgufArray[resblockDilations.length];
        for (int i = 0; i < dil.length; i++) {
            dil[i] = GgufArray.ofInts(resblockDilations[i]);
        }
        w.put(PREFIX + "dec.resblock_dilations", GgufValue.ofArray(new GgufArray(dev.sotto.gguf.GgufValueType.ARRAY, dil)));
        w.put(PREFIX + "dec.conv_pre_kernel", decPreKernel);
        w.put(PREFIX + "dec.conv_post_kernel", decPostKernel);
        w.put(PREFIX + "sample_rate", sampleRate);
    }

    public static VitsConfig readFrom(GgufFile g) throws GgufFormatException {
        int[] rbKernels = ints(g, "dec.resblock_kernel_sizes");
        GgufArray dil = array(g, "dec.resblock_dilations");
        if (dil.elementType() != dev.sotto.gguf.GgufValueType.ARRAY || dil.length() != rbKernels.length) {
            throw new GgufFormatException("metadata 'vits.dec.resblock_dilations' must hold one integer array per resblock kernel");
        }
        int[][] dilations = new int[dil.length()][];
        for (int i = 0; i < dilations.length; i++) {
            dilations[i] = toInts(((GgufArray[]) dil.values())[i], "vits.dec.resblock_dilations");
        }
        try {
            return new VitsConfig(
                    integer(g, "vocab_size"), integer(g, "hidden_channels"), integer(g, "inter_channels"),
                    integer(g, "filter_channels"), integer(g, "n_heads"), integer(g, "n_layers"),
                    integer(g, "ffn_kernel_size"), integer(g, "window_size"), integer(g, "speaker_count"),
                    integerFrom(g, "gin_channels", 0), integer(g, "dp.filter_channels"), integer(g, "dp.kernel_size"),
                    integer(g, "dp.n_layers"), integer(g, "dp.num_bins"),
                    (float) g.get(PREFIX + "dp.tail_bound").orElseThrow(() -> new GgufFormatException("metadata 'vits.dp.tail_bound' is missing")).asDouble(),
                    ints(g, "dp.flow_ids"), ints(g, "flow.ids"), integer(g, "flow.wn_layers"), integer(g, "flow.kernel_size"),
                    integer(g, "flow.dilation_rate"), integer(g, "dec.initial_channels"), ints(g, "dec.upsample_rates"),
                    ints(g, "dec.upsample_kernel_sizes"), integer(g, "dec.resblock_type"), rbKernels, dilations,
                    integer(g, "dec.conv_pre_kernel"), integer(g, "dec.conv_post_kernel"), integer(g, "sample_rate"));
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("inconsistent VITS hyperparameters: " + e.getMessage());
        }
    }

    private static int integer(GgufFile g, String key) throws GgufFormatException {
        return (int) g.requireInteger(PREFIX + key, 0, 1 << 20);
    }

    private static int integerFrom(GgufFile g, String key, int fallback) throws GgufFormatException {
        return g.get(PREFIX + key).isPresent() ? integer(g, key) : fallback;
    }

    private static GgufArray array(GgufFile g, String key) throws GgufFormatException {
        GgufValue v = g.get(PREFIX + key).orElseThrow(() -> new GgufFormatException("metadata '" + PREFIX + key + "' is missing"));
        if (v.type() != dev.sotto.gguf.GgufValueType.ARRAY) {
            throw new GgufFormatException("metadata '" + PREFIX + key + "' must be an array");
        }
        return v.asArray();
    }

    private static int[] ints(GgufFile g, String key) throws GgufFormatException {
        return toInts(array(g, key), PREFIX + key);
    }

    private static int[] toInts(GgufArray a, String key) throws GgufFormatException {
        int[] out = new int[a.length()];
        for (int i = 0; i < out.length; i++) {
            long v;
            try {
                v = a.integerAt(i);
            } catch (IllegalStateException e) {
                throw new GgufFormatException("metadata '" + key + "' must hold integers");
            }
            if (v < 0 || v > 1 << 20) {
                throw new GgufFormatException("metadata '" + key + "' value " + v + " is out of range");
            }
            out[i] = (int) v;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VitsConfig c && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "VitsConfig[H=" + hidden + ", I=" + inter + ", F=" + filter + ", heads=" + heads + ", layers=" + encoderLayers
                + ", window=" + window + ", vocab=" + vocabSize + ", speakers=" + speakers + ", gin=" + gin
                + ", dp=" + dpFilter + "/" + dpKernel + "/" + dpLayers + "/" + dpBins + "/" + dpTailBound + Arrays.toString(dpFlowIds)
                + ", flow=" + Arrays.toString(flowIds) + "x" + wnLayers + "/k" + wnKernel + "/d" + wnDilationRate
                + ", dec=" + decInitial + " up" + Arrays.toString(upsampleRates) + Arrays.toString(upsampleKernels)
                + " rb" + resblockType + Arrays.toString(resblockKernels) + Arrays.deepToString(resblockDilations)
                + " pre" + decPreKernel + " post" + decPostKernel + ", " + sampleRate + " Hz]";
    }
}
