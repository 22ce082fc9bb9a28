package dev.sotto.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into sentences at . ! ? and ellipses, without breaking at abbreviations (Dr., etc., e.g.),
 * initials (J. R. R. Tolkien), decimals (3.14), or inside quotes and brackets that close after the stop. Blank
 * lines end a paragraph and so a sentence. Inline {@code [[ IPA ]]} blocks are never split. A sentence longer than {@code maxChars} is cut at its last clause
 * boundary (, ; : or a dash) before the limit, else at its last space, so that no model call gets unbounded
 * input. Linear in the text's length.
 */
public final class SentenceSplitter {
    /** Default longest sentence handed to a model in one call. */
    public static final int DEFAULT_MAX_CHARS = 400;

    /** Abbreviations after which a period does not end a sentence (compared without the period, lower case). */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g", "i.e", "cf", "al", "approx",
            "inc", "ltd", "co", "corp", "no", "nos", "fig", "figs", "vol", "vols", "ch", "p", "pp", "ed", "eds", "est",
            "dept", "univ", "gen", "col", "lt", "sgt", "capt", "cmdr", "gov", "sen", "rep", "rev", "hon", "jan", "feb",
            "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu",
            "thur", "thurs", "fri", "sat", "sun", "ave", "blvd", "rd", "u.s", "u.k", "a.m", "p.m");
    /** Abbreviations that often end sentences: a period after them ends one when a capital follows. */
    private static final Set<String> FINAL_ABBREVIATIONS = Set.of("etc", "inc", "ltd", "co", "corp", "a.m", "p.m", "u.s", "u.k");

    private final int maxChars;

    public SentenceSplitter() {
        this(DEFAULT_MAX_CHARS);
    }

    public SentenceSplitter(int maxChars) {
        if (maxChars < 20) {
            throw new IllegalArgumentException("maximum sentence length must be at least 20 characters, got " + maxChars);
        }
        this.maxChars = maxChars;
    }

    public List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        int n = text.length();
        int start = 0;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '[' && text.startsWith("[[", i)) {
                int close = text.indexOf("]]", i + 2);
                if (close >= 0 && close - i <= 2000) {
                    i = close + 2; // inline IPA is never split, whatever punctuation it holds
                    continue;
                }
            }
            if (c == '\n' && paragraphBreak(text, i)) {
                emit(text.substring(start, i), out);
                start = i + 1;
                i++;
                continue;
            }
            if (c == '.' || c == '!' || c == '?' || c == '…') {
                int end = i + 1;
                while (end < n && ".!?…".indexOf(text.charAt(end)) >= 0) {
                    end++; // "?!", "...", "!!!"
                }
                while (end < n && "\"'”’»)]}".indexOf(text.charAt(end)) >= 0) {
                    end++; // closing quotes and brackets belong to the sentence
                }
                if (isBoundary(text, i, end)) {
                    emit(text.substring(start, end), out);
                    start = end;
                }
                i = end;
                continue;
            }
            i++;
        }
        emit(text.substring(start), out);
        return out;
    }

    private static boolean paragraphBreak(String text, int newline) {
        for (int j = newline + 1; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '\n') {
                return true;
            }
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return false;
    }

    /** Whether the stop at {@code stop} (run of punctuation ending before {@code end}) ends a sentence. */
    private static boolean isBoundary(String text, int stop, int end) {
        int n = text.length();
        if (end < n && !Character.isWhitespace(text.charAt(end))) {
            return false; // 3.14, e.g.x, example.com
        }
        int next = end;
        while (next < n && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        if (next >= n) {
            return true;
        }
        char following = text.charAt(next);
        char punct = text.charAt(stop);
        boolean single = end == stop + 1 || ".!?…".indexOf(text.charAt(stop + 1)) < 0;
        if (punct == '.' && single) {
            String word = wordBefore(text, stop);
            String lower = word.toLowerCase(Locale.ROOT);
            if (word.length() == 1 && Character.isUpperCase(word.charAt(0))) {
                return false; // an initial: J. R. R. Tolkien
            }
            if (ABBREVIATIONS.contains(lower)) {
                return FINAL_ABBREVIATIONS.contains(lower) && Character.isUpperCase(following);
            }
        }
        if (punct == '.' && !single || punct == '…') {
            // An ellipsis continues the sentence unless a capital (or an opening quote) follows.
            return Character.isUpperCase(following) || "\"'“‘«([".indexOf(following) >= 0;
        }
        // A lower-case continuation after ! or ? ("he said?! no") stays in the sentence.
        return !Character.isLowerCase(following);
    }

    /** The word (letters and inner periods) that ends just before index {@code stop}. */
    private static String wordBefore(String text, int stop) {
        int j = stop;
        while (j > 0 && (Character.isLetter(text.charAt(j - 1)) || text.charAt(j - 1) == '.')) {
            j--;
        }
        return text.substring(j, stop);
    }

    /** Adds a trimmed sentence, cut into pieces of at most maxChars at clause boundaries or spaces. */
    private void emit(String sentence, List<String> out) {
        String s = sentence.strip();
        while (s.length() > maxChars) {
            int cut = lastCut(s, maxChars);
            int[] block = inlineBlockAround(s, cut);
            if (block != null) {
                cut = block[0] > 0 ? block[0] : block[1]; // before the block, or after it when it opens the sentence
                if (cut >= s.length()) {
                    break;
                }
            }
            out.add(s.substring(0, cut).strip());
            s = s.substring(cut).strip();
        }
        if (!s.isEmpty()) {
            out.add(s);
        }
    }

    /** The [start, end) of the inline {@code [[ IPA ]]} block that position {@code cut} falls inside, or null. */
    private static int[] inlineBlockAround(String s, int cut) {
        int open = s.lastIndexOf("[[", cut - 1);
        while (open >= 0) {
            int close = s.indexOf("]]", open + 2);
            if (close >= 0 && close - open <= 2000 && cut > open && cut < close + 2) {
                return new int[] {open, close + 2};
            }
            open = open == 0 ? -1 : s.lastIndexOf("[[", open - 1);
        }
        return null;
    }

    /** Where to cut a too-long sentence: after its last clause mark before the limit, else its last space. */
    static int lastCut(String s, int limit) {
        int space = -1;
        for (int i = Math.min(limit, s.length()) - 1; i > limit / 4; i--) {
            char c = s.charAt(i);
            if ((c == ',' || c == ';' || c == ':' || c == '—' || c == '–') && i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1))) {
                return i + 1;
            }
            if (space < 0 && Character.isWhitespace(c)) {
                space = i;
            }
        }
        if (space > 0) {
            return space;
        }
        // No space at all: cut at the limit, but never inside a surrogate pair.
        return Character.isLowSurrogate(s.charAt(limit)) ? limit - 1 : limit;
    }
}
