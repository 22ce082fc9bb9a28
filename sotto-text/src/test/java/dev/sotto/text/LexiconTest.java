package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LexiconTest {
    @TempDir
    Path dir;

    @Test
    void wordsBecomeInlineBlocksCaseInsensitively() {
        Lexicon lex = Lexicon.of(Map.of("sotto", "sˈɑːtoʊ", "GIF", "dʒˈɪf"));
        assertEquals("Say [[sˈɑːtoʊ]] and [[dʒˈɪf]], not sottovoce.", lex.apply("Say Sotto and gif, not sottovoce."));
        assertEquals("keep [[sotto]] as is", lex.apply("keep [[sotto]] as is"));
        assertEquals("unclosed [[ sotto", lex.apply("unclosed [[ sotto"));
    }

    @Test
    void readsTabSeparatedFiles() throws IOException {
        Path f = dir.resolve("lexicon.tsv");
        Files.writeString(f, "# comment\nsotto\tsˈɑːtoʊ\n\nPiper\tpˈaɪpɚ\n");
        assertEquals("[[pˈaɪpɚ]] and [[sˈɑːtoʊ]]", Lexicon.read(f).apply("piper and sotto"));
        Files.writeString(f, "no tab here\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lexicon.read(f));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void frontEndPassesInlinePhonemesThroughAndAppliesTheLexicon() {
        TextFrontEnd fe = new TextFrontEnd(new SentenceSplitter(), new EnglishNormalizer(), new EspeakPhonemizer("en-us"),
                Lexicon.of(Map.of("sotto", "sˈɑːtoʊ")));
        List<String> s = fe.phonemes("I like [[tˈoʊmɑːtoʊz]] and sotto.");
        assertEquals(1, s.size(), s.toString());
        assertTrue(s.get(0).contains("tˈoʊmɑːtoʊz") && s.get(0).contains("sˈɑːtoʊ"), s.get(0));
        assertTrue(s.get(0).startsWith("aɪ lˈaɪk"), s.get(0));
        assertEquals(List.of("həlˈoʊ"), fe.phonemes("[[həlˈoʊ]]"));
        assertEquals(List.of("həlˈoʊ wˈɜːld!"), fe.phonemes("Hello [[wˈɜːld]]!"));
    }
}
