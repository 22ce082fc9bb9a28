package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SsmlTest {
    private static Ssml.Segment text(String t) {
        return new Ssml.Segment(t, 1f, 0f, 0f, 0f);
    }

    @Test
    void plainSpeakIsOneSegment() {
        assertEquals(List.of(text("Hello there, world.")), Ssml.parse("<speak>Hello   there,\n world.</speak>"));
        assertEquals(List.of(), Ssml.parse("<speak/>"));
        assertTrue(Ssml.looksLikeSsml("  <speak>x</speak>"));
        assertFalse(Ssml.looksLikeSsml("a < b"));
    }

    @Test
    void breaksSplitTextIntoPauses() {
        List<Ssml.Segment> s = Ssml.parse("<speak>One.<break time=\"500ms\"/>Two.<break strength=\"strong\"/>Three<break time=\"1.5s\"/>"
                + "<break strength=\"none\"/></speak>");
        assertEquals(List.of(text("One."), new Ssml.Segment("", 1, 0, 0, 0.5f), text("Two."), new Ssml.Segment("", 1, 0, 0, 0.7f),
                text("Three"), new Ssml.Segment("", 1, 0, 0, 1.5f)), s);
        assertTrue(s.get(1).isPause());
    }

    @Test
    void prosodyNestsAndEmphasisAdds() {
        List<Ssml.Segment> s = Ssml.parse("<speak>a <prosody rate=\"slow\" pitch=\"+2st\" volume=\"-6dB\">b "
                + "<prosody rate=\"50%\" pitch=\"x-low\" volume=\"loud\">c</prosody></prosody> <emphasis level=\"strong\">d</emphasis>"
                + "<prosody rate=\"+25%\" pitch=\"+100%\">e</prosody></speak>");
        assertEquals(5, s.size());
        assertEquals(text("a"), s.get(0));
        assertEquals(new Ssml.Segment("b", 0.8f, 2f, -6f, 0f), s.get(1));
        assertEquals(new Ssml.Segment("c", 0.8f * 0.5f, -2f, -2f, 0f), s.get(2));
        assertEquals(new Ssml.Segment("d", 0.85f, 2f, 4f, 0f), s.get(3));
        assertEquals(1.25f, s.get(4).rate(), 1e-6);
        assertEquals(12f, s.get(4).pitchSemitones(), 1e-4); // +100% is an octave
    }

    @Test
    void sayAsSubAndPhonemeBecomeSpeakableText() {
        String t = Ssml.parse("<speak><say-as interpret-as=\"characters\">IBM 7</say-as>, <say-as interpret-as=\"cardinal\">1,234</say-as>, "
                + "<say-as interpret-as=\"ordinal\">21st</say-as>, <say-as interpret-as=\"date\" format=\"dmy\">5/3/2024</say-as>, "
                + "<say-as interpret-as=\"date\" format=\"ym\">1999-12</say-as>, "
                + "<say-as interpret-as=\"telephone\">+1 (555) 123-4567</say-as>, <sub alias=\"World Wide Web Consortium\">W3C</sub>, "
                + "<phoneme alphabet=\"ipa\" ph=\"təmˈɑːtoʊ\">tomato</phoneme>.</speak>").get(0).text();
        assertEquals("eye bee em seven, one thousand two hundred thirty-four, twenty-first, March fifth, twenty twenty-four, "
                + "December nineteen ninety-nine, plus one, five five five, one two three, four five six seven, "
                + "World Wide Web Consortium, [[təmˈɑːtoʊ]].", t);
    }

    @Test
    void paragraphsAndSentencesSeparateSegmentsAndUnknownElementsAreRead() {
        List<Ssml.Segment> s = Ssml.parse("<speak xmlns=\"http://www.w3.org/2001/10/synthesis\"><p><s>First</s><s>second</s></p>"
                + "<voice name=\"x\">third <mark name=\"m\"/>fourth</voice></speak>");
        assertEquals(List.of(text("First"), text("second"), text("third fourth")), s);
    }

    @Test
    void badMarkupAndValuesSayWhatIsWrong() {
        assertMessage("<speak>Hello <break></speak>", "line 1");
        assertMessage("<speak>unclosed", "invalid SSML");
        assertMessage("<voice>x</voice>", "root element must be <speak>");
        assertMessage("<speak><break time=\"soon\"/></speak>", "500ms");
        assertMessage("<speak><break time=\"11s\"/></speak>", "longer than 10s");
        assertMessage("<speak><prosody rate=\"1000%\">x</prosody></speak>", "outside");
        assertMessage("<speak><prosody pitch=\"200Hz\">x</prosody></speak>", "semitones");
        assertMessage("<speak><prosody volume=\"+30dB\">x</prosody></speak>", "outside");
        assertMessage("<speak><say-as interpret-as=\"cardinal\">twelve</say-as></speak>", "whole number");
        assertMessage("<speak><say-as interpret-as=\"date\" format=\"mdy\">13/1/2020</say-as></speak>", "no such month");
        assertMessage("<speak><phoneme alphabet=\"x-sampa\" ph=\"t@\">a</phoneme></speak>", "ipa");
        assertMessage("<speak><sub>x</sub></speak>", "alias");
        assertMessage("<speak><speak>x</speak></speak>", "only be the root");
        // Entities and DOCTYPEs are refused: no external entity or billion-laughs expansion.
        assertMessage("<?xml version=\"1.0\"?><!DOCTYPE speak [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><speak>&x;</speak>", "DOCTYPE");
        assertMessage("<speak>" + "<prosody>".repeat(80) + "x" + "</prosody>".repeat(80) + "</speak>", "deeper than 64");
    }

    private static void assertMessage(String ssml, String part) {
        SsmlException e = assertThrows(SsmlException.class, () -> Ssml.parse(ssml));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
