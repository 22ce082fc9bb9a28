package dev.sotto.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A pure-Java English (en-us) phonemizer that needs no espeak-ng: the CMU Pronouncing Dictionary mapped to the
 * IPA conventions espeak-ng uses for en-us (the symbols Piper voices were trained on): stress marks placed right
 * before the stressed vowel, secondary stress only before the primary, flapped t/d between vowels, r-coloured
 * vowels, unstressed forms of function words; a letter-to-sound fallback for words not in the dictionary.
 * Sentences and clause punctuation follow Piper's layout ("." "?" "!" end a sentence; ", " ": " "; " stay).
 */
public final class CmuPhonemizer implements Phonemizer {
    private static volatile Map<String, String[]> dictionary;

    /** Unstressed (or lightly stressed) forms espeak-ng gives English function words in running speech. */
    private static final Map<String, String> FUNCTION_WORDS = Map.ofEntries(
            Map.entry("the", "ðə"), Map.entry("a", "ɐ"), Map.entry("an", "ɐn"), Map.entry("of", "ʌv"), Map.entry("to", "tə"),
            Map.entry("and", "ænd"), Map.entry("in", "ɪn"), Map.entry("is", "ɪz"), Map.entry("was", "wʌz"), Map.entry("for", "fɔːɹ"),
            Map.entry("from", "fɹʌm"), Map.entry("at", "æt"), Map.entry("on", "ˌɔn"), Map.entry("with", "wɪð"), Map.entry("by", "baɪ"),
            Map.entry("as", "æz"), Map.entry("or", "ɔːɹ"), Map.entry("but", "bˌʌt"), Map.entry("you", "juː"), Map.entry("we", "wiː"),
            Map.entry("they", "ðeɪ"), Map.entry("he", "hiː"), Map.entry("she", "ʃiː"), Map.entry("i", "aɪ"), Map.entry("it", "ɪt"),
            Map.entry("can", "kæn"), Map.entry("will", "wɪl"), Map.entry("would", "wʊd"), Map.entry("could", "kʊd"),
            Map.entry("should", "ʃˌʊd"), Map.entry("my", "maɪ"), Map.entry("your", "jʊɹ"), Map.entry("his", "hɪz"),
            Map.entry("her", "hɜː"), Map.entry("our", "ˌaʊɚ"), Map.entry("their", "ðɛɹ"), Map.entry("its", "ɪts"),
            Map.entry("them", "ðˌɛm"), Map.entry("us", "ˌʌs"), Map.entry("me", "mˌiː"), Map.entry("him", "hˌɪm"),
 Map.entry("not", "nˌɑːt"), Map.entry("some", "sˌʌm"), Map.entry("any", "ˌɛni"),
            Map.entry("been", "bˌɪn"), Map.entry("be", "biː"), Map.entry("am", "æm"), Map.entry("if", "ɪf"), Map.entry("than", "ðɐn"),
            Map.entry("up", "ˌʌp"), Map.entry("are", "ɑːɹ"), Map.entry("were", "wɜː"), Map.entry("has", "hæz"), Map.entry("have", "hæv"),
            Map.entry("had", "hæd"), Map.entry("there", "ðɛɹ"), Map.entry("into", "ˌɪntʊ"), Map.entry("that", "ðæt"),
            Map.entry("do", "dˈuː"), Map.entry("over", "ˌoʊvɚ"), Map.entry("while", "wˌaɪl"), Map.entry("one", "wˈʌn"),
            Map.entry("this", "ðɪs"), Map.entry("about", "ɐbˌaʊt"), Map.entry("before", "bᵻfˌoːɹ"), Map.entry("how", "hˌaʊ"),
            Map.entry("where", "wˌɛɹ"), Map.entry("which", "wˌɪtʃ"), Map.entry("going", "ɡˌoʊɪŋ"), Map.entry("go", "ɡˌoʊ"),
            Map.entry("who", "hˌuː"), Map.entry("what", "wˌʌt"), Map.entry("when", "wɛn"), Map.entry("through", "θɹuː"),
            Map.entry("i'm", "aɪm"), Map.entry("i've", "aɪv"), Map.entry("i'll", "aɪl"), Map.entry("i'd", "aɪd"),
            Map.entry("she'll", "ʃiːl"), Map.entry("he'll", "hiːl"), Map.entry("we'll", "wiːl"), Map.entry("that's", "ðæts"),
            Map.entry("got", "ɡɑːt"), Map.entry("every", "ˈɛvɹi"));
    private static final Map<String, String> VOWELS = Map.ofEntries(
            Map.entry("AA", "ɑː"), Map.entry("AE", "æ"), Map.entry("AH", "ʌ"), Map.entry("AO", "ɔː"), Map.entry("AW", "aʊ"),
            Map.entry("AY", "aɪ"), Map.entry("EH", "ɛ"), Map.entry("ER", "ɜː"), Map.entry("EY", "eɪ"), Map.entry("IH", "ɪ"),
            Map.entry("IY", "iː"), Map.entry("OW", "oʊ"), Map.entry("OY", "ɔɪ"), Map.entry("UH", "ʊ"), Map.entry("UW", "uː"));
    private static final Map<String, String> CONSONANTS = Map.ofEntries(
            Map.entry("B", "b"), Map.entry("CH", "tʃ"), Map.entry("D", "d"), Map.entry("DH", "ð"), Map.entry("F", "f"),
            Map.entry("G", "ɡ"), Map.entry("HH", "h"), Map.entry("JH", "dʒ"), Map.entry("K", "k"), Map.entry("L", "l"),
            Map.entry("M", "m"), Map.entry("N", "n"), Map.entry("NG", "ŋ"), Map.entry("P", "p"), Map.entry("R", "ɹ"),
            Map.entry("S", "s"), Map.entry("SH", "ʃ"), Map.entry("T", "t"), Map.entry("TH", "θ"), Map.entry("V", "v"),
            Map.entry("W", "w"), Map.entry("Y", "j"), Map.entry("Z", "z"), Map.entry("ZH", "ʒ"));

