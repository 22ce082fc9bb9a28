package dev.sotto.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Text to phonemes, sentence by sentence: split into sentences (bounded length), normalize each (unless turned
 * off: espeak-ng then expands numbers itself, as Piper does), phonemize. Stateless; safe to share when the
 * phonemizer is.
 */
public final class TextFrontEnd {
    private final SentenceSplitter splitter;
    private final Normalizer normalizer;
    private final Phonemizer phonemizer;

    /** @param normalizer null to hand raw text to the phonemizer */
    public TextFrontEnd(SentenceSplitter splitter, Normalizer normalizer, Phonemizer phonemizer) {
        this.splitter = Objects.requireNonNull(splitter, "splitter");
        this.normalizer = normalizer;
        this.phonemizer = Objects.requireNonNull(phonemizer, "phonemizer");
    }

    /** The phonemes of each sentence of {@code text}; empty when there is nothing to say. */
    public List<String> phonemes(String text) {
        List<String> out = new ArrayList<>();
        for (String sentence : splitter.split(text)) {
            String s = normalizer == null ? sentence : normalizer.normalize(sentence);
            out.addAll(phonemizer.phonemize(s));
        }
        return out;
    }

    /** The written sentences after splitting and normalization (what the phonemizer receives). */
    public List<String> normalizedSentences(String text) {
        List<String> out = new ArrayList<>();
        for (String sentence : splitter.split(text)) {
            out.add(normalizer == null ? sentence : normalizer.normalize(sentence));
        }
        return out;
    }
}
