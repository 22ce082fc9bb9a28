package dev.sotto.api;

import java.util.List;

/**
 * A piece of synthesized speech, in order: for now one sentence (plus the silence after it).
 *
 * @param samples mono samples in [-1, 1]
 * @param sampleRate samples per second
 * @param index position of the chunk in its stream, from 0
 * @param text the sentence as written (before normalization)
 * @param phonemes the phonemes spoken
 * @param phonemeTimings every phoneme's span (pads and sentence markers are left out)
 * @param wordTimings every word's span: the phonemes between spaces, labelled with the written word where the
 *     phonemizer kept one word per written word, else with its phonemes
 * @param silenceSamples trailing silence included at the end of {@code samples}
 */
public record AudioChunk(float[] samples, int sampleRate, int index, String text, String phonemes, List<Timing> phonemeTimings,
                         List<Timing> wordTimings, int silenceSamples) {

    public AudioChunk {
        phonemeTimings = List.copyOf(phonemeTimings);
        wordTimings = List.copyOf(wordTimings);
    }

    public double seconds() {
        return samples.length / (double) sampleRate;
    }
}
