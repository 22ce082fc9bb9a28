package dev.sotto.pocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.gguf.GgufArray;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufValue;
import dev.sotto.gguf.GgufValueType;
import dev.sotto.gguf.GgufWriter;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Every dimension and default of a Pocket TTS model, read from the upstream configuration (its YAML, or the same
 * structure as JSON) when converting, stored as typed {@code pocket.*} GGUF metadata, and read from there once when the
 * model loads. Nothing about the architecture is assumed: all sizes come from here and are checked against the weights.
 *
 * @param flowLm the autoregressive transformer and its flow head
 * @param mimi the audio codec (decoder, and encoder for voices from recordings)
 * @param text how upstream prepares text
 * @param generation the generation defaults
 */
public record PocketConfig(FlowLm flowLm, Mimi mimi, Text text, Generation generation) {

    /**
     * @param dModel transformer width d (= the text lookup width: there is no projection after the lookup)
     * @param numHeads attention heads
     * @param numLayers transformer layers
     * @param dimFeedforward MLP width (d x hidden_scale)
     * @param maxPeriod RoPE max period
     * @param nBins tokenizer vocabulary; the lookup table has nBins + 1 rows (the last is padding)
     * @param flowDim flow head width
     * @param flowDepth flow head residual blocks
     * @param latentDim size of one latent (the Mimi quantizer's dimension)
     * @param insertBosBeforeVoice whether a learned vector precedes the voice conditioning
     */
    public record FlowLm(int dModel, int numHeads, int numLayers, int dimFeedforward, double maxPeriod, int nBins, int flowDim, int flowDepth,
                         int latentDim, boolean insertBosBeforeVoice) {
        public FlowLm {
            positive("flow_lm.transformer.d_model", dModel);
            positive("flow_lm.transformer.num_heads", numHeads);
            positive("flow_lm.transformer.num_layers", numLayers);
            positive("flow_lm dim_feedforward", dimFeedforward);
            positive("flow_lm.lookup_table.n_bins", nBins);
            positive("flow_lm.flow.dim", flowDim);
            positive("flow_lm.flow.depth", flowDepth);
            positive("mimi.quantizer.dimension", latentDim);
            if (dModel % numHeads != 0 || (dModel / numHeads) % 2 != 0) {
                throw new IllegalArgumentException("flow_lm: d_model " + dModel + " must split into " + numHeads + " heads of an even size");
            }
            if (!(maxPeriod > 0)) {
                throw new IllegalArgumentException("flow_lm.transformer.max_period must be positive");
            }
        }

        public int headDim() {
            return dModel / numHeads;
        }
    }

    /**
     * @param sampleRate audio samples per second
     * @param frameRate latents per second
     * @param innerDim width of the encoder's latents after downsampling (speaker projection input)
     * @param outerDim width the quantizer projects latents to (upsampling input)
     * @param seanet the convolutional encoder/decoder
     * @param transformer the encoder and decoder transformers (same shape)
     * @param quantizerDimension latent size (= {@link FlowLm#latentDim})
     * @param quantizerOutputDimension quantizer output width
     */
    public record Mimi(int sampleRate, double frameRate, int innerDim, int outerDim, Seanet seanet, MimiTransformer transformer,
                       int quantizerDimension, int quantizerOutputDimension) {
        public Mimi {
            positive("mimi.sample_rate", sampleRate);
            if (!(frameRate > 0)) {
                throw new IllegalArgumentException("mimi.frame_rate must be positive");
            }
            double spf = sampleRate / frameRate;
            if (spf != Math.rint(spf)) {
                throw new IllegalArgumentException("mimi: " + sampleRate + " Hz is not a whole number of samples per frame at " + frameRate + " Hz");
            }
            int hop = seanet.hopLength();
            double steps = sampleRate / (double) hop / frameRate;
            if (sampleRate % hop != 0 || steps != Math.rint(steps) || steps < 1) {
                throw new IllegalArgumentException("mimi: the SEANet hop " + hop + " does not divide a frame of " + spf + " samples");
            }
            if (outerDim != seanet.dimension() || quantizerOutputDimension != outerDim) {
                throw new IllegalArgumentException("mimi: outer_dim " + outerDim + ", quantizer.output_dimension " + quantizerOutputDimension
                        + " and seanet.dimension " + seanet.dimension() + " must agree (depthwise upsampling)");
            }
            if (transformer.inputDimension() != seanet.dimension()) {
                throw new IllegalArgumentException("mimi.transformer.input_dimension must equal seanet.dimension");
            }
            for (int o : transformer.outputDimensions()) {
                if (o != seanet.dimension()) {
                    throw new IllegalArgumentException("mimi.transformer.output_dimensions must equal seanet.dimension");
                }
            }
        }

        /** Audio samples per latent. */
        public int samplesPerFrame() {
            return (int) Math.round(sampleRate / frameRate);
        }

        /** Decoder-transformer steps per latent (the SEANet runs at sampleRate / hop). */
        public int stepsPerLatent() {
            return samplesPerFrame() / seanet.hopLength();
        }
    }

