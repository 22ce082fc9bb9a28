package dev.sotto.text;

import java.util.ArrayList;
import java.util.List;

/**
 * English letter-to-sound rules for words missing from the dictionary: longest-match grapheme rules (with a few
 * context checks such as the silent final e and soft c/g) producing ARPAbet, primary stress on the first vowel
 * (on the vowel before -tion/-sion/-ic endings), other vowels unstressed. Rough by nature; its accuracy on
 * dictionary words held out from it is measured in the tests.
 */
final class LetterToSound {
    /** Grapheme rules, longest first within each starting letter: grapheme, phones (space separated, V = vowel slot). */
    private static final String[][] RULES = {
            {"tion", "SH AH N"}, {"sion", "ZH AH N"}, {"ture", "CH ER"}, {"ough", "AO"}, {"augh", "AO"}, {"eigh", "EY"},
            {"igh", "AY"}, {"tch", "CH"}, {"dge", "JH"}, {"sch", "S K"}, {"que", "K"}, {"ing", "IH NG"},
            {"ch", "CH"}, {"sh", "SH"}, {"th", "TH"}, {"ph", "F"}, {"wh", "W"}, {"ck", "K"}, {"ng", "NG"}, {"qu", "K W"},
            {"kn", "N"}, {"wr", "R"}, {"gh", "G"}, {"ee", "IY"}, {"ea", "IY"}, {"oo", "UW"}, {"ou", "AW"}, {"ow", "OW"},
            {"ai", "EY"}, {"ay", "EY"}, {"oi", "OY"}, {"oy", "OY"}, {"au", "AO"}, {"aw", "AO"}, {"ew", "UW"}, {"ie", "IY"},
            {"ei", "EY"}, {"ey", "IY"}, {"oa", "OW"}, {"ue", "UW"}, {"ui", "UW"}, {"ar", "AA R"}, {"er", "ER"}, {"ir", "ER"},
            {"ur", "ER"}, {"or", "AO R"}, {"ll", "L"}, {"ss", "S"}, {"ff", "F"}, {"tt", "T"}, {"pp", "P"}, {"mm", "M"},
            {"nn", "N"}, {"rr", "R"}, {"bb", "B"}, {"dd", "D"}, {"gg", "G"}, {"zz", "Z"}, {"cc", "K"},
            {"a", "AE"}, {"b", "B"}, {"c", "K"}, {"d", "D"}, {"e", "EH"}, {"f", "F"}, {"g", "G"}, {"h", "HH"}, {"i", "IH"},
            {"j", "JH"}, {"k", "K"}, {"l", "L"}, {"m", "M"}, {"n", "N"}, {"o", "AA"}, {"p", "P"}, {"q", "K"}, {"r", "R"},
            {"s", "S"}, {"t", "T"}, {"u", "AH"}, {"v", "V"}, {"w", "W"}, {"x", "K S"}, {"y", "IY"}, {"z", "Z"},
    };
    private static final java.util.Set<String> VOWEL_PHONES =
            java.util.Set.of("AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW");

    private LetterToSound() {
    }

    private static boolean isVowelLetter(char c) {
        return "aeiouy".indexOf(c) >= 0;
    }

    /** ARPAbet phones with stress digits for a lower-case word. */
    static String[] phones(String word) {
        String w = word.replaceAll("[^a-z]", "");
        List<String> out = new ArrayList<>();
        if (w.isEmpty()) {
            return new String[0];
        }
        int n = w.length();
        // A final e after a consonant is silent and lengthens the vowel before it (make, note, time).
        boolean silentE = n > 2 && w.charAt(n - 1) == 'e' && !isVowelLetter(w.charAt(n - 2)) && isVowelLetter(w.charAt(n - 3));
        int end = silentE ? n - 1 : n;
        int i = 0;
        while (i < end) {
            String rest = w.substring(i, end);
            char c = w.charAt(i);
            String[] match = null;
            for (String[] r : RULES) {
                if (rest.startsWith(r[0])) {
                    match = r;
                    break;
                }
            }
            String ph = match[1];
            int len = match[0].length();
            char after = i + len < n ? w.charAt(i + len) : ' ';
            if (len == 1 && (c == 'c' || c == 'g') && "eiy".indexOf(after) >= 0) {
                ph = c == 'c' ? "S" : "JH";
            } else if (len == 1 && silentE && i == end - 2 && isVowelLetter(c)) {
                ph = switch (c) {
                    case 'a' -> "EY";
                    case 'e' -> "IY";
                    case 'i', 'y' -> "AY";
                    case 'o' -> "OW";
                    default -> "UW";
                };
            } else if (c == 'y' && len == 1 && i == 0) {
                ph = "Y";
            } else if (c == 'y' && len == 1 && i == end - 1 && end <= 3) {
                ph = "AY"; // my, by, fly
            } else if (c == 's' && len == 1 && i > 0 && i == end - 1 && !"sfkpt".contains(String.valueOf(w.charAt(i - 1)))) {
                ph = "Z"; // plural after a voiced sound
            }
            for (String p : ph.split(" ")) {
                out.add(p);
            }
            i += len;
        }
        // Stress: the vowel before -tion/-sion/-ic, else the first vowel.
        List<Integer> vowels = new ArrayList<>();
        for (int k = 0; k < out.size(); k++) {
            if (VOWEL_PHONES.contains(out.get(k))) {
                vowels.add(k);
            }
        }
        int stressed = vowels.isEmpty() ? -1 : vowels.get(0);
        if (vowels.size() >= 2 && (w.endsWith("tion") || w.endsWith("sion") || w.endsWith("ic"))) {
            stressed = vowels.get(vowels.size() - 2);
        }
        String[] result = new String[out.size()];
        for (int k = 0; k < out.size(); k++) {
            String p = out.get(k);
            result[k] = vowels.contains(k) ? p + (k == stressed ? "1" : "0") : p;
        }
        return result;
    }
}
