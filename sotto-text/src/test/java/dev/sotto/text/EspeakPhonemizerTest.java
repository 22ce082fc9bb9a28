package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * espeak-ng through java.lang.foreign against the espeak-ng program itself ({@code espeak-ng -q --ipa}, which
 * prints one line per clause), on the English corpus and on German, French and Spanish sentences. Needs espeak-ng
 * installed (the CI script installs it).
 *
 * <p>The program prints what its synthesis path computes, which gives a clause without any stressed syllable a
 * primary stress ("Hmm," is "hˈəm" there); espeak_TextToPhonemes, which Piper (and sotto) call, leaves it
 * unstressed ("həm"). Clauses that differ only in that way are counted separately and listed; every other
 * difference fails the test.
 */
class EspeakPhonemizerTest {

    /** espeak-ng must be installed; {@code -Dsotto.skipEspeak=true} (set by scripts/test where it cannot be) skips these tests. */
    @org.junit.jupiter.api.BeforeEach
    void needsEspeak() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("sotto.skipEspeak"),
                "espeak-ng is not installed (apt-get install espeak-ng); skipped on request (-Dsotto.skipEspeak=true)");
    }

    static List<String> corpus(String name) throws IOException {
        try (InputStream in = EspeakPhonemizerTest.class.getResourceAsStream(name)) {
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.strip());
                }
            }
            return lines;
        }
    }

    /** The clauses the espeak-ng program prints for {@code text}. */
    static List<String> espeakProgram(String voice, String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("espeak-ng", "-q", "--ipa", "-v", voice, "--", text).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    private static void sameAsProgram(String voice, List<String> texts) throws Exception {
        EspeakPhonemizer p = new EspeakPhonemizer(voice);
        int mismatches = 0;
        int stressOnly = 0;
        StringBuilder report = new StringBuilder();
        for (String text : texts) {
            List<String> ours = new ArrayList<>();
            for (EspeakPhonemizer.Clause c : p.clauses(text)) {
                if (!c.phonemes().isBlank()) {
                    ours.add(c.phonemes().strip());
                }
            }
            List<String> theirs = espeakProgram(voice, text);
            if (!ours.equals(theirs)) {
                boolean onlyAddedStress = ours.size() == theirs.size();
                for (int i = 0; onlyAddedStress && i < ours.size(); i++) {
                    String a = ours.get(i);
                    String b = theirs.get(i);
                    onlyAddedStress = a.equals(b) || (!a.contains("ˈ") && b.replace("ˈ", "").equals(a.replace("ˌ", "")));
                }
                if (onlyAddedStress) {
                    stressOnly++;
                    System.out.println("[espeak] program stresses an unstressed clause: " + ours + " vs " + theirs);
                } else {
                    mismatches++;
                    report.append("\n  ").append(text).append("\n    ours:   ").append(ours).append("\n    espeak: ").append(theirs);
                }
            }
        }
        System.out.printf("[espeak] %s: %d texts, %d identical, %d differ only by the program's added stress, %d differ%n",
                voice, texts.size(), texts.size() - mismatches - stressOnly, stressOnly, mismatches);
        assertEquals(0, mismatches, "clauses differing from espeak-ng:" + report);
        assertTrue(stressOnly <= texts.size() / 50, "too many stress differences: " + stressOnly);
    }

    @Test
    void englishCorpusMatchesTheEspeakProgram() throws Exception {
        List<String> corpus = corpus("corpus-en.txt");
        assertTrue(corpus.size() >= 200, "corpus of at least 200 sentences");
        sameAsProgram("en-us", corpus);
    }

    @Test
    void otherLanguagesMatchTheEspeakProgram() throws Exception {
        sameAsProgram("de", List.of("Guten Tag, wie geht es Ihnen?", "Ich heiße Anna und wohne in Berlin.",
                "Das Wetter ist heute schön.", "Wir fahren morgen um acht Uhr nach München.", "Die Straße ist sehr lang."));
        sameAsProgram("fr", List.of("Bonjour, je m'appelle Marie.", "J'habite à Paris depuis trois ans.",
                "Quelle heure est-il ?", "Le chat dort sur le canapé.", "Nous allons au marché demain matin."));
        sameAsProgram("es", List.of("Hola, ¿cómo estás?", "Me llamo Carlos y vivo en Madrid.", "El tren sale a las nueve.",
                "¡Qué día tan bonito!", "Mañana vamos a la playa con mis amigos."));
    }

    @Test
    void piperProcedureAddsPunctuationAndSplitsSentences() {
        EspeakPhonemizer p = new EspeakPhonemizer("en-us");
        List<String> s = p.phonemize("Hello world. Yes: he did; really! Is it, though? The end");
        assertEquals(List.of("həlˈoʊ wˈɜːld.", "jˈɛs: hiː dˈɪd; ɹˈiəli!", "ɪz ɪt, ðˌoʊ?", "ðɪ ˈɛnd"), s);
        // NFD: one code point per phoneme, combining marks on their own.
        String fr = String.join(" ", new EspeakPhonemizer("fr").phonemize("Un garçon."));
        assertEquals(java.text.Normalizer.normalize(fr, java.text.Normalizer.Form.NFD), fr);
    }

    /**
     * The fixtures' texts give the fixtures' reference phonemes, plus the clause punctuation (", " "; ") that
     * Piper's procedure inserts and the fixtures' listing leaves out.
     */
    @Test
    void fixtureTextsGiveTheFixturesPhonemes() {
        EspeakPhonemizer p = new EspeakPhonemizer("en-us");
        assertEquals("həlˈoʊ wˈɜːld.", String.join(" ", p.phonemize("Hello world.")));
        String s = String.join(" ", p.phonemize(
                "The quick brown fox jumps over the lazy dog, while seven wizards quietly hex the jovial jukebox; nobody noticed."));
        assertEquals("ðə kwˈɪk bɹˈaʊn fˈɑːks dʒˈʌmps ˌoʊvɚ ðə lˈeɪzi dˈɑːɡ, wˌaɪl sˈɛvən wˈɪzɚdz kwˈaɪətli hˈɛks ðə dʒˈoʊvɪəl "
                + "dʒˈuːkbɑːks; nˈoʊbɑːdi nˈoʊɾɪst.", s);
        assertEquals("ˈɔflaɪn spˈiːtʃ kˈiːps jʊɹ vˈɔɪs ˌɔn jʊɹ dɪvˈaɪs.",
                String.join(" ", p.phonemize("Offline speech keeps your voice on your device.")));
    }

    @Test
    void languageSwitchMarkersAreRemoved() {
        // English words in German text make espeak switch language and mark it: (en) ... (de).
        String s = String.join(" ", new EspeakPhonemizer("de").phonemize("Das ist ein Computer mit Software."));
        assertTrue(!s.contains("(") && !s.contains(")"), s);
    }

    @Test
    void unknownVoiceIsAClearError() {
        PhonemizerException e = assertThrows(PhonemizerException.class, () -> new EspeakPhonemizer("xx-nonexistent"));
        assertTrue(e.getMessage().contains("no voice 'xx-nonexistent'"), e.getMessage());
    }

    @Test
    void emptyAndOddInputIsHandled() {
        EspeakPhonemizer p = new EspeakPhonemizer("en-us");
        assertEquals(List.of(), p.phonemize(""));
        assertEquals(List.of(), p.phonemize("   \n\t "));
        assertTrue(p.phonemize("😀 ☃ \u0000\u0007 ...").stream().allMatch(x -> !x.isBlank()));
    }
}
