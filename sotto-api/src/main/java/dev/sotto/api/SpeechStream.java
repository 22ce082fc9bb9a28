package dev.sotto.api;

import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import dev.sotto.io.AtomicFiles;
import dev.sotto.text.EnglishNormalizer;
import dev.sotto.text.PhonemeIdMap;
import dev.sotto.text.Phonemizers;
import dev.sotto.text.SentenceSplitter;
import dev.sotto.text.TextFrontEnd;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/**
 * The speech of one {@link Voice#synthesize} call as {@link AudioChunk}s, synthesized as they are read: each
 * sentence is prepared (text encoder, durations) when reached, then decoded in growing frame ranges, the first of
 * about a third of a second, so playback can start long before the sentence is done (the chunks join into
 * exactly the audio of whole-sentence decoding). Iterate it, write it ({@link #writeWav(Path, SampleFormat)},
 * {@link #writePcm(OutputStream)}) or {@link #play()} it; it can be consumed once. Not thread-safe (one consumer).
 */
public final class SpeechStream implements Iterable<AudioChunk>, AutoCloseable {
    /** Level above which the limiter starts to bend the waveform. */
    static final float KNEE = 0.9f;
    /** The limiter's ceiling, just under full scale. */
    static final float CEILING = 0.999f;

    private final Voice voice;
    private final SynthesisOptions options;
    private final TextFrontEnd frontEnd;
    private final Deque<String> sentences;
    private final Deque<String> pendingPhonemes = new ArrayDeque<>();
    private String currentText = "";
    private int index;
    private int sentenceIndex;
    private boolean consumed;
    // The sentence being streamed: its model stream, timings (in sentence samples) and position.
    private VitsModel.Stream stream;
    private String streamPhonemes;
    private List<Timing> sentencePhonemes;
    private List<Timing> sentenceWords;
    private int sentenceSample;

    // Phrase cache: chunks replayed from it, or recorded for it (key non-null) and stored when the stream ends.
    private final Iterator<AudioChunk> replay;
    private final PhraseCache cache;
    private final String cacheKey;
    private final List<AudioChunk> recorded = new ArrayList<>();

    SpeechStream(Voice voice, String text, SynthesisOptions options, PhraseCache cache, String cacheKey) {
        this.voice = voice;
        this.options = options;
        this.frontEnd = new TextFrontEnd(new SentenceSplitter(), options.normalize() ? new EnglishNormalizer() : null,
                Phonemizers.create(options.phonemizer(), voice.language()), options.lexicon());
        this.sentences = new ArrayDeque<>(new SentenceSplitter().split(text));
        this.replay = null;
        this.cache = cache;
        this.cacheKey = cacheKey;
    }

    /** A stream replaying cached chunks. */
    SpeechStream(Voice voice, SynthesisOptions options, List<AudioChunk> cached) {
        this.voice = voice;
        this.options = options;
        this.frontEnd = null;
        this.sentences = new ArrayDeque<>();
        this.replay = cached.iterator();
        this.cache = null;
        this.cacheKey = null;
    }

    public int sampleRate() {
        return voice.sampleRate();
    }

