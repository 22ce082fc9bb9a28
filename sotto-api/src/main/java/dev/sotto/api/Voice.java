package dev.sotto.api;

import dev.sotto.audio.Resampler;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.WavReader;
import dev.sotto.kernel.Kernels;
import dev.sotto.model.ModelInfo;
import dev.sotto.model.ModelInput;
import dev.sotto.model.ModelRegistry;
import dev.sotto.model.SpeechModel;
import dev.sotto.model.TextInput;
import dev.sotto.model.VoiceCloning;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A loaded voice of any model family: {@code Voice.load(path)}, then {@code voice.synthesize(text, options)} as many
 * times as needed, from any number of threads (the weights are immutable and memory-mapped; each call keeps its own
 * state). What the voice offers (family, rate, speakers, preset voices, parameters) is in {@link #info()}. Closing
 * the voice releases the mapping; calls after that fail.
 */
public final class Voice implements Synthesizer {
    private final SpeechModel model;
    private final ModelInfo info;
    private final Kernels kernels;
    private final String name;
    private volatile PhraseCache cache;
    private volatile boolean closed;

    private Voice(SpeechModel model, Kernels kernels, String name) {
        this.model = model;
        this.info = model.info();
        this.kernels = kernels;
        this.name = name;
    }

    /**
     * Loads a voice file: a GGUF model of any family on the class path (Piper/VITS, Pocket TTS), or another format a
     * converter on the class path reads (a Piper {@code .onnx} with its {@code .onnx.json}, with sotto-onnx).
     */
    public static Voice load(Path path) throws IOException {
        return load(path, Kernels.shared());
    }

    /** {@link #load(Path)} computing on the given kernels (and so on their thread pool). */
    public static Voice load(Path path, Kernels kernels) throws IOException {
        Objects.requireNonNull(path, "path");
        return of(ModelRegistry.load(path), kernels, path.getFileName().toString().replaceFirst("\\.(gguf|onnx)$", ""));
    }

    /** A voice over a model already loaded (which the voice then owns and closes). */
    public static Voice of(SpeechModel model, Kernels kernels, String name) {
        return new Voice(model, kernels, name);
    }

    public String name() {
        return name;
    }

    /** What the model is and offers. */
    public ModelInfo info() {
        return info;
    }

    @Override
    public String describe() {
        return "local:" + name;
    }

    @Override
    public VoiceListing listing() {
        return new VoiceListing(info.family(), info.languages(), info.sampleRate(), info.speakers(), info.voices(), info.defaultVoice(),
                info.attribution());
    }

    public int sampleRate() {
        return info.sampleRate();
    }

    public int speakerCount() {
        return info.speakers().size();
    }

    /** Speaker names by id (empty strings where the voice names none). */
    public List<String> speakerNames() {
        return info.speakers();
    }

    /** The language the voice speaks (for phoneme-based voices, the phonemizer's voice: "en-us"). */
    public String language() {
        return info.textInput() instanceof TextInput.Phonemes p ? p.phonemizerVoice() : info.language();
    }

    /**
     * Speech for {@code text}, produced lazily: each sentence (or passage, for models that split text themselves)
     * is synthesized when the stream asks for it, so the first chunk is ready early and memory does not grow with
     * the text.
     */
    @Override
    public SpeechStream synthesize(String text, SynthesisOptions options) {
        requireOpen();
        Objects.requireNonNull(text, "text");
        check(options);
        PhraseCache c = cache;
        if (c == null) {
            return SpeechStream.of(this, text, options, null, null);
        }
        String key = PhraseCache.key(info.digest(), text, options);
        List<AudioChunk> cached = c.get(key);
        return cached != null ? SpeechStream.replaying(this, options, cached) : SpeechStream.of(this, text, options, c, key);
    }

    /** Speech for one utterance given as the model's phoneme ids (phoneme-based voices; no text front end). */
    public SpeechStream synthesizeIds(int[] ids, SynthesisOptions options) {
        requireOpen();
        check(options);
        if (!(info.textInput() instanceof TextInput.Phonemes)) {
            throw new IllegalArgumentException("voice '" + name + "' (" + info.family() + ") reads text, not phoneme ids");
        }
        return SpeechStream.ofSentence(this, new ModelInputs.Sentence(new ModelInput.PhonemeIds(ids), "", "", null), options);
    }

    /** The phonemes of each sentence of {@code text}, as the voice would speak them (phoneme-based voices). */
    public List<String> phonemize(String text, SynthesisOptions options) {
        requirePhonemes();
        return ModelInputs.create(info, options).phonemes(text);
    }

    /** The model's ids for a phoneme string (phoneme-based voices): {@code ^ _ p _ ... $} in Piper's layout. */
    public int[] phonemeIds(String phonemes) {
        requirePhonemes();
        return ModelInputs.idMap(name, (TextInput.Phonemes) info.textInput()).sentence(phonemes).ids();
    }

    private void requirePhonemes() {
        requireOpen();
        if (!(info.textInput() instanceof TextInput.Phonemes)) {
            throw new IllegalStateException("voice '" + name + "' (" + info.family() + ") reads text itself; it has no phonemes");
        }
    }

    private void check(SynthesisOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.speaker() >= speakerCount()) {
            throw new IllegalArgumentException("speaker " + options.speaker() + " does not exist; voice '" + name + "' has "
                    + speakerCount() + " speaker(s)");
        }
        info.checkParameters(options.parameters());
    }

    /**
     * Makes a voice from a recording of someone speaking (a WAV file: PCM of 8 to 32 bits or float, any rate, mono or
     * more channels, averaged) and writes it to {@code out} in the family's voice format (Pocket TTS: a voice state in
     * upstream's layout, usable as {@code SynthesisOptions.voice(out)}). The recording is resampled to the model's rate
     * with the band-limited resampler; only its first {@link VoiceCloning#maxSeconds()} seconds are used, and one shorter
     * than {@link VoiceCloning#minSeconds()}, silent or holding non-finite samples is refused. Only make voices of
     * people who agreed to it (Kyutai's terms for Pocket TTS require the speaker's consent).
     *
     * @return the seconds of the recording that were used
     */
    public double cloneVoice(Path recording, Path out) throws IOException {
        requireOpen();
        if (!(model instanceof VoiceCloning cloning)) {
            throw new IllegalStateException("voice '" + name + "' (" + info.family() + ") cannot make voices from recordings");
        }
        if (cloning.cloningUnavailable() != null) {
            throw new IllegalStateException(cloning.cloningUnavailable());
        }
        WavReader.Recording r = WavReader.read(recording);
        String file = recording.getFileName().toString();
        if (r.frames() == 0) {
            throw new IllegalArgumentException(file + " holds no audio");
        }
        float[] mono = r.mono();
        int keep = (int) Math.min(mono.length, Math.round(cloning.maxSeconds() * r.sampleRate()));
        mono = Arrays.copyOf(mono, keep); // as upstream: the start of a long recording
        double peak = 0;
        for (float v : mono) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(file + " holds samples that are not numbers (NaN or infinite)");
            }
            peak = Math.max(peak, Math.abs(v));
        }
        double seconds = mono.length / (double) r.sampleRate();
        if (seconds < cloning.minSeconds()) {
            throw new IllegalArgumentException(file + " is " + String.format(java.util.Locale.ROOT, "%.2f", seconds) + " s long; a voice needs at"
                    + " least " + cloning.minSeconds() + " s of speech (" + cloning.maxSeconds() + " s at most are used)");
        }
        if (peak == 0) {
            throw new IllegalArgumentException(file + " is silent");
        }
        float[] audio = r.sampleRate() == sampleRate() ? mono : Resampler.resample(mono, r.sampleRate(), sampleRate());
        cloning.cloneVoice(audio, out, kernels);
        return seconds;
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

    SpeechModel model() {
        return model;
    }

    Kernels kernels() {
        return kernels;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }

    @Override
    public String toString() {
        return name + " (" + info.family() + ", " + info.sampleRate() + " Hz" + (info.voices().isEmpty() ? "" : ", voices "
                + String.join(" ", info.voices())) + ")" + (info.speakers().size() > 1 ? " speakers " + Arrays.toString(info.speakers().toArray()) : "");
    }
}
