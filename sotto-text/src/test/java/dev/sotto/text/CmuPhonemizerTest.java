package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java phonemizer against espeak-ng (Piper's procedure) on the English corpus: phoneme error rate (edit
 * distance over code points / reference length), word-level exact match, and letter-to-sound accuracy on
 * dictionary words.
 */
class CmuPhonemizerTest {
    private final CmuPhonemizer java = new CmuPhonemizer();

    static int editDistance(int[] a, int[] b) {
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }

    @Test
    void phonemeErrorRateAgainstEspeakOnTheCorpus() throws Exception {
        measure("corpus-en.txt", 10.0);
    }

    /** The figure to quote: sentences the rules were never tuned on. */
    @Test
    void phonemeErrorRateOnHeldOutSentences() throws Exception {
        measure("corpus-en-heldout.txt", 10.0);
    }

    private void measure(String corpus, double maxPer) throws Exception {
        EspeakPhonemizer espeak = new EspeakPhonemizer("en-us");
        EnglishNormalizer normalizer = new EnglishNormalizer();
        long errors = 0;
        long length = 0;
        int words = 0;
        int wordsSame = 0;
        List<String> worst = new ArrayList<>();
        for (String line : EspeakPhonemizerTest.corpus(corpus)) {
            String text = normalizer.normalize(line);
            String ref = String.join(" ", espeak.phonemize(text));
            String ours = String.join(" ", java.phonemize(text));
            int d = editDistance(ours.codePoints().toArray(), ref.codePoints().toArray());
            errors += d;
            length += ref.codePoints().count();
            String[] rw = ref.replaceAll("[.,;:!?]", "").trim().split("\\s+");
            String[] ow = ours.replaceAll("[.,;:!?]", "").trim().split("\\s+");
            words += rw.length;
            if (rw.length == ow.length) {
                for (int i = 0; i < rw.length; i++) {
                    wordsSame += rw[i].equals(ow[i]) ? 1 : 0;
                }
            }
            if (d * 5 > ref.length()) {
                worst.add(line + "\n    java:   " + ours + "\n    espeak: " + ref);
            }
        }
        double per = 100.0 * errors / length;
        double wordMatch = 100.0 * wordsSame / words;
        System.out.printf("[java-phonemizer] %s: PER %.2f%% (%d edits / %d phonemes), word exact match %.1f%% of %d words%n",
                corpus, per, errors, length, wordMatch, words);
        worst.stream().limit(8).forEach(w -> System.out.println("[java-phonemizer] worst: " + w));
        assertTrue(per <= maxPer, "phoneme error rate " + per + "% > " + maxPer + "%");
    }

    @Test
    void letterToSoundOnDictionaryWords() {
        Map<String, String[]> dict = CmuPhonemizer.dictionary();
        List<String> sample = new ArrayList<>();
        int i = 0;
        for (String w : new java.util.TreeSet<>(dict.keySet())) {
            if (i++ % 61 == 0 && w.matches("[a-z]{3,12}")) {
                sample.add(w);
            }
        }
        int exact = 0;
        long errors = 0;
        long length = 0;
        for (String w : sample) {
            String ref = CmuPhonemizer.toIpa(dict.get(w));
            String ours = CmuPhonemizer.toIpa(LetterToSound.phones(w));
            exact += ref.equals(ours) ? 1 : 0;
            errors += editDistance(ours.codePoints().toArray(), ref.codePoints().toArray());
            length += ref.codePoints().count();
        }
        double wordAcc = 100.0 * exact / sample.size();
        double per = 100.0 * errors / length;
        System.out.printf("[letter-to-sound] %d held-out dictionary words: %.1f%% exact, PER %.1f%%%n", sample.size(), wordAcc, per);
        assertTrue(sample.size() > 1000);
        assertTrue(per < 60, "letter-to-sound PER " + per);
    }

    @Test
    void espeakConventions() {
        assertEquals(List.of("həlˈoʊ wˈɜːld."), java.phonemize("Hello world."));
        assertEquals(List.of("ðɪ ˈæpəl ɪz ɹˈɛd, ænd ðə kˈæt ɪz θˈɜːɾi!"), java.phonemize("The apple is red, and the cat is thirty!"));
        assertEquals(List.of("wˈʌn.", "tˈuː?"), java.phonemize("One. Two?"));
    }

    @Test
    void oddInputIsHandled() {
        assertEquals(List.of(), java.phonemize(""));
        assertEquals(List.of(), java.phonemize("  ...  "));
        assertTrue(!java.phonemize("Zyxqwv blorptastic!").isEmpty());
        String big = "Zyxqwv blorptastic, the quick brown fox! ".repeat(25_000);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> java.phonemize(big));
    }
}