    @Override
    public Iterator<AudioChunk> iterator() {
        if (consumed) {
            throw new IllegalStateException("a speech stream can be read once");
        }
        consumed = true;
        return new Iterator<>() {
            private AudioChunk next = advance();

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public AudioChunk next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                AudioChunk c = next;
                next = advance();
                return c;
            }
        };
    }

    /** The next chunk, or null at the end. */
    private AudioChunk advance() {
        if (replay != null) {
            return replay.hasNext() ? replay.next() : null;
        }
        AudioChunk c = synthesizeNext();
        if (cacheKey != null) {
            if (c != null) {
                recorded.add(c);
            } else {
                cache.put(cacheKey, List.copyOf(recorded));
            }
        }
        return c;
    }

    private AudioChunk synthesizeNext() {
        if (stream == null || !stream.hasNext()) {
            while (pendingPhonemes.isEmpty()) {
                if (sentences.isEmpty()) {
                    return null;
                }
                currentText = sentences.poll();
                pendingPhonemes.addAll(frontEnd.phonemes(currentText));
            }
            voice.requireOpen();
            startSentence(pendingPhonemes.poll());
        }
        voice.requireOpen();
        float[] audio = stream.next();
        applyLevel(audio, options.volumeDb());
        int start = sentenceSample;
        int end = start + audio.length;
        sentenceSample = end;
        boolean sentenceDone = !stream.hasNext();
        boolean last = sentenceDone && pendingPhonemes.isEmpty() && sentences.isEmpty();
        int rate = voice.sampleRate();
        int silence = sentenceDone && !last ? Math.round(options.sentenceSilence() * rate) : 0;
        float[] samples = silence == 0 ? audio : java.util.Arrays.copyOf(audio, audio.length + silence);
        return new AudioChunk(samples, rate, index++, sentenceIndex - 1, currentText, streamPhonemes, startingIn(sentencePhonemes, start, end),
                startingIn(sentenceWords, start, end), silence);
    }

    private void startSentence(String phonemes) {
        PhonemeIdMap.Ids ids = voice.phonemeIds().sentence(phonemes);
        VitsParams p = new VitsParams(voice.defaultNoiseScale() * options.variation(), voice.defaultLengthScale() / options.speed(),
                voice.defaultNoiseW() * options.variation(), options.speaker(), options.seed() + sentenceIndex++, options.lowPower());
        VitsModel model = voice.model();
        VitsModel.Prepared u = model.prepare(ids.ids(), p, voice.kernels(), null);
        stream = model.stream(u, voice.kernels());
        streamPhonemes = phonemes;
        sentencePhonemes = new ArrayList<>();
        sentenceWords = new ArrayList<>();
        timings(ids.symbols(), u.frames(), model.config().hopLength(), currentText, sentencePhonemes, sentenceWords);
        sentenceSample = 0;
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

    /** Writes the whole stream as a WAV file (atomically: the file appears complete or not at all). */
    public void writeWav(Path path, SampleFormat format) throws IOException {
        int rate = voice.sampleRate();
        AtomicFiles.write(path, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[44]));
                long samples = 0;
                for (AudioChunk c : this) {
                    ByteBuffer b = ByteBuffer.wrap(Wav.encode(c.samples(), 0, c.samples().length, format));
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    samples += c.samples().length;
                }
                ch.write(ByteBuffer.wrap(Wav.header(rate, format, samples)), 0);
                ch.force(true);
            }
        });
    }

    /** Writes raw little-endian 16-bit PCM as each chunk is ready (for piping to a player). */
    public void writePcm(OutputStream out) throws IOException {
        for (AudioChunk c : this) {
            out.write(Wav.encode(c.samples(), 0, c.samples().length, SampleFormat.S16));
            out.flush();
        }
    }

    /** Plays the stream through the default audio output as it is synthesized. */
    public void play() throws IOException {
        AudioFormat fmt = new AudioFormat(voice.sampleRate(), 16, 1, true, false);
        SourceDataLine line;
        try {
            line = AudioSystem.getSourceDataLine(fmt);
            line.open(fmt);
        } catch (LineUnavailableException | IllegalArgumentException e) {
            throw new IOException("no audio output is available for playback (" + e.getMessage() + "); write a WAV file instead", e);
        }
        try {
            line.start();
            for (AudioChunk c : this) {
                byte[] pcm = Wav.encode(c.samples(), 0, c.samples().length, SampleFormat.S16);
                line.write(pcm, 0, pcm.length);
            }
            line.drain();
        } finally {
            line.close();
        }
    }

    /** All the samples at once (reads the whole stream). */
    public float[] readAll() {
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (AudioChunk c : this) {
            parts.add(c.samples());
            total += c.samples().length;
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Override
    public void close() {
        sentences.clear();
        pendingPhonemes.clear();
        stream = null;
    }
}
