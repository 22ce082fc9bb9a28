package dev.sotto.cli;

import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.NothingToSayException;
import dev.sotto.api.ReadOnceAudioStream;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import dev.sotto.audio.Resampler;
import dev.sotto.audio.Samples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;

/**
 * One continuous stream of speech for text arriving piece by piece ({@link PipedText}): each piece is synthesized
 * when it is complete and read, so nothing is held beyond the piece being spoken. Sentence numbers run on across
 * pieces; a piece spoken at another rate (a hybrid's cloud) is resampled to the first piece's rate.
 */
final class PipedSpeech extends ReadOnceAudioStream {
    private final Synthesizer synthesizer;
    private final SynthesisOptions options;
    private final PipedText text;
    private AudioStream current;
    private Iterator<AudioChunk> chunks;
    private int rate;
    private Resampler resampler;
    private int sentenceOffset;
    private int nextSentence;
    private int index;
    private boolean ended;

    PipedSpeech(Synthesizer synthesizer, SynthesisOptions options, PipedText text) {
        this.synthesizer = synthesizer;
        this.options = options;
        this.text = text;
    }

    /** The first piece's rate: waits for the first piece to arrive. */
    @Override
    public int sampleRate() {
        if (rate == 0 && !ended) {
            openNext();
        }
        return rate == 0 ? synthesizer.listing().sampleRate() : rate;
    }

    /** Opens the next piece's stream; false at the end of the input. */
    private boolean openNext() {
        if (current != null) {
            current.close();
            current = null;
        }
        String piece;
        try {
            piece = text.next();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the text: " + e.getMessage(), e);
        }
        if (piece == null) {
            ended = true;
            return false;
        }
        current = synthesizer.synthesize(piece, options);
        chunks = current.iterator();
        if (rate == 0) {
            rate = current.sampleRate();
        }
        resampler = current.sampleRate() == rate ? null : Resampler.ofRates(current.sampleRate(), rate);
        sentenceOffset = nextSentence;
        return true;
    }

    @Override
    protected AudioChunk produce() {
        while (true) {
            if (current == null && (ended || !openNext())) {
                return null;
            }
            boolean more;
            try {
                more = chunks.hasNext();
            } catch (NothingToSayException e) {
                more = false; // a piece of only symbols or unreadable script: the rest of the input still speaks
            }
            if (more) {
                AudioChunk c = chunks.next();
                int sentence = c.sentence() + sentenceOffset;
                nextSentence = Math.max(nextSentence, sentence + 1);
                float[] samples = resampler == null ? c.samples() : resampled(c.samples(), !chunks.hasNext());
                List<dev.sotto.api.Timing> phonemes = resampler == null ? c.phonemeTimings() : List.of(); // times are in samples of the old rate
                List<dev.sotto.api.Timing> words = resampler == null ? c.wordTimings() : List.of();
                return new AudioChunk(samples, rate, index++, sentence, c.text(), c.phonemes(), phonemes, words,
                        (int) Math.round(c.silenceSamples() * (double) rate / c.sampleRate()));
            }
            current.close();
            current = null;
        }
    }

    private float[] resampled(float[] samples, boolean last) {
        float[] body = resampler.process(samples, 0, samples.length);
        return last ? Samples.concat(body, resampler.flush()) : body;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
        ended = true;
    }
}
