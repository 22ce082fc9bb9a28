package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table in normalization-en.tsv (over 150 cases in every category), then adversarial input. */
class EnglishNormalizerTest {
    private final EnglishNormalizer normalizer = new EnglishNormalizer();

    @Test
    void tableOfCases() throws IOException {
        List<String[]> cases = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("normalization-en.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split("\t", -1);
                cases.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
            }
        }
        assertTrue(cases.size() >= 150, cases.size() + " cases");
        StringBuilder failures = new StringBuilder();
        int failed = 0;
        for (String[] c : cases) {
            String got = normalizer.normalize(c[0]);
            if (!got.equals(c[1].strip())) {
                failed++;
                failures.append("\n  '").append(c[0]).append("' -> '").append(got).append("', expected '").append(c[1].strip()).append("'");
            }
        }
        System.out.printf("[normalize] %d cases, %d failed%n", cases.size(), failed);
        assertEquals(0, failed, failures.toString());
    }

    /**
     * Sentences never tuned on (written before the rules they exercise): how many come out right is reported, and at
     * least three in four must, so that a rule that only fits its own examples shows.
     */
    @Test
    void heldOutTable() throws IOException {
        int total = 0;
        int passed = 0;
        StringBuilder misses = new StringBuilder();
        try (InputStream in = getClass().getResourceAsStream("normalization-en-heldout.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t", -1);
                String got = normalizer.normalize(parts[0]);
                total++;
                if (got.equals(parts[1].strip())) {
                    passed++;
                } else {
                    misses.append("\n  '").append(parts[0]).append("' -> '").append(got).append("', expected '").append(parts[1].strip()).append("'");
                }
            }
        }
        System.out.printf("[normalize] held out: %d of %d right%s%n", passed, total, misses);
        assertTrue(total >= 16 && passed * 4 >= total * 3, passed + " of " + total + misses);
    }

    @Test
    void adversarialInputStaysBoundedAndSane() {
        assertEquals("", normalizer.normalize(""));
        assertEquals("", normalizer.normalize(null));
        assertEquals("", normalizer.normalize(" \t\n "));
        // control characters and unpaired surrogates are dropped, never passed on
        String odd = normalizer.normalize("a\u0000b\u0007c \uD800 d \uDC00 e");
        assertFalse(odd.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\t'), odd);
        assertFalse(odd.chars().anyMatch(ch -> Character.isSurrogate((char) ch)), odd);
        // a 10,000-digit number is read digit by digit
        String digits = "7".repeat(10_000);
        String words = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> normalizer.normalize(digits));
        assertEquals(10_000, words.split(" ").length);
        // a megabyte of mixed text, and of one unbroken token, in bounded time
        String mixed = "Dr. Smith paid $3.50 at 3:30 pm on May 1st, 2024 (see www.example.com); 45% of FBI agents agree! 😀 ".repeat(10_000);
        String out = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> normalizer.normalize(mixed));
        assertTrue(out.contains("three dollars and fifty cents") && out.length() > mixed.length());
        String blob = "a".repeat(1 << 20);
        assertEquals(blob, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> normalizer.normalize(blob)));
        String at = "x@".repeat(200_000);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> normalizer.normalize(at));
        String dots = "1.".repeat(200_000);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> normalizer.normalize(dots));
        // mixed scripts pass through
        assertEquals("Привет мир 你好", normalizer.normalize("Привет мир 你好"));
    }
}
