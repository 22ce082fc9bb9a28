package dev.sotto.api;

import java.util.List;

/**
 * A piece of synthesized speech, in order: part of a sentence (the last piece of a sentence carries the silence
 * after it).
 *
 * @param samples mono samples in [-1, 1]
 * @param sampleRate samples per second
 * @param index position of the chunk in its stream, from 0
 * @param sentence which sentence of the stream the chunk belongs to, from 0
 * @param text the sentence as written (before normalization)
 * @param phonemes the phonemes spoken
 * @param phonemeTimings the phonemes that start in this chunk, relative to its first sample (a span may run
 *     into the next chunk); pads and sentence markers are left out
 * @param wordTimings the words that start in this chunk, likewise: the phonemes between spaces, labelled with the
 *     written word where the phonemizer kept one word per written word, else with its phonemes
 * @param silenceSamples trailing silence included at the end of {@code samples}
 */
public record AudioChunk(float[] samples, int sampleRate, int index, int sentence, String text, String phonemes, List<Timing> phonemeTimings,
                         List<Timing> wordTimings, int silenceSamples) {

    public AudioChunk {
        phonemeTimings = List.copyOf(phonemeTimings);
        wordTimings = List.copyOf(wordTimings);
    }

    public double seconds() {
        return samples.length / (double) sampleRate;
    }
}
