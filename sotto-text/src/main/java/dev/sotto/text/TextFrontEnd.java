package dev.sotto.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text to phonemes, sentence by sentence: user-lexicon words become inline {@code [[ IPA ]]} blocks; the text is
 * split into sentences (bounded length); each is normalized (unless turned off: espeak-ng then expands numbers
 * itself, as Piper does) and phonemized, with {@code [[ IPA ]]} blocks passed through untouched. Stateless; safe
 * to share when the phonemizer is.
 */
public final class TextFrontEnd {
    private static final Pattern INLINE = Pattern.compile("\\[\\[(.{0,2000}?)]]");

    private final SentenceSplitter splitter;
    private final Normalizer normalizer;
    private final Phonemizer phonemizer;
    private final Lexicon lexicon;

    /** @param normalizer null to hand raw text to the phonemizer */
    public TextFrontEnd(SentenceSplitter splitter, Normalizer normalizer, Phonemizer phonemizer) {
        this(splitter, normalizer, phonemizer, Lexicon.empty());
    }

    public TextFrontEnd(SentenceSplitter splitter, Normalizer normalizer, Phonemizer phonemizer, Lexicon lexicon) {
        this.splitter = Objects.requireNonNull(splitter, "splitter");
        this.normalizer = normalizer;
        this.phonemizer = Objects.requireNonNull(phonemizer, "phonemizer");
        this.lexicon = Objects.requireNonNull(lexicon, "lexicon");
    }

    /** What the phonemizer will pass over in {@code text} (see {@link Phonemizer#unreadable}); inline IPA is read as written. */
    public String unreadable(String text) {
        return text == null ? "" : phonemizer.unreadable(INLINE.matcher(lexicon.apply(text)).replaceAll(" "));
    }

    /** The phonemes of each sentence of {@code text}; empty when there is nothing to say. */
    public List<String> phonemes(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String sentence : splitter.split(lexicon.apply(text))) {
            if (!sentence.contains("[[")) {
                out.addAll(phonemizer.phonemize(normalizer == null ? sentence : normalizer.normalize(sentence)));
                continue;
            }
            // Text around [[ ]] blocks is phonemized piece by piece; the blocks go in as written.
            StringBuilder joined = new StringBuilder();
            Matcher m = INLINE.matcher(sentence);
            int last = 0;
            while (m.find()) {
                appendPhonemes(joined, sentence.substring(last, m.start()));
                String ipa = java.text.Normalizer.normalize(m.group(1).strip(), java.text.Normalizer.Form.NFD);
                if (!ipa.isEmpty()) {
                    joined.append(joined.isEmpty() ? "" : " ").append(ipa);
                }
                last = m.end();
            }
            appendPhonemes(joined, sentence.substring(last));
            if (!joined.isEmpty()) {
                out.add(joined.toString());
            }
        }
        return out;
    }

    private void appendPhonemes(StringBuilder joined, String text) {
        if (text.isBlank()) {
            return;
        }
        if (text.codePoints().noneMatch(Character::isLetterOrDigit)) {
            // Only punctuation next to a [[ ]] block: keep the marks Piper's voices know, do not spell them out.
            String marks = text.replaceAll("[^.,?!;:]", "");
            if (!marks.isEmpty()) {
                joined.append(marks.charAt(0)).append(marks.charAt(0) == ',' || marks.charAt(0) == ';' || marks.charAt(0) == ':' ? " " : "");
            }
            return;
        }
        for (String p : phonemizer.phonemize(normalizer == null ? text : normalizer.normalize(text))) {
            joined.append(joined.isEmpty() ? "" : " ").append(p);
        }
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
