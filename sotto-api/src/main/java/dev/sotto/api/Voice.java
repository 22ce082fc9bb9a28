package dev.sotto.api;

import dev.sotto.audio.SampleFormat;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Kernels;
import dev.sotto.text.PhonemeIdMap;
import dev.sotto.vits.VitsModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A loaded voice: {@code Voice.load(path)}, then {@code voice.synthesize(text, options)} as many times as needed,
 * from any number of threads (the weights are immutable and memory-mapped; each call keeps its own state).
 * Closing the voice releases the mapping; calls after that fail.
 */
public final class Voice implements Synthesizer {
    private final VitsModel model;
    private final PhonemeIdMap phonemeIds;
    private final Kernels kernels;
    private final String name;
    private final String espeakVoice;
    private final float noiseScale;
    private final float lengthScale;
    private final float noiseW;
    private final List<String> speakerNames;
    private final String digest;
    private volatile PhraseCache cache;
    private volatile boolean closed;

    private Voice(VitsModel model, Kernels kernels, String name) throws GgufFormatException {
        this.model = model;
        this.kernels = kernels;
        this.name = name;
        GgufFile f = model.file();
        this.phonemeIds = PiperVoices.phonemeIdMap(f);
        this.espeakVoice = PiperVoices.espeakVoice(f);
        this.noiseScale = PiperVoices.inferenceDefault(f, "piper.noise_scale", 0.667f);
        this.lengthScale = PiperVoices.inferenceDefault(f, "piper.length_scale", 1f);
        this.noiseW = PiperVoices.inferenceDefault(f, "piper.noise_w", 0.8f);
        this.speakerNames = f.get("piper.speakers").map(v -> List.of(v.asArray().strings())).orElse(List.of());
        this.digest = digest(f);
    }

    /**
     * Identity of the voice for cache keys: SHA-256 of the GGUF header (metadata, including the whole config,
     * and tensor names, shapes, types and offsets). Voices converted differently differ in it.
     */
    private static String digest(GgufFile f) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(f.headerBytes().asByteBuffer());
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads a sotto GGUF voice, or a Piper {@code .onnx} (with its {@code .onnx.json} beside it) converted in memory. */
    public static Voice load(Path path) throws IOException {
        return load(path, Kernels.shared());
    }

    /** {@link #load(Path)} computing on the given kernels (and so on their thread pool). */
    public static Voice load(Path path, Kernels kernels) throws IOException {
        Objects.requireNonNull(path, "path");
        VitsModel model = PiperVoices.loadModel(path, null);
        try {
            return new Voice(model, kernels, path.getFileName().toString().replaceFirst("\\.(gguf|onnx)$", ""));
        } catch (GgufFormatException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "local:" + name;
    }

    public int sampleRate() {
        return model.config().sampleRate();
    }

    public int speakerCount() {
        return Math.max(1, model.config().speakers());
    }

    /** Speaker names by id (empty strings where the voice names none). */
    public List<String> speakerNames() {
        return speakerNames;
    }

    /** The espeak-ng voice the model was trained with. */
    public String language() {
        return espeakVoice;
    }

    /**
     * Speech for {@code text}, produced lazily: each sentence is synthesized when the stream asks for it, so the
     * first chunk is ready after the first sentence and memory does not grow with the text.
     */
    @Override
    public SpeechStream synthesize(String text, SynthesisOptions options) {
        requireOpen();
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(options, "options");
        if (phonemeIds == null) {
            throw new IllegalStateException("voice '" + name + "' has no phoneme id map; it cannot speak text");
        }
        if (options.speaker() >= speakerCount()) {
            throw new IllegalArgumentException("speaker " + options.speaker() + " does not exist; voice '" + name + "' has "
                    + speakerCount() + " speaker(s)");
        }
        PhraseCache c = cache;
        if (c == null) {
            return new SpeechStream(this, text, options, null, null);
        }
        String key = PhraseCache.key(digest, text, options);
        List<AudioChunk> cached = c.get(key);
        return cached != null ? new SpeechStream(this, options, cached) : new SpeechStream(this, text, options, c, key);
    }

    /**
     * Keeps rendered phrases in {@code cache} (null to stop): a phrase synthesized to the end is stored, and the same
     * text with the same options is then replayed from the cache. Returns this voice.
     */
    public Voice useCache(PhraseCache cache) {
        this.cache = cache;
        return this;
    }

    /** Renders {@code phrases} into the cache ahead of time (needs {@link #useCache}). */
    public void prewarm(List<String> phrases, SynthesisOptions options) {
        if (cache == null) {
            throw new IllegalStateException("prewarm needs a phrase cache: call useCache first");
        }
        for (String p : phrases) {
            try (SpeechStream s = synthesize(p, options)) {
                s.readAll();
            }
        }
    }

    /** Synthesizes {@code text} into a WAV file, written atomically. */
    public void synthesizeToFile(String text, SynthesisOptions options, Path wav, SampleFormat format) throws IOException {
        try (SpeechStream s = synthesize(text, options)) {
            s.writeWav(wav, format);
        }
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("voice '" + name + "' is closed");
        }
    }

    VitsModel model() {
        return model;
    }

    Kernels kernels() {
        return kernels;
    }

    PhonemeIdMap phonemeIds() {
        return phonemeIds;
    }

    float defaultNoiseScale() {
        return noiseScale;
    }

    float defaultLengthScale() {
        return lengthScale;
    }

    float defaultNoiseW() {
        return noiseW;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
