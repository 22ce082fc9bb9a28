package dev.sotto.text;

import java.util.List;

/** Turns text into phonemes (IPA, one code point per phoneme after NFD), sentence by sentence. */
public interface Phonemizer {

    /**
     * Phonemes of each sentence of {@code text}, clause punctuation included (". ", ", ", "?" ...), words
     * separated by spaces. Never null; empty for text with nothing to say.
     */
    List<String> phonemize(String text);

    /** A short name for messages, e.g. "espeak-ng 1.51 (en-us)". */
    String describe();

    /**
     * The characters of {@code text} this phonemizer passes over without a sound (letters of scripts it cannot read,
     * pictographs), each once, in order; empty when it reads everything.
     */
    default String unreadable(String text) {
        return "";
    }
}
