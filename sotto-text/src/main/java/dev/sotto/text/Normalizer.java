package dev.sotto.text;

/** Rewrites written text as speakable words (numbers, dates, symbols, abbreviations) for one language. */
public interface Normalizer {
    /** Never null; never throws for any input string. */
    String normalize(String text);
}
