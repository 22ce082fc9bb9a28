package dev.sotto.api;

import dev.sotto.text.PhonemeIdMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Phoneme and word spans of a sentence from the samples its model gave each phoneme id: id i covers samples
 * [S(i-1), S(i)), S the running sum. A phoneme's span runs to the end of the pad that follows it, so that spans tile
 * the sentence; a word is the phonemes between spaces (punctuation excluded); word labels are the written words
 * when their count matches, else the word's phonemes.
 */
record TokenTimings(List<Timing> phonemes, List<Timing> words) {

    static TokenTimings of(String[] symbols, int[] samplesPerToken, String text) {
        List<Timing> phonemes = new ArrayList<>();
        List<Timing> words = new ArrayList<>();
        int sample = 0;
        int i = 0;
        // Leading ^ and _ belong to no phoneme.
        while (i < symbols.length && (symbols[i].equals(PhonemeIdMap.BOS) || symbols[i].equals(PhonemeIdMap.PAD))) {
            sample += samplesPerToken[i];
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
            sample += samplesPerToken[i];
            i++;
            while (i < symbols.length && symbols[i].equals(PhonemeIdMap.PAD)) {
                sample += samplesPerToken[i];
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
        return new TokenTimings(phonemes, words);
    }

    /** The spans with their sample positions multiplied by {@code factor} (audio time-stretched by it). */
    TokenTimings scaled(double factor) {
        if (factor == 1.0) {
            return this;
        }
        return new TokenTimings(scale(phonemes, factor), scale(words, factor));
    }

    private static List<Timing> scale(List<Timing> spans, double factor) {
        return spans.stream().map(t -> new Timing(t.label(), (int) Math.round(t.start() * factor), (int) Math.round(t.end() * factor))).toList();
    }

    /** None (a model without durations, or a sentence given as ids). */
    static TokenTimings none() {
        return new TokenTimings(List.of(), List.of());
    }

    /** The spans that start in [start, end) of the sentence, moved to be relative to {@code start}. */
    static List<Timing> startingIn(List<Timing> spans, int start, int end) {
        List<Timing> out = new ArrayList<>();
        for (Timing t : spans) {
            if (t.start() >= start && t.start() < end) {
                out.add(new Timing(t.label(), t.start() - start, t.end() - start));
            }
        }
        return out;
    }
}
