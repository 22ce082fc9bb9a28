package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;
import dev.sotto.model.Utterance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One Pocket TTS utterance, generated as it is read: chunk by chunk (each from a fresh copy of the voice's cache and
 * a fresh Mimi state), the text prompt first (its latent is discarded, its noise draw counted), then a latent per
 * step until end of speech plus the chunk's frames after it, or the chunk's longest run. The first piece of each
 * chunk is its first latent's audio, then pieces of {@link #PIECE_LATENTS} latents; without streaming, pieces of
 * {@link #WHOLE_PIECE_LATENTS}. Keeps what it generated for tests ({@link #latents()}, {@link #eosLogits()}).
 */
final class PocketUtterance implements Utterance {
    /** Latents decoded per piece after the first (320 ms of audio). */
    static final int PIECE_LATENTS = 4;
    /** Latents per piece without streaming: bigger Mimi calls, but not so big that their activations leave the caches. */
    static final int WHOLE_PIECE_LATENTS = 16;

    private final PocketModel model;
    private final List<TextChunks.Chunk> chunks;
    private final PocketSettings settings;
    private final NoiseSource noise;
    private final Kernels k;
    private final boolean[] layers;         // FlowLM layers run (null: all)
    private final int latentDim;
    private final List<String> segments = new ArrayList<>();
    private final int tokenCount;
    private long prefillNanos;
    private long flowLmNanos;
    private long flowHeadNanos;
    private long mimiNanos;
    // Test record: every emitted latent, and the EOS logit of every computed step.
    private final List<float[]> latents = new ArrayList<>();
    private final List<Float> eosLogits = new ArrayList<>();

    // The chunk being generated.
    private int chunk = -1;
    private KvCache cache;
    private MimiDecoder.State mimi;
    private float[] previous;
    private int step;
    private int eosStep;
    private boolean chunkDone = true;
    private int piecesOfChunk;

    PocketUtterance(PocketModel model, List<TextChunks.Chunk> chunks, PocketSettings settings, NoiseSource noise, Kernels k) {
        this.model = model;
        this.chunks = chunks;
        this.settings = settings;
        this.noise = noise;
        this.k = k;
        int n = model.flowLm().transformer.layerCount();
        this.layers = settings.lowPower() ? lowPowerLayers(n) : null;
        this.latentDim = model.config().flowLm().latentDim();
        int tokens = 0;
        for (TextChunks.Chunk c : chunks) {
            segments.add(c.text());
            tokens += c.ids().length;
        }
        this.tokenCount = tokens;
    }

    /** Every other layer, starting with the first. */
    static boolean[] lowPowerLayers(int n) {
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i += 2) {
            mask[i] = true;
        }
        return mask;
    }

    @Override
    public boolean hasNext() {
        return !chunkDone || chunk + 1 < chunks.size();
    }

    @Override
    public AudioPiece next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the utterance has been read");
        }
        if (chunkDone) {
            startChunk(chunk + 1);
        }
        int want = !settings.streaming() ? WHOLE_PIECE_LATENTS : piecesOfChunk == 0 ? 1 : PIECE_LATENTS;
        List<float[]> batch = new ArrayList<>();
        while (batch.size() < want && !chunkDone) {
            float[] latent = nextLatent();
            if (latent != null) {
                batch.add(latent);
            }
        }
        piecesOfChunk++;
        float[] audio = decode(batch);
        return new AudioPiece(audio, chunk);
    }

    private void startChunk(int index) {
        chunk = index;
        TextChunks.Chunk c = chunks.get(index);
        FlowLm f = model.flowLm();
        VoiceState voice = settings.voice();
        int prefix = voice == null ? 0 : voice.length();
        cache = f.transformer.newCache(prefix + c.ids().length + c.maxFrames() + 1);
        if (voice != null) {
            cache.load(voice.keys(), voice.values(), voice.length());
        }
        mimi = model.mimi().newState();
        long t0 = System.nanoTime();
        f.prompt(k, f.embed(c.ids()), c.ids().length, cache, layers);
        noise.next(new float[latentDim]); // the prompt's own draw: its latent is discarded upstream
        prefillNanos += System.nanoTime() - t0;
        previous = null;
        step = 0;
        eosStep = -1;
        chunkDone = false;
        piecesOfChunk = 0;
    }

    /** The next latent of the chunk, or null when the chunk ends at this step (it is then done). */
    private float[] nextLatent() {
        TextChunks.Chunk c = chunks.get(chunk);
        if (step >= c.maxFrames()) {
            chunkDone = true;
            return null;
        }
        FlowLm f = model.flowLm();
        long t0 = System.nanoTime();
        float[] h = f.step(k, previous, cache, layers);
        float eos = f.eosLogit(k, h);
        long t1 = System.nanoTime();
        flowLmNanos += t1 - t0;
        eosLogits.add(eos);
        if (eos > settings.eosThreshold() && eosStep < 0) {
            eosStep = step;
        }
        if (eosStep >= 0 && step >= eosStep + c.framesAfterEos()) {
            chunkDone = true;
            return null;
        }
        float[] x0 = new float[latentDim];
        noise.next(x0);
        float[] latent = f.head.sample(k, h, x0, settings.lsdSteps());
        flowHeadNanos += System.nanoTime() - t1;
        latents.add(latent);
        previous = latent;
        step++;
        if (step >= c.maxFrames()) {
            chunkDone = true;
        }
        return latent;
    }

    private float[] decode(List<float[]> batch) {
        if (batch.isEmpty()) {
            return new float[0];
        }
        long t0 = System.nanoTime();
        float[] rows = new float[batch.size() * latentDim];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i), 0, rows, i * latentDim, latentDim);
        }
        float[] audio = model.mimi().decode(k, rows, batch.size(), mimi);
        mimiNanos += System.nanoTime() - t0;
        return audio;
    }

    @Override
    public int tokenCount() {
        return tokenCount;
    }

    @Override
    public int[] samplesPerToken() {
        return null;
    }

    @Override
    public List<String> segments() {
        return segments;
    }

    @Override
    public Map<String, Long> phaseNanos() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("prefill", prefillNanos);
        m.put("flowlm", flowLmNanos);
        m.put("flow_head", flowHeadNanos);
        m.put("mimi", mimiNanos);
        return m;
    }

    /** The latents emitted so far, in order. */
    List<float[]> latents() {
        return latents;
    }

    /** The EOS logit of every step computed so far (a chunk's final, unemitted step included). */
    List<Float> eosLogits() {
        return eosLogits;
    }
}
