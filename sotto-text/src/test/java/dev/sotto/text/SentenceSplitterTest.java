package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {
    private final SentenceSplitter splitter = new SentenceSplitter();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Hello world. How are you?                          | Hello world. // How are you?
            Dr. Smith arrived. He was late.                    | Dr. Smith arrived. // He was late.
            Mr. and Mrs. Jones live on Elm St. in Springfield. | Mr. and Mrs. Jones live on Elm St. in Springfield.
            Pi is about 3.14159. That is all.                  | Pi is about 3.14159. // That is all.
            J. R. R. Tolkien wrote it. Many read it.           | J. R. R. Tolkien wrote it. // Many read it.
            Wait... what happened? Nothing!                    | Wait... what happened? // Nothing!
            I waited... Then it rang.                          | I waited... // Then it rang.
            "Stop!" she cried. He stopped.                     | "Stop!" she cried. // He stopped.
            He said "yes." Then he left.                       | He said "yes." // Then he left.
            (This is an aside.) Back to the text.              | (This is an aside.) // Back to the text.
            Really?! I can't believe it.                       | Really?! // I can't believe it.
            We sell apples, pears, etc. Come and see.          | We sell apples, pears, etc. // Come and see.
            Apples, pears, etc. are sold here.                 | Apples, pears, etc. are sold here.
            Visit example.com today. It's free.                | Visit example.com today. // It's free.
            It costs $3.50. Cheap!                             | It costs $3.50. // Cheap!
            See e.g. chapter two. Or not.                      | See e.g. chapter two. // Or not.
            The U.S. economy grew. Prices fell.                | The U.S. economy grew. // Prices fell.
            It starts at 9 a.m. Be on time.                    | It starts at 9 a.m. // Be on time.
            No punctuation at the end                          | No punctuation at the end
            First line.\\n\\nSecond paragraph                  | First line. // Second paragraph
            Say [[ə. b?]] now. Then stop.                      | Say [[ə. b?]] now. // Then stop.
            Open [[never closed. Then stop.                    | Open [[never closed. // Then stop.
            """)
    void splitsSentences(String text, String expected) {
        assertEquals(List.of(expected.split(" // ")), splitter.split(text.replace("\\n", "\n")));
    }

    @Test
    void emptyAndBlankGiveNothing() {
        assertEquals(List.of(), splitter.split(""));
        assertEquals(List.of(), splitter.split(" \n\t "));
        assertEquals(List.of(), splitter.split(null));
    }

    @Test
    void longSentencesAreCutAtClauseBoundariesThenSpaces() {
        String clause = "this clause goes on for a while, ";
        String text = clause.repeat(40) + "and ends here.";
        List<String> parts = new SentenceSplitter(100).split(text);
        assertTrue(parts.size() > 10);
        for (String p : parts) {
            assertTrue(p.length() <= 100, p);
        }
        assertTrue(parts.get(0).endsWith(","), parts.get(0));
        assertEquals(text.replace(" ", ""), String.join("", parts).replace(" ", ""), "nothing lost");
        List<String> words = new SentenceSplitter(50).split("word ".repeat(100));
        assertTrue(words.stream().allMatch(p -> p.length() <= 50 && !p.startsWith(" ")));
        List<String> blob = new SentenceSplitter(50).split("x".repeat(120));
        assertEquals(List.of("x".repeat(50), "x".repeat(50), "x".repeat(20)), blob);
    }

    @Test
    void longInlineIpaBlocksAreNeverCut() {
        String ipa = "[[" + "həlˈoʊ, wˈɜːld ".repeat(40).strip() + "]]"; // about 600 characters, commas and spaces inside
        String text = "Before it comes " + "a long run of words ".repeat(15) + ipa + " and then a long tail " + "of more words ".repeat(30) + "end.";
        List<String> parts = splitter.split(text);
        assertTrue(parts.size() > 1, parts.toString());
        long whole = parts.stream().filter(p -> p.contains(ipa)).count();
        assertEquals(1, whole, "the block is in one piece: " + parts);
        for (String p : parts) {
            assertEquals(p.split("\\[\\[", -1).length - 1, p.split("]]", -1).length - 1, "no piece opens or closes a block alone: " + p);
        }
        assertEquals(text.replaceAll("\\s+", ""), String.join("", parts).replaceAll("\\s+", ""), "nothing lost");
    }

    @Test
    void hugeInputIsLinear() {
        String text = "A sentence with Dr. Who and 3.14 in it... ".repeat(25_000); // about 1 MB
        List<String> parts = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> splitter.split(text));
        assertTrue(parts.size() > 10_000);
    }
}
