package dev.sotto.api;

import dev.sotto.audio.PitchShifter;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Whisperer;
import dev.sotto.text.EnglishNormalizer;
import dev.sotto.text.PhonemeIdMap;
import dev.sotto.text.Phonemizers;
import dev.sotto.text.SentenceSplitter;
import dev.sotto.text.Ssml;
import dev.sotto.text.TextFrontEnd;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The speech of one {@link Voice#synthesize} call as {@link AudioChunk}s, synthesized as they are read: each
 * sentence is prepared (text encoder, durations) when reached, then decoded in growing frame ranges, the first of
 * about a third of a second, so playback can start long before the sentence is done (the chunks join into
 * exactly the audio of whole-sentence decoding). Iterate it, write it ({@link #writeWav(Path, SampleFormat)},
 * {@link #writePcm(OutputStream)}) or {@link #play()} it; it can be consumed once. Not thread-safe (one consumer).
 */
public final class SpeechStream implements AudioStream {
    /** Level above which the limiter starts to bend the waveform. */
    static final float KNEE = 0.9f;
    /** The limiter's ceiling, just under full scale. */
    static final float CEILING = 0.999f;

    private final Voice voice;
    private final SynthesisOptions options;
    private final TextFrontEnd frontEnd;
    private final Deque<Piece> pieces;
    private final Deque<String> pendingPhonemes = new ArrayDeque<>();
    private Piece current;
    private int index;
    private int sentenceIndex;
    private boolean consumed;
    // The sentence being streamed: its model stream, timings (in sentence samples) and position.
    private VitsModel.Stream stream;
    private String streamPhonemes;
    private List<Timing> sentencePhonemes;
    private List<Timing> sentenceWords;
    private int sentenceSample;
    private PitchShifter shifter;  // null when the sentence's pitch is unchanged
    private Whisperer whisperer;   // null unless the style is whispered
    private float sentenceVolumeDb;

    /**
     * A sentence to speak, with the prosody its markup gives it (relative to the request's options), or a pause
     * (empty text).
     */
    private record Piece(String text, float rate, float pitchSemitones, float volumeDb, int pauseSamples) {
        boolean isPause() {
            return text.isEmpty();
        }
    }

    // Phrase cache: chunks replayed from it, or recorded for it (key non-null) and stored when the stream ends.
    private final Iterator<AudioChunk> replay;
    private final PhraseCache cache;
    private final String cacheKey;
    private final List<AudioChunk> recorded = new ArrayList<>();
    private boolean recording;
    private long recordedBytes;

    SpeechStream(Voice voice, String text, SynthesisOptions options, PhraseCache cache, String cacheKey) {
        this.voice = voice;
        this.options = options;
        this.frontEnd = new TextFrontEnd(new SentenceSplitter(), options.normalize() ? new EnglishNormalizer() : null,
                Phonemizers.create(options.phonemizer(), voice.language()), options.lexicon());
        this.pieces = pieces(text, options, voice.sampleRate());
        this.replay = null;
        this.cache = cache;
        this.cacheKey = cacheKey;
        this.recording = cacheKey != null;
    }

    /** A stream replaying cached chunks. */
    SpeechStream(Voice voice, SynthesisOptions options, List<AudioChunk> cached) {
        this.voice = voice;
        this.options = options;
        this.frontEnd = null;
        this.pieces = new ArrayDeque<>();
        this.replay = cached.iterator();
        this.cache = null;
        this.cacheKey = null;
    }

    /** The sentences (and SSML pauses) of the text. SSML errors surface here, before any audio. */
    private static Deque<Piece> pieces(String text, SynthesisOptions options, int sampleRate) {
        Deque<Piece> out = new ArrayDeque<>();
        SentenceSplitter splitter = new SentenceSplitter();
        if (!options.ssml()) {
            for (String sentence : splitter.split(text)) {
                out.add(new Piece(sentence, 1f, 0f, 0f, 0));
            }
            return out;
        }
        for (Ssml.Segment seg : Ssml.parse(text)) {
            if (seg.isPause()) {
                out.add(new Piece("", 1f, 0f, 0f, Math.round(seg.pauseSeconds() * sampleRate)));
                continue;
            }
            for (String sentence : splitter.split(seg.text())) {
                out.add(new Piece(sentence, seg.rate(), seg.pitchSemitones(), seg.volumeDb(), 0));
            }
        }
        return out;
    }

    @Override
    public int sampleRate() {
        return voice.sampleRate();
    }

    @Override
    public Iterator<AudioChunk> iterator() {
        if (consumed) {
            throw new IllegalStateException("a speech stream can be read once");
        }
        consumed = true;
        return new OnDemandIterator<>() {
            @Override
            protected AudioChunk produce() {
                return advance();
            }
        };
    }

    /** The next chunk, or null at the end. */
    private AudioChunk advance() {
        if (replay != null) {
            return replay.hasNext() ? replay.next() : null;
        }
        AudioChunk c = synthesizeNext();
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
            if (stream == null || !stream.hasNext()) {
                while (pendingPhonemes.isEmpty()) {
                    if (pieces.isEmpty()) {
                        return null;
                    }
                    current = pieces.poll();
                    if (current.isPause()) {
                        int n = current.pauseSamples();
                        return new AudioChunk(new float[n], voice.sampleRate(), index++, Math.max(0, sentenceIndex - 1), "", "", List.of(),
                                List.of(), n);
                    }
                    pendingPhonemes.addAll(frontEnd.phonemes(current.text()));
                }
                voice.requireOpen();
                startSentence(pendingPhonemes.poll());
            }
            voice.requireOpen();
            float[] audio = stream.next();
            boolean sentenceDone = !stream.hasNext();
            if (shifter != null) {
                audio = shifter.process(audio, 0, audio.length);
                if (sentenceDone) {
                    audio = concat(audio, shifter.flush());
                }
            }
            if (whisperer != null) {
                audio = whisperer.process(audio, 0, audio.length);
                if (sentenceDone) {
                    audio = concat(audio, whisperer.flush());
                }
            }
            if (audio.length == 0 && !sentenceDone) {
                continue; // the shifter or whisperer is still filling its window
            }
            applyLevel(audio, sentenceVolumeDb);
            int start = sentenceSample;
            int end = start + audio.length;
            sentenceSample = end;
            // Sentence silence goes between sentences, unless an SSML break takes its place.
            int rate = voice.sampleRate();
            int silence = 0;
            if (sentenceDone) {
                boolean breakFollows = pendingPhonemes.isEmpty() && !pieces.isEmpty() && pieces.peek().isPause();
                boolean sentenceFollows = !pendingPhonemes.isEmpty() || pieces.stream().anyMatch(p -> !p.isPause());
                silence = sentenceFollows && !breakFollows ? Math.round(options.sentenceSilence() * rate) : 0;
            }
            float[] samples = silence == 0 ? audio : java.util.Arrays.copyOf(audio, audio.length + silence);
            return new AudioChunk(samples, rate, index++, sentenceIndex - 1, current.text(), streamPhonemes,
                    startingIn(sentencePhonemes, start, end), startingIn(sentenceWords, start, end), silence);
        }
    }

    /** The request's options, the style and the sentence's markup combined, each kept within its valid range. */
    private void startSentence(String phonemes) {
        SpeakingStyle style = options.style();
        float speed = clamp(options.speed() * style.rate() * current.rate(), 0.25f, 4f);
        float pitch = clamp(options.pitch() + style.pitchSemitones() + current.pitchSemitones(), -12f, 12f);
        sentenceVolumeDb = clamp(options.volumeDb() + style.energyDb() + current.volumeDb(), -60f, 24f);
        PhonemeIdMap.Ids ids = voice.phonemeIds().sentence(phonemes);
        VitsParams p = new VitsParams(voice.defaultNoiseScale() * options.variation() * style.pitchRange(), voice.defaultLengthScale() / speed,
                voice.defaultNoiseW() * options.variation() * style.variation(), options.speaker(), options.seed() + sentenceIndex++,
                options.lowPower());
        VitsModel model = voice.model();
        VitsModel.Prepared u = model.prepare(ids.ids(), p, voice.kernels(), null);
        stream = model.stream(u, voice.kernels());
        shifter = Math.abs(pitch) < 1e-3f ? null : new PitchShifter(pitch, voice.sampleRate());
        whisperer = style.whispered() ? new Whisperer(voice.sampleRate(), options.seed() + sentenceIndex) : null;
        streamPhonemes = phonemes;
        sentencePhonemes = new ArrayList<>();
        sentenceWords = new ArrayList<>();
        timings(ids.symbols(), u.frames(), model.config().hopLength(), current.text(), sentencePhonemes, sentenceWords);
        sentenceSample = 0;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The spans that start in [start, end) of the sentence, moved to be relative to {@code start}. */
    private static List<Timing> startingIn(List<Timing> spans, int start, int end) {
        List<Timing> out = new ArrayList<>();
        for (Timing t : spans) {
            if (t.start() >= start && t.start() < end) {
                out.add(new Timing(t.label(), t.start() - start, t.end() - start));
            }
        }
        return out;
    }

    /**
     * The volume in dB, then a soft limiter: samples above {@link #KNEE} are bent towards {@link #CEILING} and never
     * cross it, so loud settings do not clip. Sample by sample, so chunks of a stream match at their joins.
     */
    static void applyLevel(float[] audio, float volumeDb) {
        float gain = (float) Math.pow(10, volumeDb / 20.0);
        float room = CEILING - KNEE;
        for (int i = 0; i < audio.length; i++) {
            float v = audio[i] * gain;
            float a = Math.abs(v);
            if (a > KNEE) {
                v = Math.copySign(KNEE + room * (float) Math.tanh((a - KNEE) / room), v);
            }
            audio[i] = v;
        }
    }

    /**
     * Spans from the durations: id i covers samples [C(i-1), C(i)) * hop. A phoneme's span runs to the end of the
     * pad that follows it, so that spans tile the sentence; a word is the phonemes between spaces (punctuation
     * excluded); word labels are the written words when their count matches.
     */
    static void timings(String[] symbols, int[] frames, int hop, String text, List<Timing> phonemes, List<Timing> words) {
        int sample = 0;
        int i = 0;
        // Leading ^ and _ belong to no phoneme.
        while (i < symbols.length && (symbols[i].equals(PhonemeIdMap.BOS) || symbols[i].equals(PhonemeIdMap.PAD))) {
            sample += frames[i] * hop;
            i++;
        }
        List<int[]> wordSpans = new ArrayList<>();
        List<String> wordPhonemes = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int wordStart = -1;
        int wordEnd = -1;
        while (i < symbols.length && !symbols[i].equals(PhonemeIdMap.EOS)) {
            String symbol = symbols[i];
            int start = sample;
            sample += frames[i] * hop;
            i++;
            while (i < symbols.length && symbols[i].equals(PhonemeIdMap.PAD)) {
                sample += frames[i] * hop;
                i++;
            }
            phonemes.add(new Timing(symbol, start, sample));
            boolean boundary = symbol.equals(" ") || ".,;:!?".contains(symbol);
            if (boundary) {
                if (!word.isEmpty()) {
                    wordSpans.add(new int[] {wordStart, wordEnd});
                    wordPhonemes.add(word.toString());
                    word.setLength(0);
                }
            } else {
                if (word.isEmpty()) {
                    wordStart = start;
                }
                word.append(symbol);
                wordEnd = sample;
            }
        }
        if (!word.isEmpty()) {
            wordSpans.add(new int[] {wordStart, wordEnd});
            wordPhonemes.add(word.toString());
        }
        String[] written = text.strip().split("\\s+");
        boolean useWritten = written.length == wordSpans.size();
        for (int w = 0; w < wordSpans.size(); w++) {
            String label = useWritten ? written[w].replaceAll("^[\\p{Punct}“”‘’«»]+|[\\p{Punct}“”‘’«»]+$", "") : wordPhonemes.get(w);
            words.add(new Timing(label.isEmpty() ? wordPhonemes.get(w) : label, wordSpans.get(w)[0], wordSpans.get(w)[1]));
        }
    }

    @Override
    public void close() {
        pieces.clear();
        pendingPhonemes.clear();
        stream = null;
    }
}
