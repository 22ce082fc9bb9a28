package dev.sotto.api;

import dev.sotto.audio.AudioFilter;
import dev.sotto.audio.FilterChain;
import dev.sotto.audio.Level;
import dev.sotto.audio.PitchShifter;
import dev.sotto.audio.Samples;
import dev.sotto.audio.TimeStretcher;
import dev.sotto.audio.Whisperer;
import dev.sotto.model.GenerationSettings;
import dev.sotto.model.ModelInfo;
import dev.sotto.model.Utterance;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The speech of one {@link Voice#synthesize} call as {@link AudioChunk}s, synthesized as they are read: the text is
 * planned ({@link SpeechPlan}: SSML runs and pauses, sentences for models that speak one at a time), each utterance
 * is prepared by the model when reached and read piece by piece, and its audio goes through the request's filter
 * chain (time stretch where speed is not a model input, pitch shift, whisper, level) on the way out. Iterate it,
 * write it ({@link #writeWav}, {@link #writePcm}) or {@link #play()} it; it can be consumed once. Not thread-safe
 * (one consumer).
 */
public final class SpeechStream extends ReadOnceAudioStream {
    private final Voice voice;
    private final SynthesisOptions options;
    private final ModelInputs inputs;
    private final Deque<SpeechPlan.Piece> pieces;
    private final Deque<ModelInputs.Sentence> pending = new ArrayDeque<>();
    private SpeechPlan.Piece current;
    private int index;
    private int sentenceIndex;
    private final Map<String, Long> phaseNanos = new LinkedHashMap<>();
    private int tokens;
    // The utterance being read: its input, first sentence index, timings (in its output samples) and position.
    private Utterance utterance;
    private ModelInputs.Sentence sentence;
    private int sentenceBase;
    private TokenTimings timings;
    private int sentenceSample;
    private AudioFilter filters;

    // Phrase cache: chunks replayed from it, or recorded for it (key non-null) and stored when the stream ends.
    private final java.util.Iterator<AudioChunk> replay;
    private final PhraseCache cache;
    private final String cacheKey;
    private final List<AudioChunk> recorded = new ArrayList<>();
    private boolean recording;
    private long recordedBytes;

    private SpeechStream(Voice voice, SynthesisOptions options, ModelInputs inputs, Deque<SpeechPlan.Piece> pieces,
                         java.util.Iterator<AudioChunk> replay, PhraseCache cache, String cacheKey) {
        this.voice = voice;
        this.options = options;
        this.inputs = inputs;
        this.pieces = pieces;
        this.replay = replay;
        this.cache = cache;
        this.cacheKey = cacheKey;
        this.recording = cacheKey != null;
    }

    /** Speech for {@code text}; {@code cacheKey} non-null to record it into {@code cache}. */
    static SpeechStream of(Voice voice, String text, SynthesisOptions options, PhraseCache cache, String cacheKey) {
        ModelInputs inputs = ModelInputs.create(voice.info(), options);
        Deque<SpeechPlan.Piece> pieces = SpeechPlan.of(text, options.ssml(), inputs.splitsSentences(), voice.sampleRate());
        return new SpeechStream(voice, options, inputs, pieces, null, cache, cacheKey);
    }

    /** Speech for one utterance given as model input (phoneme ids). */
    static SpeechStream ofSentence(Voice voice, ModelInputs.Sentence sentence, SynthesisOptions options) {
        SpeechStream s = new SpeechStream(voice, options, null, new ArrayDeque<>(), null, null, null);
        s.current = new SpeechPlan.Piece(sentence.text(), 1f, 0f, 0f, 0);
        s.pending.add(sentence);
        return s;
    }

    /** A stream replaying cached chunks. */
    static SpeechStream replaying(Voice voice, SynthesisOptions options, List<AudioChunk> cached) {
        return new SpeechStream(voice, options, null, new ArrayDeque<>(), cached.iterator(), null, null);
    }

    @Override
    public int sampleRate() {
        return voice.sampleRate();
    }

    /**
     * Time spent so far in each phase of the model's pipeline, summed over the utterances read (for benchmarks; the
     * phases are the family's: VITS encoder/duration/flow/decoder, Pocket TTS prefill/flowlm/flow_head/mimi).
     */
    public Map<String, Long> phaseNanos() {
        Map<String, Long> all = new LinkedHashMap<>(phaseNanos);
        if (utterance != null) {
            utterance.phaseNanos().forEach((k, v) -> all.merge(k, v, Long::sum));
        }
        return all;
    }

    /** Input tokens (phoneme ids, text tokens) of the utterances prepared so far. */
    public int tokenCount() {
        return tokens;
    }

    @Override
    protected AudioChunk produce() {
        if (replay != null) {
            return replay.hasNext() ? replay.next() : null;
        }
        AudioChunk c = synthesizeNext();
        if (c == null && index == 0) {
            // Text, but nothing in it this voice can say: an error, not an empty file.
            throw new NothingToSayException("nothing to say: the text has nothing this voice can speak (letters of scripts its phonemizer"
                    + " cannot read, symbols or punctuation only)");
        }
        if (recording) {
            if (c != null) {
                recorded.add(c);
                recordedBytes += 4L * c.samples().length;
                if (recordedBytes > cache.largestEntryBytes()) {
                    recording = false; // too long to be cached: keep nothing, so memory stays bounded
                    recorded.clear();
                }
            } else {
                cache.put(cacheKey, List.copyOf(recorded));
            }
        }
        return c;
    }

    private AudioChunk synthesizeNext() {
        while (true) {
            if (utterance == null) {
                while (pending.isEmpty()) {
                    if (pieces.isEmpty()) {
                        return null;
                    }
                    current = pieces.poll();
                    if (current.isPause()) {
                        int n = current.pauseSamples();
                        return new AudioChunk(new float[n], voice.sampleRate(), index++, Math.max(0, sentenceIndex - 1), "", "", List.of(),
                                List.of(), n);
                    }
                    pending.addAll(inputs.of(current.text()));
                }
                voice.requireOpen();
                start(pending.poll());
            }
            voice.requireOpen();
            Utterance.AudioPiece piece = utterance.next();
            requireFinite(piece.samples());
            boolean done = !utterance.hasNext();
            float[] audio = filters.process(piece.samples(), 0, piece.samples().length);
            if (done) {
                audio = Samples.concat(audio, filters.flush());
            }
            if (audio.length == 0 && !done) {
                continue; // a filter is still filling its window
            }
            int start = sentenceSample;
            int end = start + audio.length;
            sentenceSample = end;
            List<String> segments = utterance.segments();
            int sentenceOf = sentenceBase + piece.segment();
            String text = segments.isEmpty() ? sentence.text() : segments.get(piece.segment());
            int silence = 0;
            if (done) {
                finish();
                // Sentence silence goes between sentences, unless an SSML break takes its place.
                boolean breakFollows = pending.isEmpty() && !pieces.isEmpty() && pieces.peek().isPause();
                boolean sentenceFollows = !pending.isEmpty() || pieces.stream().anyMatch(p -> !p.isPause());
                silence = sentenceFollows && !breakFollows ? Math.round(options.sentenceSilence() * voice.sampleRate()) : 0;
            }
            float[] samples = silence == 0 ? audio : Arrays.copyOf(audio, audio.length + silence);
            return new AudioChunk(samples, voice.sampleRate(), index++, sentenceOf, text, sentence.phonemes(),
                    TokenTimings.startingIn(timings.phonemes(), start, end), TokenTimings.startingIn(timings.words(), start, end), silence);
        }
    }

    /** The request's options, the style and the run's markup combined, each kept within its valid range. */
    private void start(ModelInputs.Sentence s) {
        ModelInfo info = voice.info();
        SpeakingStyle style = options.style();
        float speed = clamp(options.speed() * style.rate() * current.rate(), 0.25f, 4f);
        float pitch = clamp(options.pitch() + style.pitchSemitones() + current.pitchSemitones(), -12f, 12f);
        float volumeDb = clamp(options.volumeDb() + style.energyDb() + current.volumeDb(), -60f, 24f);
        sentenceBase = sentenceIndex;
        long seed = options.seed() + sentenceBase;
        GenerationSettings settings = new GenerationSettings(info.nativeSpeed() ? speed : 1f,
                Math.min(10f, options.variation() * style.pitchRange()), Math.min(10f, options.variation() * style.variation()),
                options.speaker(), options.voice(), seed, options.lowPower(), options.streaming(), options.parameters());
        utterance = voice.model().prepare(s.input(), settings, voice.kernels());
        sentence = s;
        sentenceIndex = sentenceBase + Math.max(1, utterance.segments().size());
        int rate = voice.sampleRate();
        List<AudioFilter> stages = new ArrayList<>();
        double stretch = info.nativeSpeed() || Math.abs(speed - 1f) < 1e-3f ? 1.0 : 1.0 / speed;
        if (stretch != 1.0) {
            stages.add(new TimeStretcher(stretch, rate));
        }
        if (Math.abs(pitch) >= 1e-3f) {
            stages.add(new PitchShifter(pitch, rate));
        }
        if (style.whispered()) {
            stages.add(new Whisperer(rate, seed + 1));
        }
        if (options.limit() || volumeDb != 0f) {
            stages.add(new Level(volumeDb, options.limit()));
        }
        filters = new FilterChain(stages);
        int[] perToken = utterance.samplesPerToken();
        tokens += utterance.tokenCount();
        timings = perToken != null && s.symbols() != null ? TokenTimings.of(s.symbols(), perToken, s.text()).scaled(stretch)
                : TokenTimings.none();
        sentenceSample = 0;
    }

    /** Keeps the finished utterance's phase times. */
    private void finish() {
        utterance.phaseNanos().forEach((k, v) -> phaseNanos.merge(k, v, Long::sum));
        utterance = null;
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public void close() {
        pieces.clear();
        pending.clear();
        utterance = null;
    }

    /**
     * Broken weights (NaN or infinite values) make non-finite samples, which every output would turn into silence
     * without a word: refuse them instead.
     */
    private static void requireFinite(float[] samples) {
        for (float v : samples) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("the model produced non-finite samples (NaN or infinity): its weights are damaged");
            }
        }
    }
}