    /**
     * SEANet (upstream argument names).
     *
     * @param ratios upsampling ratios of the decoder in order (the encoder uses them reversed)
     * @param padMode "constant" (zeros before the start) or "replicate" (the first sample repeated)
     */
    public record Seanet(int dimension, int channels, int nFilters, int nResidualLayers, int[] ratios, int kernelSize, int residualKernelSize,
                         int lastKernelSize, int dilationBase, String padMode, int compress) {
        public Seanet {
            positive("mimi.seanet.dimension", dimension);
            positive("mimi.seanet.channels", channels);
            positive("mimi.seanet.n_filters", nFilters);
            if (nResidualLayers < 0 || ratios.length == 0 || Arrays.stream(ratios).anyMatch(r -> r < 1)) {
                throw new IllegalArgumentException("mimi.seanet: n_residual_layers must be >= 0 and ratios positive");
            }
            positive("mimi.seanet.kernel_size", kernelSize);
            positive("mimi.seanet.residual_kernel_size", residualKernelSize);
            positive("mimi.seanet.last_kernel_size", lastKernelSize);
            positive("mimi.seanet.dilation_base", dilationBase);
            positive("mimi.seanet.compress", compress);
            if (!padMode.equals("constant") && !padMode.equals("replicate")) {
                throw new IllegalArgumentException("mimi.seanet.pad_mode must be constant or replicate, not '" + padMode + "'");
            }
            ratios = ratios.clone();
            long channelsAtTop = (long) nFilters << ratios.length;
            if (channelsAtTop > 1 << 20) {
                throw new IllegalArgumentException("mimi.seanet: too many channels");
            }
        }

        public int hopLength() {
            int h = 1;
            for (int r : ratios) {
                h = Math.multiplyExact(h, r);
            }
            return h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Seanet s && s.toString().equals(toString());
        }

        @Override
        public int hashCode() {
            return toString().hashCode();
        }

        @Override
        public String toString() {
            return "Seanet[dim=" + dimension + ", ch=" + channels + ", filters=" + nFilters + ", res=" + nResidualLayers + ", ratios="
                    + Arrays.toString(ratios) + ", k=" + kernelSize + "/" + residualKernelSize + "/" + lastKernelSize + ", dil=" + dilationBase
                    + ", " + padMode + ", compress=" + compress + "]";
        }
    }

