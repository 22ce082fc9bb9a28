package dev.sotto.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user lexicon: words (matched whole, case-insensitively) and the IPA to say for them. Applied before
 * normalization by rewriting each listed word as an inline {@code [[ IPA ]]} block, which the front end passes
 * to the model untouched.
 */
public final class Lexicon {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}'’-]{1,100}");
    private final Map<String, String> entries;

    private Lexicon(Map<String, String> entries) {
        this.entries = Map.copyOf(entries);
    }

    public static Lexicon empty() {
        return new Lexicon(Map.of());
    }

    /** From word -> IPA pairs; IPA is NFD-normalised, words are matched case-insensitively. */
    public static Lexicon of(Map<String, String> words) {
        Map<String, String> m = new HashMap<>();
        words.forEach((w, ipa) -> {
            if (w.isBlank() || ipa.isBlank() || ipa.contains("]]")) {
                throw new IllegalArgumentException("lexicon entry '" + w + "' needs a word and IPA without ']]'");
            }
            m.put(w.strip().toLowerCase(Locale.ROOT), Normalizer.normalize(ipa.strip(), Normalizer.Form.NFD));
        });
        return new Lexicon(m);
    }

    /** Reads "word TAB ipa" lines (UTF-8; blank lines and lines starting with # are skipped). */
    public static Lexicon read(Path file) throws IOException {
        Map<String, String> m = new HashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException(file.getFileName() + " line " + n + ": expected 'word<TAB>ipa'");
            }
            m.put(parts[0], parts[1]);
        }
        return of(m);
    }

    /** A stable summary of the entries (for cache keys). */
    public String fingerprint() {
        return new java.util.TreeMap<>(entries).toString();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** {@code text} with every listed word replaced by its {@code [[ IPA ]]} block (text already in [[ ]] is left alone). */
    public String apply(String text) {
        if (entries.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("[[", i);
            int stop = open < 0 ? text.length() : open;
            replaceWords(text.substring(i, stop), out);
            if (open < 0) {
                break;
            }
            int close = text.indexOf("]]", open + 2);
            int end = close < 0 ? text.length() : close + 2;
            out.append(text, open, end);
            i = end;
        }
        return out.toString();
    }

    private void replaceWords(String part, StringBuilder out) {
        Matcher m = WORD.matcher(part);
        int last = 0;
        while (m.find()) {
            String ipa = entries.get(m.group().toLowerCase(Locale.ROOT));
            if (ipa != null) {
                out.append(part, last, m.start()).append("[[").append(ipa).append("]]");
                last = m.end();
            }
        }
        out.append(part, last, part.length());
    }
}
