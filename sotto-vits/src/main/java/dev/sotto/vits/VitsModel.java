package dev.sotto.vits;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Kernels;
import dev.sotto.model.GenerationSettings;
import dev.sotto.model.ModelInfo;
import dev.sotto.model.ModelInput;
import dev.sotto.model.ModelParameter;
import dev.sotto.model.SpeechModel;
import dev.sotto.model.TextInput;
import dev.sotto.model.Utterance;
import dev.sotto.tensor.WeightMatrix;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A VITS voice (the Piper family): immutable weights memory-mapped from a GGUF file, shared by any number of
 * concurrent {@link #synthesize} calls, each of which keeps its state on its own stack. As a {@link SpeechModel} it
 * speaks phoneme ids (Piper's {@code ^ _ p _ ... $} layout, from its {@link PiperConfig}); speed is native (the
 * duration scale), "variation" scales the prior noise (noise scale) and "rhythm variation" the duration noise
 * (noise w); low power skips every other text-encoder layer and all but one residual block per decoder stage.
 */
public final class VitsModel implements SpeechModel {
    public static final String ARCHITECTURE = "vits";
    /** Maximum phoneme ids per call: attention is quadratic in it; longer input must be split into sentences. */
    public static final int MAX_IDS = 4096;
    /** Maximum frames per call (about 6 minutes at 22 kHz): bounds memory whatever the predicted durations. */
    public static final int MAX_FRAMES = 1 << 16;

    private final GgufFile file;
    private final VitsConfig cfg;
    private final TextEncoder encoder;
    private final DurationPredictor durations;
    private final CouplingFlow flow;
    private final HifiGanDecoder decoder;
    private final WeightMatrix speakerEmbedding; // [speakers, gin] or null
    private final PiperConfig piper;
    private final ModelInfo info;

    /** Generation parameters, Piper's names; their defaults come from the voice's config. */
    static final String NOISE_SCALE = "noise_scale";
    static final String LENGTH_SCALE = "length_scale";
    static final String NOISE_W = "noise_w";

    /** Phase timings of one call, in nanoseconds. */
    public record Timings(long encoderNanos, long durationNanos, long flowNanos, long decoderNanos) {
    }

    /**
     * @param audio raw samples in (-1, 1), {@code frames sum * hop} of them
     * @param frames frames per phoneme id (ceil of the predicted duration times the length scale)
     */
    public record Result(float[] audio, int[] frames, Timings timings) {
    }

    private VitsModel(GgufFile file) throws GgufFormatException {
        this.file = file;
        String arch = file.requireString("general.architecture");
        if (!arch.equals(ARCHITECTURE)) {
            throw new GgufFormatException("not a VITS voice: general.architecture is '" + arch + "'");
        }
        this.cfg = VitsConfig.readFrom(file);
        WeightSource w = new WeightSource(file);
        this.encoder = new TextEncoder(cfg, w);
        this.durations = new DurationPredictor(cfg, w);
        this.flow = new CouplingFlow(cfg, w);
        this.decoder = new HifiGanDecoder(cfg, w);
        this.speakerEmbedding = cfg.gin() > 0 ? w.matrix("emb_g.weight", cfg.speakers(), cfg.gin()) : null;
        this.piper = PiperConfig.readFrom(file, cfg.sampleRate());
        for (Map.Entry<String, int[]> e : piper.phonemeIds().entrySet()) {
            for (int id : e.getValue()) {
                if (id < 0 || id >= cfg.vocabSize()) {
                    throw new GgufFormatException("phoneme '" + e.getKey() + "' has id " + id + ", beyond the model's " + cfg.vocabSize() + " symbols");
                }
            }
        }
        this.info = info(file, cfg, piper);
    }

    private static ModelInfo info(GgufFile file, VitsConfig cfg, PiperConfig piper) {
        int speakerCount = Math.max(1, cfg.speakers());
        List<String> speakers = new java.util.ArrayList<>(piper.speakerNames());
        while (speakers.size() < speakerCount) {
            speakers.add("");
        }
        List<ModelParameter> parameters = List.of(
                new ModelParameter(NOISE_SCALE, "prior noise: variation of the voice", 0, 10, (double) piper.noiseScale(), false),
                new ModelParameter(LENGTH_SCALE, "duration scale, larger is slower", 0.05, 20, (double) piper.lengthScale(), false),
                new ModelParameter(NOISE_W, "duration noise: variation of the rhythm", 0, 10, (double) piper.noiseW(), false));
        String language = piper.languageCode().isEmpty() ? piper.espeakVoice() : piper.languageCode();
        return new ModelInfo(ARCHITECTURE, "Piper (VITS)", file.get("general.name").map(v -> v.asString()).orElse("vits"),
                ModelInfo.digestOf(file), cfg.sampleRate(), new TextInput.Phonemes(piper.espeakVoice(), piper.phonemeIds(), piper.phonemeMap()),
                List.of(language), speakers.subList(0, speakerCount), List.of(), null, parameters, true,
                "every other text-encoder layer and all but the first residual block of each decoder stage are skipped", null);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** The voice's Piper config (phoneme ids, defaults, speakers). */
    public PiperConfig piper() {
        return piper;
    }

    /**
     * An utterance of phoneme ids: noise scale = parameter x variation, length scale = parameter / speed, noise w =
     * parameter x rhythm variation. VITS voices have no preset voices, so a named voice is refused.
     */
    @Override
    public Utterance prepare(ModelInput input, GenerationSettings s, Kernels k) {
        if (!(input instanceof ModelInput.PhonemeIds(int[] ids))) {
            throw new IllegalArgumentException("a VITS voice speaks phoneme ids; the text must be phonemized first");
        }
        if (s.voice() != null) {
            throw new IllegalArgumentException("VITS voices have no preset voices (asked for '" + s.voice() + "'); choose a speaker instead");
        }
        info.checkParameters(s.parameters());
        float noiseScale = (float) (value(s, NOISE_SCALE) * s.variation());
        float lengthScale = (float) (value(s, LENGTH_SCALE) / s.speed());
        float noiseW = (float) (value(s, NOISE_W) * s.rhythmVariation());
        VitsParams p = new VitsParams(Math.min(10f, noiseScale), Math.max(0.01f, Math.min(20f, lengthScale)), Math.min(10f, noiseW),
                s.speaker(), s.seed(), s.lowPower());
        return new VitsUtterance(this, prepare(ids, p, k, null), k, s.streaming());
    }

    private double value(GenerationSettings s, String name) {
        return s.valueOf(info.parameter(name).orElseThrow());
    }

    /** Loads a voice from an open GGUF file; the model takes ownership and closes it. */
    public static VitsModel load(GgufFile file) throws GgufFormatException {
        try {
            return new VitsModel(file);
        } catch (GgufFormatException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public VitsConfig config() {
        return cfg;
    }

    public GgufFile file() {
        return file;
    }

    /** Synthesizes one utterance from phoneme ids. */
    public Result synthesize(int[] ids, VitsParams p, Kernels k) {
        return synthesize(ids, p, k, null);
    }

    /**
     * Synthesizes one utterance; with {@code forcedFrames} (frames per id, e.g. from another voice or a timing
     * plan) the predicted durations are replaced, so that two renderings can be compared sample by sample.
     */
    public Result synthesize(int[] ids, VitsParams p, Kernels k, int[] forcedFrames) {
        return render(prepare(ids, p, k, forcedFrames), k);
    }

    /** The whole audio of a prepared utterance: the flow and the decoder over all its frames at once. */
    Result render(Prepared u, Kernels k) {
        long t2 = System.nanoTime();
        float[] z = flow.reverse(k, u.prior(), u.frameCount(), u.speaker());
        long t3 = System.nanoTime();
        float[] audio = decoder.decode(k, z, u.frameCount(), u.speaker(), u.lowPower());
        long t4 = System.nanoTime();
        return new Result(audio, u.frames(), new Timings(u.encoderNanos(), u.durationNanos(), t3 - t2, t4 - t3));
    }

    /**
     * An utterance ready to decode: its durations are fixed and its latent prior drawn, so that any range of its
     * frames can be rendered on its own ({@link #decode}).
     *
     * @param frames frames per phoneme id
     * @param prior z_p [inter, frameCount]
     * @param speaker speaker vector g, or null
     */
    public record Prepared(int[] frames, float[] prior, int frameCount, float[] speaker, long encoderNanos, long durationNanos,
                           boolean lowPower) {
    }

    /** Runs the text encoder and duration predictor and draws the prior (everything before the flow). */
    public Prepared prepare(int[] ids, VitsParams p, Kernels k, int[] forcedFrames) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("no phoneme ids to speak");
        }
        if (ids.length > MAX_IDS) {
            throw new IllegalArgumentException(ids.length + " phoneme ids in one call; at most " + MAX_IDS + " (split the text into sentences)");
        }
        for (int id : ids) {
            if (id < 0 || id >= cfg.vocabSize()) {
                throw new IllegalArgumentException("phoneme id " + id + " is outside this voice's 0.." + (cfg.vocabSize() - 1));
            }
        }
        if (forcedFrames != null && forcedFrames.length != ids.length) {
            throw new IllegalArgumentException(forcedFrames.length + " forced durations for " + ids.length + " ids");
        }
        if (p.speaker() >= Math.max(1, cfg.speakers())) {
            throw new IllegalArgumentException("speaker " + p.speaker() + " does not exist; this voice has " + Math.max(1, cfg.speakers()) + " speaker(s)");
        }
        RandomGenerator noise = new SplittableRandom(p.seed());
        float[] g = null;
        if (speakerEmbedding != null) {
            g = new float[cfg.gin()];
            speakerEmbedding.dequantizeRow(p.speaker(), g, 0);
        }
        int t = ids.length;

        long t0 = System.nanoTime();
        TextEncoder.Output enc = encoder.encode(k, ids, p.lowPower());
        long t1 = System.nanoTime();
        float[] logw = durations.logDurations(k, enc.x(), t, g, p.noiseW(), noise);
        int[] frames = new int[t];
        long total = 0;
        for (int i = 0; i < t; i++) {
            if (forcedFrames != null) {
                frames[i] = Math.max(0, Math.min(MAX_FRAMES, forcedFrames[i]));
            } else {
                float wv = (float) Math.exp(logw[i]) * p.lengthScale();
                float c = (float) Math.ceil(wv);
                frames[i] = Float.isFinite(c) && c > 0 ? (int) Math.min(c, MAX_FRAMES) : 0;
            }
            total += frames[i];
        }
        if (total > MAX_FRAMES) {
            throw new IllegalArgumentException("the predicted speech is " + total + " frames long; at most " + MAX_FRAMES
                    + " per call (shorten the sentence or the length scale)");
        }
        int ty = (int) Math.max(1, total);

        // Length regulation and the prior: z_p = m + eps * exp(logs) * noise_scale, repeated along the path.
        int inter = cfg.inter();
        float[] zp = new float[inter * ty];
        int frame = 0;
        for (int i = 0; i < t; i++) {
            for (int f = 0; f < frames[i]; f++, frame++) {
                for (int c = 0; c < inter; c++) {
                    zp[c * ty + frame] = enc.m()[c * t + i];
                }
            }
        }
        if (p.noiseScale() != 0f) {
            frame = 0;
            float[] logsFrame = new float[inter * ty];
            for (int i = 0; i < t; i++) {
                for (int f = 0; f < frames[i]; f++, frame++) {
                    for (int c = 0; c < inter; c++) {
                        logsFrame[c * ty + frame] = enc.logs()[c * t + i];
                    }
                }
            }
            for (int c = 0; c < inter; c++) {
                for (int j = 0; j < ty; j++) {
                    int idx = c * ty + j;
                    zp[idx] += (float) noise.nextGaussian() * (float) Math.exp(logsFrame[idx]) * p.noiseScale();
                }
            }
        }
        long t2 = System.nanoTime();
        return new Prepared(frames, zp, ty, g, t1 - t0, t2 - t1, p.lowPower());
    }

    /**
     * Samples of frames [from, to) of a prepared utterance, computed on a window with enough frames of context
     * on each side ({@link #flowContextFrames()}, {@link #decoderContextFrames()}) that they equal those of the
     * whole utterance up to float rounding. Rendering consecutive ranges streams one utterance.
     */
    public float[] decode(Prepared u, int from, int to, Kernels k) {
        if (from < 0 || to > u.frameCount() || from >= to) {
            throw new IllegalArgumentException("frame range [" + from + ", " + to + ") outside [0, " + u.frameCount() + ")");
        }
        Stream s = new Stream(u, k);
        s.flowDone = Math.max(0, from - decoderContextFrames()); // only this range's window is needed
        return s.decodeRange(from, to);
    }

    /**
     * Streams a prepared utterance range by range ({@link #streamingBoundaries}): the flow runs in blocks that grow
     * up to {@link #FLOW_BLOCK_FRAMES} frames, each with its context, and its output is kept, so each frame goes
     * through the flow about once; each range is decoded with the decoder's context around it. Samples equal those of the
     * whole utterance up to float rounding. One consumer at a time.
     */
    public final class Stream {
        private final Prepared u;
        private final Kernels k;
        private final int[] bounds;
        private final float[] z;     // [inter, frameCount], valid on [0, flowDone)
        private int flowDone;
        private int next;
        private long flowNanos;
        private long decoderNanos;

        private Stream(Prepared u, Kernels k) {
            this.u = u;
            this.k = k;
            this.bounds = streamingBoundaries(u.frameCount());
            this.z = new float[cfg.inter() * u.frameCount()];
        }

        public boolean hasNext() {
            return next + 1 < bounds.length;
        }

        /** Time spent in the flow so far. */
        public long flowNanos() {
            return flowNanos;
        }

        /** Time spent in the decoder so far. */
        public long decoderNanos() {
            return decoderNanos;
        }

        /** Samples of the next range. */
        public float[] next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException("the utterance has been streamed");
            }
            int from = bounds[next];
            int to = bounds[next + 1];
            next++;
            return decodeRange(from, to);
        }

        /** Samples of frames [from, to): the flow extended as far as the decoder's window needs, then the decoder. */
        private float[] decodeRange(int from, int to) {
            int ty = u.frameCount();
            int inter = cfg.inter();
            int d = decoderContextFrames();
            int a = Math.max(0, from - d);
            int b = Math.min(ty, to + d);
            long t0 = System.nanoTime();
            while (flowDone < b) {
                // Blocks grow like the ranges (the first covers just the first range) up to FLOW_BLOCK_FRAMES.
                int x1 = Math.min(ty, Math.max(b, flowDone + Math.min(FLOW_BLOCK_FRAMES, 4 * flowDone)));
                flowBlock(flowDone, x1);
                flowDone = x1;
            }
            long t1 = System.nanoTime();
            int w = b - a;
            float[] zd = new float[inter * w];
            for (int c = 0; c < inter; c++) {
                System.arraycopy(z, c * ty + a, zd, c * w, w);
            }
            float[] audio = decoder.decode(k, zd, w, u.speaker(), u.lowPower());
            flowNanos += t1 - t0;
            decoderNanos += System.nanoTime() - t1;
            int hop = cfg.hopLength();
            return java.util.Arrays.copyOfRange(audio, (from - a) * hop, (to - a) * hop);
        }

        /** z on frames [x0, x1), from the flow run on [x0 - F, x1 + F). */
        private void flowBlock(int x0, int x1) {
            int ty = u.frameCount();
            int inter = cfg.inter();
            int f = flowContextFrames();
            int a2 = Math.max(0, x0 - f);
            int b2 = Math.min(ty, x1 + f);
            int w2 = b2 - a2;
            float[] window = new float[inter * w2];
            for (int c = 0; c < inter; c++) {
                System.arraycopy(u.prior(), c * ty + a2, window, c * w2, w2);
            }
            float[] out = flow.reverse(k, window, w2, u.speaker());
            for (int c = 0; c < inter; c++) {
                System.arraycopy(out, c * w2 + (x0 - a2), z, c * ty + x0, x1 - x0);
            }
        }
    }

    /** Most frames the streaming flow handles in one block. */
    public static final int FLOW_BLOCK_FRAMES = 1024;

    /** A stream over a prepared utterance. */
    public Stream stream(Prepared u, Kernels k) {
        return new Stream(u, k);
    }

    /** Frames in the first streamed range: small, so that the first audio comes quickly. */
    public static final int FIRST_STREAM_FRAMES = 8;
    /** Largest streamed range: long enough that the context windows cost little. */
    public static final int MAX_STREAM_FRAMES = 512;

    /**
     * How to stream {@code frameCount} frames: ranges [r[i], r[i+1]) that start at {@link #FIRST_STREAM_FRAMES} and
     * grow fourfold up to {@link #MAX_STREAM_FRAMES}, so the first audio is quick and later ranges amortise their
     * context.
     */
    public static int[] streamingBoundaries(int frameCount) {
        java.util.List<Integer> b = new java.util.ArrayList<>();
        b.add(0);
        int size = FIRST_STREAM_FRAMES;
        int at = 0;
        while (at < frameCount) {
            at = Math.min(frameCount, at + size);
            b.add(at);
            size = Math.min(MAX_STREAM_FRAMES, size * 4);
        }
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Frames on each side that the coupling flow's output depends on: its WaveNets' reach, added up. */
    public int flowContextFrames() {
        int reach = 0;
        int dilation = 1;
        for (int i = 0; i < cfg.wnLayers(); i++) {
            reach += (cfg.wnKernel() - 1) / 2 * dilation;
            dilation *= cfg.wnDilationRate();
        }
        return reach * cfg.flowIds().length + 1;
    }

    /**
     * Frames on each side that the decoder's output depends on: conv_pre, then per stage the transposed
     * convolution and the widest residual block, converted to frames at that stage's rate, and conv_post.
     */
    public int decoderContextFrames() {
        double frames = (cfg.decPreKernel() - 1) / 2.0;
        int rate = 1;
        for (int i = 0; i < cfg.upsampleRates().length; i++) {
            double samples = cfg.upsampleKernels()[i] / 2.0;
            double widest = 0;
            for (int j = 0; j < cfg.resblockKernels().length; j++) {
                double reach = 0;
                for (int dil : cfg.resblockDilations()[j]) {
                    reach += (cfg.resblockKernels()[j] - 1) / 2.0 * (dil + (cfg.resblockType() == 1 ? 1 : 0));
                }
                widest = Math.max(widest, reach);
            }
            rate *= cfg.upsampleRates()[i];
            frames += (samples + widest) / rate + 1.0 / rate * cfg.upsampleRates()[i];
        }
        frames += (cfg.decPostKernel() - 1) / 2.0 / rate;
        return (int) Math.ceil(frames) + 1;
    }

    @Override
    public void close() {
        file.close();
    }
}