    /** Mimi's transformers (upstream argument names); {@code layerScale} &lt;= 0 means none. */
    public record MimiTransformer(int dModel, int numHeads, int numLayers, double layerScale, int context, int dimFeedforward, int inputDimension,
                                  int[] outputDimensions, double maxPeriod) {
        public MimiTransformer {
            positive("mimi.transformer.d_model", dModel);
            positive("mimi.transformer.num_heads", numHeads);
            if (numLayers < 0) {
                throw new IllegalArgumentException("mimi.transformer.num_layers must not be negative");
            }
            positive("mimi.transformer.context", context);
            positive("mimi.transformer.dim_feedforward", dimFeedforward);
            positive("mimi.transformer.input_dimension", inputDimension);
            if (dModel % numHeads != 0 || (dModel / numHeads) % 2 != 0) {
                throw new IllegalArgumentException("mimi.transformer: d_model " + dModel + " must split into " + numHeads + " heads of an even size");
            }
            if (outputDimensions.length != 1) {
                throw new IllegalArgumentException("mimi.transformer.output_dimensions must have one entry");
            }
            outputDimensions = outputDimensions.clone();
            if (!(maxPeriod > 0)) {
                throw new IllegalArgumentException("mimi.transformer.max_period must be positive");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MimiTransformer t && t.toString().equals(toString());
        }

        @Override
        public int hashCode() {
            return toString().hashCode();
        }

        @Override
        public String toString() {
            return "MimiTransformer[d=" + dModel + ", heads=" + numHeads + ", layers=" + numLayers + ", scale=" + layerScale + ", context=" + context
                    + ", ffn=" + dimFeedforward + ", in=" + inputDimension + ", out=" + Arrays.toString(outputDimensions) + ", period=" + maxPeriod + "]";
        }
    }

    /**
     * @param padWithSpacesForShortInputs upstream's flag (at the pinned commit the padding is stripped again before tokenizing)
     * @param removeSemicolons whether ";" becomes ","
     * @param recommendedFramesAfterEos the model's frames after end of speech, or -1 to decide by sentence length
     */
    public record Text(boolean padWithSpacesForShortInputs, boolean removeSemicolons, int recommendedFramesAfterEos) {
    }

    /**
     * @param temperature sampling temperature (noise std = sqrt(temperature))
     * @param lsdDecodeSteps flow decoding steps
     * @param noiseClamp truncation of the noise at +/- this, or NaN for none
     * @param eosThreshold end of speech when the EOS logit exceeds it
     * @param maxTokensPerChunk text is spoken in chunks of at most this many tokens
     * @param tokensPerSecond estimated speaking rate, for the longest generation
     * @param genSecondsPadding seconds added to that estimate
     */
    public record Generation(double temperature, int lsdDecodeSteps, double noiseClamp, double eosThreshold, int maxTokensPerChunk,
                             double tokensPerSecond, double genSecondsPadding) {
        public Generation {
            if (!(temperature >= 0) || lsdDecodeSteps < 1 || maxTokensPerChunk < 1 || !(tokensPerSecond > 0) || !(genSecondsPadding >= 0)) {
                throw new IllegalArgumentException("generation defaults out of range: temperature " + temperature + ", lsd steps "
                        + lsdDecodeSteps + ", max tokens " + maxTokensPerChunk);
            }
        }
    }

    private static void positive(String what, int v) {
        if (v < 1 || v > 1 << 20) {
            throw new IllegalArgumentException(what + " must be between 1 and " + (1 << 20) + ", got " + v);
        }
    }

    /** Upstream's defaults for what a config may leave out (default_parameters.py and TTSModel at the pinned commit). */
    public static final Generation UPSTREAM_GENERATION = new Generation(0.7, 1, Double.NaN, -4.0, 50, 3.0, 2.0);

    // ---------------------------------------------------------------- from the upstream structure

    /**
     * The configuration in upstream's structure (its YAML read into a tree, or the fixtures' config.json). Optional
     * upstream keys take upstream's defaults; a {@code generation_defaults} object, where present, overrides the
     * generation defaults.
     */
    public static PocketConfig fromTree(JsonNode root) {
        Tree r = new Tree(root, "");
        Tree flow = r.child("flow_lm");
        Tree tr = flow.child("transformer");
        Tree lookup = flow.child("lookup_table");
        Tree mimi = r.child("mimi");
        Tree seanet = mimi.child("seanet");
        Tree mt = mimi.child("transformer");
        Tree quantizer = mimi.child("quantizer");
        int dModel = tr.integer("d_model");
        int lookupDim = lookup.integer("dim");
        if (lookupDim != dModel) {
            throw new IllegalArgumentException("flow_lm.lookup_table.dim " + lookupDim + " differs from d_model " + dModel
                    + " (the text lookup has no projection)");
        }
        String tokenizer = lookup.text("tokenizer", "sentencepiece");
        if (!tokenizer.equals("sentencepiece")) {
            throw new IllegalArgumentException("flow_lm.lookup_table.tokenizer '" + tokenizer + "' is not supported (sentencepiece is)");
        }
        double hiddenScale = tr.number("hidden_scale");
        int ffn = (int) (dModel * hiddenScale);
        int latent = quantizer.integer("dimension");
        FlowLm fl = new FlowLm(dModel, tr.integer("num_heads"), tr.integer("num_layers"), ffn, tr.number("max_period", 10000),
                lookup.integer("n_bins"), flow.child("flow").integer("dim"), flow.child("flow").integer("depth"), latent,
                flow.bool("insert_bos_before_voice", false));
        Seanet s = new Seanet(seanet.integer("dimension"), seanet.integer("channels", 1), seanet.integer("n_filters"),
                seanet.integer("n_residual_layers"), seanet.ints("ratios"), seanet.integer("kernel_size"), seanet.integer("residual_kernel_size"),
                seanet.integer("last_kernel_size"), seanet.integer("dilation_base"), seanet.text("pad_mode", "constant"), seanet.integer("compress"));
        MimiTransformer t = new MimiTransformer(mt.integer("d_model"), mt.integer("num_heads"), mt.integer("num_layers"),
                mt.number("layer_scale", 0), mt.integer("context"), mt.integer("dim_feedforward"), mt.integer("input_dimension"),
                mt.ints("output_dimensions"), mt.number("max_period", 10000));
        int innerDim = mimi.has("inner_dim") ? mimi.integer("inner_dim") : s.dimension();
        int outerDim = mimi.has("outer_dim") ? mimi.integer("outer_dim") : s.dimension();
        Mimi m = new Mimi(mimi.integer("sample_rate"), mimi.number("frame_rate"), innerDim, outerDim, s, t, latent,
                quantizer.integer("output_dimension"));
        Text text = new Text(r.bool("pad_with_spaces_for_short_inputs", false), r.bool("remove_semicolons", false),
                r.has("model_recommended_frames_after_eos") ? r.integer("model_recommended_frames_after_eos") : -1);
        Generation g = UPSTREAM_GENERATION;
        if (r.has("generation_defaults")) {
            Tree d = r.child("generation_defaults");
            g = new Generation(d.number("temp", g.temperature()), d.integer("lsd_decode_steps", g.lsdDecodeSteps()),
                    d.has("noise_clamp") ? d.number("noise_clamp") : Double.NaN, d.number("eos_threshold", g.eosThreshold()),
                    d.integer("max_tokens_per_chunk", g.maxTokensPerChunk()), d.number("tokens_per_second_estimate", g.tokensPerSecond()),
                    d.number("gen_seconds_padding", g.genSecondsPadding()));
        }
        return new PocketConfig(fl, m, text, g);
    }

    /** Typed access to a config tree, with messages naming the key. Null and absent are the same. */
    private record Tree(JsonNode node, String path) {
        Tree child(String key) {
            JsonNode c = node.get(key);
            if (c == null || !c.isObject()) {
                throw new IllegalArgumentException("config: '" + path + key + "' is missing or not an object");
            }
            return new Tree(c, path + key + ".");
        }

        boolean has(String key) {
            JsonNode c = node.get(key);
            return c != null && !c.isNull();
        }

        private JsonNode require(String key) {
            if (!has(key)) {
                throw new IllegalArgumentException("config: '" + path + key + "' is missing");
            }
            return node.get(key);
        }

        int integer(String key) {
            JsonNode v = require(key);
            if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || Math.abs(v.asDouble()) > 1 << 30) {
                throw new IllegalArgumentException("config: '" + path + key + "' must be a whole number, not " + v);
            }
            return v.asInt();
        }

        int integer(String key, int fallback) {
            return has(key) ? integer(key) : fallback;
        }

        double number(String key) {
            JsonNode v = require(key);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException("config: '" + path + key + "' must be a number, not " + v);
            }
            return v.asDouble();
        }