    private final Normalizer normalizer = new EnglishNormalizer();

    @Override
    public String describe() {
        return "sotto pure-Java English (CMU dictionary, en-us)";
    }

    /** The dictionary, loaded once: word -> ARPAbet phones of its first pronunciation. */
    static Map<String, String[]> dictionary() {
        Map<String, String[]> d = dictionary;
        if (d == null) {
            synchronized (CmuPhonemizer.class) {
                d = dictionary;
                if (d == null) {
                    d = load();
                    dictionary = d;
                }
            }
        }
        return d;
    }

    private static Map<String, String[]> load() {
        Map<String, String[]> d = new HashMap<>(200_000);
        try (InputStream raw = CmuPhonemizer.class.getResourceAsStream("cmudict.dict.gz")) {
            if (raw == null) {
                throw new IllegalStateException("cmudict.dict.gz is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                int sep = line.indexOf("  ");
                if (sep <= 0 || line.startsWith(";;;")) {
                    continue;
                }
                String word = line.substring(0, sep);
                if (word.endsWith(")")) {
                    continue; // alternates: keep the first pronunciation
                }
                d.putIfAbsent(word, line.substring(sep + 2).trim().split(" "));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CMU dictionary", e);
        }
        return d;
    }

    /** Letters outside the Latin script (the dictionary and the spelling rules are English) and pictographs. */
    @Override
    public String unreadable(String text) {
        StringBuilder out = new StringBuilder();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        text.codePoints().forEach(cp -> {
            boolean foreignLetter = Character.isLetter(cp) && Character.UnicodeScript.of(cp) != Character.UnicodeScript.LATIN;
            boolean pictograph = Character.getType(cp) == Character.OTHER_SYMBOL;
            if ((foreignLetter || pictograph) && seen.add(cp)) {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** The word without accents ("café" -> "cafe"): the dictionary spells English words without them. */
    private static String withoutAccents(String word) {
        if (word.chars().allMatch(ch -> ch < 128)) {
            return word;
        }
        return java.text.Normalizer.normalize(word, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    }

    @Override
    public List<String> phonemize(String text) {
        List<String> sentences = new ArrayList<>();
        if (text == null) {
            return sentences;
        }
        String s = normalizer.normalize(text); // digits and symbols the dictionary cannot read
        StringBuilder sentence = new StringBuilder();
        int i = 0;
        int n = s.length();
        String previousWord = null;
        StringBuilder pendingWord = null;
        while (i <= n) {
            char c = i < n ? s.charAt(i) : ' ';
            if (i < n && (Character.isLetter(c) || c == '\'' || c == '’' || (c == '-' && i > 0 && Character.isLetter(s.charAt(i - 1))))) {
                if (pendingWord == null) {
                    pendingWord = new StringBuilder();
                }
                pendingWord.append(c == '’' ? '\'' : c);
                i++;
                continue;
            }
            if (pendingWord != null) {
                String word = pendingWord.toString().replaceAll("^[-']+|[-']+$", "");
                pendingWord = null;
                if (!word.isEmpty()) {
                    String next = nextWord(s, i);
                    String ipa = word(word, next);
                    if (!sentence.isEmpty() && sentence.charAt(sentence.length() - 1) != ' ') {
                        sentence.append(' ');
                    }
                    sentence.append(ipa);
                    previousWord = word;
                }
            }
            if (i >= n) {
                break;
            }
            switch (c) {
                case '.', '!', '?' -> {
                    sentence.append(c);
                    while (i + 1 < n && ".!?".indexOf(s.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    flush(sentence, sentences);
                }
                case ',', ';', ':' -> {
                    if (!sentence.isEmpty()) {
                        trimEnd(sentence);
                        sentence.append(c).append(' ');
                    }
                }
                default -> {
                }
            }
            i++;
        }
        flush(sentence, sentences);
        return sentences;
    }

    private static void trimEnd(StringBuilder sb) {
        while (!sb.isEmpty() && sb.charAt(sb.length() - 1) == ' ') {
            sb.setLength(sb.length() - 1);
        }
    }

    private static void flush(StringBuilder sentence, List<String> out) {
        String t = sentence.toString().strip();
        if (!t.isEmpty() && t.codePoints().anyMatch(Character::isLetter)) {
            out.add(t);
        }
        sentence.setLength(0);
    }

    private static String nextWord(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        int j = i;
        while (j < s.length() && Character.isLetter(s.charAt(j))) {
            j++;
        }
        return s.substring(i, j);
    }

    /** IPA of one word (letters, apostrophes and inner hyphens), given the word after it (for "the"/"to"). */
    String word(String word, String next) {
        word = withoutAccents(word);
        String lower = word.toLowerCase(Locale.ROOT);
        boolean nextStartsWithVowel = !next.isEmpty() && "aeiouAEIOU".indexOf(next.charAt(0)) >= 0;
        if (lower.equals("the") && nextStartsWithVowel) {
            return "ðɪ";
        }
        if (lower.equals("to") && nextStartsWithVowel) {
            return "tʊ";
        }
        String f = FUNCTION_WORDS.get(lower);
        if (f != null) {
            return f;
        }
        String[] phones = dictionary().get(lower);
        if (phones != null) {
            return reduceBySpelling(lower, toIpa(phones), phones);
        }
        if (lower.contains("-")) {
            StringBuilder sb = new StringBuilder();
            for (String part : lower.split("-")) {
                if (!part.isEmpty()) {
                    sb.append(sb.isEmpty() ? "" : " ").append(word(part, ""));
                }
            }
            return sb.toString();
        }
        if (lower.endsWith("'s") && dictionary().containsKey(lower.substring(0, lower.length() - 2))) {
            String[] base = dictionary().get(lower.substring(0, lower.length() - 2));
            String last = base[base.length - 1];
            String ending = "S Z SH ZH CH JH".contains(last) ? "ɪz" : "P T K F TH".contains(last) ? "s" : "z";
            return toIpa(base) + ending;
        }
        if (lower.length() <= 4 && word.equals(word.toUpperCase(Locale.ROOT)) && word.length() > 1) {
            StringBuilder sb = new StringBuilder(); // a short all-capitals word not in the dictionary: its letters
            for (char ch : lower.toCharArray()) {
                String[] letter = dictionary().get(String.valueOf(ch));
                if (letter != null) {
                    sb.append(sb.isEmpty() ? "" : " ").append(toIpa(letter));
                }
            }
            return sb.toString();
        }
        return toIpa(LetterToSound.phones(lower));
    }

    /**
     * espeak-ng reduces some unstressed final syllables to ɪ where the dictionary has ə, by their spelling:
     * -est, -ice/-ise/-ace, -ain, -ic(s), -ed, -es after a sibilant, -ess, -age.
     */
    static String reduceBySpelling(String word, String ipa, String[] phones) {
        String last = phones[phones.length - 1];
        boolean lastSyllableUnstressed = true;
        for (int i = phones.length - 1; i >= 0; i--) {
            String p = phones[i];
            if (Character.isDigit(p.charAt(p.length() - 1))) {
                lastSyllableUnstressed = p.endsWith("0");
                break;
            }
        }
        if (phones.length > 2 && (word.startsWith("be") || word.startsWith("re") || word.startsWith("de"))
                && (phones[1].equals("IH0") || phones[1].equals("IY0") || phones[1].equals("AH0"))) {
            // Unstressed be-/re-/de- prefixes: espeak-ng writes the reduced vowel as ᵻ.
            int v = ipa.indexOf(phones[1].equals("AH0") ? "ə" : phones[1].equals("IY0") ? "i" : "ɪ");
            if (v > 0 && v <= 2) {
                ipa = ipa.substring(0, v) + "ᵻ" + ipa.substring(v + 1);
            }
        }
        if (phones.length > 2 && last.equals("D") && phones[phones.length - 2].equals("IH0")
                && (word.endsWith("ted") || word.endsWith("ded"))) {
            return ipa.substring(0, ipa.length() - 2) + "ᵻd";
        }
        if (!lastSyllableUnstressed) {
            return ipa;
        }
        int schwa = ipa.lastIndexOf('ə');
        if (schwa < 0) {
            return ipa;
        }
        boolean reduce = word.endsWith("est") || word.endsWith("ice") || word.endsWith("ise") || word.endsWith("ace")
                || word.endsWith("ain") || word.endsWith("ic") || word.endsWith("ics") || word.endsWith("ess")
                || word.endsWith("age") || (word.endsWith("ed") && (last.equals("D"))) || (word.endsWith("es") && last.equals("Z"))
                || word.endsWith("ica") || word.endsWith("ite");
        return reduce ? ipa.substring(0, schwa) + "ɪ" + ipa.substring(schwa + 1) : ipa;
    }

    /** ARPAbet with stress digits -> espeak-style IPA. */
    static String toIpa(String[] phones) {
        int primary = -1;
        for (int i = 0; i < phones.length; i++) {
            if (phones[i].endsWith("1")) {
                primary = i;
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < phones.length; i++) {
            String p = phones[i];
            char last = p.charAt(p.length() - 1);
            boolean vowel = Character.isDigit(last);
            if (!vowel) {
                String prev = i > 0 ? phones[i - 1] : null;
                String next = i + 1 < phones.length ? phones[i + 1] : null;
                if ((p.equals("T") || p.equals("D")) && flaps(prev, next, i > 1 ? phones[i - 2] : null)) {
                    sb.append('ɾ');
                } else {
                    sb.append(CONSONANTS.getOrDefault(p, ""));
                }
                continue;
            }
            String base = p.substring(0, p.length() - 1);
            int stress = last - '0';
            String next = i + 1 < phones.length ? phones[i + 1] : null;
            String afterNext = i + 2 < phones.length ? phones[i + 2] : null;
            boolean beforeR = "R".equals(next);
            boolean beforeVowel = next != null && Character.isDigit(next.charAt(next.length() - 1));
            boolean rThenConsonant = beforeR && afterNext != null && !Character.isDigit(afterNext.charAt(afterNext.length() - 1));
            String v;
            if (stress == 0) {
                v = switch (base) {
                    case "AH" -> i == 0 ? "ɐ" : "ə";
                    case "ER" -> "ɚ";
                    case "IY" -> beforeVowel ? "ɪ" : "i";
                    case "IH" -> "ɪ";
                    case "UW" -> "uː";
                    case "AO" -> beforeR ? "oː" : "ɔ";
                    default -> VOWELS.get(base);
                };
            } else {
                v = switch (base) {
                    case "AO" -> beforeR ? (rThenConsonant ? "ɔː" : "oː") : "NG".equals(next) ? "ɔ" : "ɔː";
                    case "IY" -> beforeR ? "ɪ" : (stress == 2 && i > primary) || beforeVowel ? "i" : "iː";
                    default -> VOWELS.get(base);
                };
            }
            if (stress == 1) {
                sb.append('ˈ');
            } else if (stress == 2 && primary >= 0 && i < primary) {
                sb.append('ˌ');
            }
            sb.append(v);
            if (base.equals("ER") && beforeVowel) {
                sb.append('ɹ'); // an r-coloured vowel before another vowel links with r: around, hurry, bakery
            }
        }
        return sb.toString();
    }

    /** A t or d between a vowel (or a vowel and r) and an unstressed vowel is a flap in American English. */
    private static boolean flaps(String prev, String next, String beforePrev) {
        if (prev == null || next == null) {
            return false;
        }
        boolean nextUnstressed = next.endsWith("0") || (next.endsWith("2") && !next.startsWith("AW"));
        boolean prevVowel = Character.isDigit(prev.charAt(prev.length() - 1));
        boolean prevVowelR = prev.equals("R") && beforePrev != null && Character.isDigit(beforePrev.charAt(beforePrev.length() - 1));
        return nextUnstressed && (prevVowel || prevVowelR) && !next.startsWith("ER2");
    }
}
