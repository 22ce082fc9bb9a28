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
 * The speech of one {@link Voice#synthesize} call, one {@link AudioChunk} per sentence, synthesized as it is
 * read. Iterate it, write it ({@link #writeWav(Path, SampleFormat)}, {@link #writePcm(OutputStream)}) or
 * {@link #play()} it; it can be consumed once. Not thread-safe (one consumer).
 */
public final class SpeechStream implements Iterable<AudioChunk>, AutoCloseable {
    /** Peak level a sentence is normalised to before the volume is applied (headroom below full scale). */
    static final float PEAK = 0.95f;

    private final Voice voice;
    private final SynthesisOptions options;
    private final TextFrontEnd frontEnd;
    private final Deque<String> sentences;
    private final Deque<String> pendingPhonemes = new ArrayDeque<>();
    private String currentText = "";
    private int index;
    private boolean consumed;

    SpeechStream(Voice voice, String text, SynthesisOptions options) {
        this.voice = voice;
        this.options = options;
        this.frontEnd = new TextFrontEnd(new SentenceSplitter(), options.normalize() ? new EnglishNormalizer() : null,
                Phonemizers.create(options.phonemizer(), voice.language()), options.lexicon());
        this.sentences = new ArrayDeque<>(new SentenceSplitter().split(text));
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
        while (pendingPhonemes.isEmpty()) {
            if (sentences.isEmpty()) {
                return null;
            }
            currentText = sentences.poll();
            pendingPhonemes.addAll(frontEnd.phonemes(currentText));
        }
        voice.requireOpen();
        String phonemes = pendingPhonemes.poll();
        boolean last = pendingPhonemes.isEmpty() && sentences.isEmpty();
        return render(currentText, phonemes, last);
    }

    private AudioChunk render(String text, String phonemes, boolean last) {
        PhonemeIdMap.Ids ids = voice.phonemeIds().sentence(phonemes);
        VitsParams p = new VitsParams(voice.defaultNoiseScale() * options.variation(), voice.defaultLengthScale() / options.speed(),
                voice.defaultNoiseW() * options.variation(), options.speaker(), options.seed() + index);
        VitsModel.Result r = voice.model().synthesize(ids.ids(), p, voice.kernels());
        float[] audio = r.audio();
        applyLevel(audio, options.volumeDb());
        int rate = voice.sampleRate();
        int silence = last ? 0 : Math.round(options.sentenceSilence() * rate);
        float[] samples = silence == 0 ? audio : java.util.Arrays.copyOf(audio, audio.length + silence);
        List<Timing> phonemeTimings = new ArrayList<>();
        List<Timing> wordTimings = new ArrayList<>();
        timings(ids.symbols(), r.frames(), voice.model().config().hopLength(), text, phonemeTimings, wordTimings);
        return new AudioChunk(samples, rate, index++, text, phonemes, phonemeTimings, wordTimings, silence);
    }

    /**
     * Piper-style loudness (peak normalised, here to {@link #PEAK}), then the volume in dB; where that would
     * exceed full scale the sentence is scaled down to it instead of clipping.
     */
    static void applyLevel(float[] audio, float volumeDb) {
        float peak = 0f;
        for (float v : audio) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak < 1e-8f) {
            java.util.Arrays.fill(audio, 0f);
            return;
        }
        float gain = (float) (PEAK / peak * Math.pow(10, volumeDb / 20.0));
        gain = Math.min(gain, 1f / peak); // limit: the loudest sample reaches full scale, never beyond
        for (int i = 0; i < audio.length; i++) {
            audio[i] *= gain;
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
    }
}