        double number(String key, double fallback) {
            return has(key) ? number(key) : fallback;
        }

        boolean bool(String key, boolean fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("config: '" + path + key + "' must be true or false, not " + v);
            }
            return v.asBoolean();
        }

        String text(String key, String fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isTextual()) {
                throw new IllegalArgumentException("config: '" + path + key + "' must be a string, not " + v);
            }
            return v.asText();
        }

        int[] ints(String key) {
            JsonNode v = require(key);
            if (!v.isArray() || v.isEmpty() || v.size() > 64) {
                throw new IllegalArgumentException("config: '" + path + key + "' must be a list of whole numbers");
            }
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode e = v.get(i);
                if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                    throw new IllegalArgumentException("config: '" + path + key + "' must be a list of whole numbers, not " + v);
                }
                out[i] = e.asInt();
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- GGUF

    static final String P = "pocket.";

    /** Writes every field as typed {@code pocket.*} metadata. */
    public void writeTo(GgufWriter w) {
        w.put(P + "flow_lm.d_model", flowLm.dModel());
        w.put(P + "flow_lm.num_heads", flowLm.numHeads());
        w.put(P + "flow_lm.num_layers", flowLm.numLayers());
        w.put(P + "flow_lm.dim_feedforward", flowLm.dimFeedforward());
        w.put(P + "flow_lm.max_period", flowLm.maxPeriod());
        w.put(P + "flow_lm.n_bins", flowLm.nBins());
        w.put(P + "flow_lm.flow_dim", flowLm.flowDim());
        w.put(P + "flow_lm.flow_depth", flowLm.flowDepth());
        w.put(P + "flow_lm.latent_dim", flowLm.latentDim());
        w.put(P + "flow_lm.insert_bos_before_voice", flowLm.insertBosBeforeVoice());
        w.put(P + "mimi.sample_rate", mimi.sampleRate());
        w.put(P + "mimi.frame_rate", mimi.frameRate());
        w.put(P + "mimi.inner_dim", mimi.innerDim());
        w.put(P + "mimi.outer_dim", mimi.outerDim());
        w.put(P + "mimi.quantizer.dimension", mimi.quantizerDimension());
        w.put(P + "mimi.quantizer.output_dimension", mimi.quantizerOutputDimension());
        Seanet s = mimi.seanet();
        w.put(P + "mimi.seanet.dimension", s.dimension());
        w.put(P + "mimi.seanet.channels", s.channels());
        w.put(P + "mimi.seanet.n_filters", s.nFilters());
        w.put(P + "mimi.seanet.n_residual_layers", s.nResidualLayers());
        w.put(P + "mimi.seanet.ratios", GgufValue.ofArray(GgufArray.ofInts(s.ratios())));
        w.put(P + "mimi.seanet.kernel_size", s.kernelSize());
        w.put(P + "mimi.seanet.residual_kernel_size", s.residualKernelSize());
        w.put(P + "mimi.seanet.last_kernel_size", s.lastKernelSize());
        w.put(P + "mimi.seanet.dilation_base", s.dilationBase());
        w.put(P + "mimi.seanet.pad_mode", s.padMode());
        w.put(P + "mimi.seanet.compress", s.compress());
        MimiTransformer t = mimi.transformer();
        w.put(P + "mimi.transformer.d_model", t.dModel());
        w.put(P + "mimi.transformer.num_heads", t.numHeads());
        w.put(P + "mimi.transformer.num_layers", t.numLayers());
        w.put(P + "mimi.transformer.layer_scale", t.layerScale());
        w.put(P + "mimi.transformer.context", t.context());
        w.put(P + "mimi.transformer.dim_feedforward", t.dimFeedforward());
        w.put(P + "mimi.transformer.input_dimension", t.inputDimension());
        w.put(P + "mimi.transformer.output_dimensions", GgufValue.ofArray(GgufArray.ofInts(t.outputDimensions())));
        w.put(P + "mimi.transformer.max_period", t.maxPeriod());
        w.put(P + "text.pad_with_spaces_for_short_inputs", text.padWithSpacesForShortInputs());
        w.put(P + "text.remove_semicolons", text.removeSemicolons());
        w.put(P + "text.recommended_frames_after_eos", text.recommendedFramesAfterEos());
        w.put(P + "generation.temperature", generation.temperature());
        w.put(P + "generation.lsd_decode_steps", generation.lsdDecodeSteps());
        w.put(P + "generation.noise_clamp", generation.noiseClamp());
        w.put(P + "generation.eos_threshold", generation.eosThreshold());
        w.put(P + "generation.max_tokens_per_chunk", generation.maxTokensPerChunk());
        w.put(P + "generation.tokens_per_second", generation.tokensPerSecond());
        w.put(P + "generation.gen_seconds_padding", generation.genSecondsPadding());
    }

    /** Reads what {@link #writeTo} wrote; every key is required. */
    public static PocketConfig readFrom(GgufFile f) throws GgufFormatException {
        Meta m = new Meta(f);
        try {
            FlowLm fl = new FlowLm(m.integer("flow_lm.d_model"), m.integer("flow_lm.num_heads"), m.integer("flow_lm.num_layers"),
                    m.integer("flow_lm.dim_feedforward"), m.number("flow_lm.max_period"), m.integer("flow_lm.n_bins"), m.integer("flow_lm.flow_dim"),
                    m.integer("flow_lm.flow_depth"), m.integer("flow_lm.latent_dim"), m.bool("flow_lm.insert_bos_before_voice"));
            Seanet s = new Seanet(m.integer("mimi.seanet.dimension"), m.integer("mimi.seanet.channels"), m.integer("mimi.seanet.n_filters"),
                    m.integer("mimi.seanet.n_residual_layers"), m.ints("mimi.seanet.ratios"), m.integer("mimi.seanet.kernel_size"),
                    m.integer("mimi.seanet.residual_kernel_size"), m.integer("mimi.seanet.last_kernel_size"), m.integer("mimi.seanet.dilation_base"),
                    m.string("mimi.seanet.pad_mode"), m.integer("mimi.seanet.compress"));
            MimiTransformer t = new MimiTransformer(m.integer("mimi.transformer.d_model"), m.integer("mimi.transformer.num_heads"),
                    m.integer("mimi.transformer.num_layers"), m.number("mimi.transformer.layer_scale"), m.integer("mimi.transformer.context"),
                    m.integer("mimi.transformer.dim_feedforward"), m.integer("mimi.transformer.input_dimension"),
                    m.ints("mimi.transformer.output_dimensions"), m.number("mimi.transformer.max_period"));
            Mimi mi = new Mimi(m.integer("mimi.sample_rate"), m.number("mimi.frame_rate"), m.integer("mimi.inner_dim"), m.integer("mimi.outer_dim"),
                    s, t, m.integer("mimi.quantizer.dimension"), m.integer("mimi.quantizer.output_dimension"));
            if (mi.quantizerDimension() != fl.latentDim()) {
                throw new IllegalArgumentException("the latent size differs between flow_lm and mimi");
            }
            Text tx = new Text(m.bool("text.pad_with_spaces_for_short_inputs"), m.bool("text.remove_semicolons"),
                    (int) f.requireInteger(P + "text.recommended_frames_after_eos", -1, 1 << 16));
            Generation g = new Generation(m.number("generation.temperature"), m.integer("generation.lsd_decode_steps"),
                    m.numberOrNaN("generation.noise_clamp"), m.number("generation.eos_threshold"), m.integer("generation.max_tokens_per_chunk"),
                    m.number("generation.tokens_per_second"), m.number("generation.gen_seconds_padding"));
            return new PocketConfig(fl, mi, tx, g);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("inconsistent Pocket TTS configuration: " + e.getMessage());
        }
    }

    private record Meta(GgufFile f) {
        int integer(String key) throws GgufFormatException {
            return (int) f.requireInteger(P + key, 0, 1 << 20);
        }

        double number(String key) throws GgufFormatException {
            double v = numberOrNaN(key);
            if (!Double.isFinite(v)) {
                throw new GgufFormatException("metadata '" + P + key + "' must be a finite number");
            }
            return v;
        }

        double numberOrNaN(String key) throws GgufFormatException {
            return get(key, GgufValue::asDouble, "a number");
        }

        boolean bool(String key) throws GgufFormatException {
            return get(key, GgufValue::asBool, "true or false");
        }

        String string(String key) throws GgufFormatException {
            return f.requireString(P + key);
        }

        int[] ints(String key) throws GgufFormatException {
            GgufArray a = get(key, GgufValue::asArray, "an array");
            if (a.elementType() != GgufValueType.INT32 || a.length() > 64) {
                throw new GgufFormatException("metadata '" + P + key + "' must be an array of INT32");
            }
            return ((int[]) a.values()).clone();
        }

        private <T> T get(String key, Function<GgufValue, T> read, String what) throws GgufFormatException {
            GgufValue v = f.get(P + key).orElseThrow(() -> new GgufFormatException("metadata '" + P + key + "' is missing"));
            try {
                return read.apply(v);
            } catch (IllegalStateException | ArithmeticException e) {
                throw new GgufFormatException("metadata '" + P + key + "' must be " + what);
            }
        }
    }
}
