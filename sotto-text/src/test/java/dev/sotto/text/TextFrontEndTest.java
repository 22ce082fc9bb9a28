package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole front end (splitter, normalizer, espeak-ng) on ordinary and adversarial text. */
class TextFrontEndTest {
    private final TextFrontEnd frontEnd = new TextFrontEnd(new SentenceSplitter(), new EnglishNormalizer(), new EspeakPhonemizer("en-us"));

    private static void sane(List<String> sentences) {
        for (String s : sentences) {
            assertFalse(s.isBlank());
            assertFalse(s.chars().anyMatch(c -> Character.isISOControl(c) || Character.isSurrogate((char) c)), s);
            assertTrue(s.length() < 4 * SentenceSplitter.DEFAULT_MAX_CHARS + 200, "sentence of " + s.length() + " chars");
        }
    }

    @Test
    void normalizesBeforePhonemizing() {
        List<String> s = frontEnd.phonemes("It costs $3.50. Dr. Smith agrees!");
        assertEquals(2, s.size(), s.toString());
        assertTrue(s.get(0).contains("dˈɑːlɚz") && s.get(0).contains("sˈɛnts"), s.get(0));
        assertTrue(s.get(1).startsWith("dˈɑːktɚ smˈɪθ"), s.get(1));
    }

    @Test
    void adversarialTextIsBoundedAndSane() {
        Duration limit = Duration.ofSeconds(60);
        assertEquals(List.of(), frontEnd.phonemes(""));
        assertEquals(List.of(), frontEnd.phonemes(" \n\t  \n"));
        sane(assertTimeoutPreemptively(limit, () -> frontEnd.phonemes("😀🎉 emoji, Ελληνικά, русский, 中文, العربية and English.")));
        sane(assertTimeoutPreemptively(limit, () -> frontEnd.phonemes("bell\u0007 null\u0000 escape\u001b[31m red \uD800 lone \uDFFF end")));
        List<String> digits = assertTimeoutPreemptively(limit, () -> frontEnd.phonemes("9".repeat(10_000)));
        sane(digits);
        assertTrue(digits.size() > 10, "a 10,000-digit number is read in bounded pieces");
        String mb = "The quick brown fox jumps over the lazy dog, 42 times; it costs $3.50! ".repeat(14_600); // about 1 MB
        List<String> big = assertTimeoutPreemptively(limit, () -> frontEnd.phonemes(mb));
        sane(big);
        assertTrue(big.size() >= 14_600, big.size() + " sentences");
        List<String> token = assertTimeoutPreemptively(limit, () -> frontEnd.phonemes("abc".repeat(50_000)));
        sane(token);
    }
}
