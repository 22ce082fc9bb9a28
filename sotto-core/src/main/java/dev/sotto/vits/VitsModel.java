package dev.sotto.vits;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.WeightMatrix;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A VITS voice (the Piper family): immutable weights memory-mapped from a GGUF file, shared by any number of
 * concurrent {@link #synthesize} calls, each of which keeps its state on its own stack.
 */
public final class VitsModel implements AutoCloseable {
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
        TextEncoder.Output enc = encoder.encode(k, ids);
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
        float[] z = flow.reverse(k, zp, ty, g);
        long t3 = System.nanoTime();
        float[] audio = decoder.decode(k, z, ty, g);
        long t4 = System.nanoTime();
        return new Result(audio, frames, new Timings(t1 - t0, t2 - t1, t3 - t2, t4 - t3));
    }

    @Override
    public void close() {
        file.close();
    }
}
