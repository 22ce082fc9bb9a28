package dev.sotto.pocket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Upstream's text preparation and chunking ({@code prepare_text_prompt} and {@code split_into_best_sentences} of
 * pocket-tts at the pinned commit), step for step, with Python's string semantics (whitespace, case, word split):
 * the text is stripped, newlines made spaces, one pass of double spaces halved, semicolons replaced if the model asks,
 * its first letter upper-cased and a period added after a final letter or digit; it is then tokenized and cut after
 * runs of sentence-ending tokens, sentences longer than the token budget cut again at commas, and the pieces packed
 * greedily into chunks within the budget. Each chunk is spoken on its own.
 */
final class TextChunks {
    /**
     * A chunk to speak.
     *
     * @param text the chunk's text (tokenized as it is)
     * @param ids its tokens
     * @param maxFrames the longest it may run: ceil((tokens / rate + padding) * frame rate)
     * @param framesAfterEos frames spoken after end of speech: the request's, else the model's, else 3 for chunks of at
     *     most four words and 1 otherwise, plus 2
     */
    record Chunk(String text, int[] ids, int maxFrames, int framesAfterEos) {
    }

    private TextChunks() {
    }

    /** The chunks of {@code text}, with {@code framesAfterEos} from the request (null to decide as upstream does). */
    static List<Chunk> of(String text, SentencePieceTokenizer tokenizer, PocketConfig config, Integer framesAfterEos) {
        PocketConfig.Text t = config.text();
        int budget = config.generation().maxTokensPerChunk();
        String prepared = strip(prepare(text, t).text());
        int[] tokens = tokenizer.encode(prepared);
        int[] sentenceEnds = tail(tokenizer.encode(".!...?"));
        List<Segment> segments = segments(tokens, sentenceEnds, tokenizer);
        int[] commas = tail(tokenizer.encode(",;:"));
        List<Segment> refined = new ArrayList<>();
        for (Segment s : segments) {
            if (s.tokens() <= budget) {
                refined.add(s);
                continue;
            }
            List<Segment> sub = segments(tokenizer.encode(strip(s.text())), commas, tokenizer);
            if (sub.size() > 1) {
                refined.addAll(sub);
            } else {
                refined.add(s);
            }
        }
        List<String> texts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int count = 0;
        for (Segment s : refined) {
            if (current.isEmpty()) {
                current.append(s.text());
                count = s.tokens();
            } else if (count + s.tokens() > budget) {
                texts.add(strip(current.toString()));
                current.setLength(0);
                current.append(s.text());
                count = s.tokens();
            } else {
                current.append(' ').append(s.text());
                count += s.tokens();
            }
        }
        if (!current.isEmpty()) {
            texts.add(strip(current.toString()));
        }
        double frameRate = config.mimi().frameRate();
        List<Chunk> chunks = new ArrayList<>();
        for (String c : texts) {
            int[] ids = tokenizer.encode(c);
            double seconds = ids.length / config.generation().tokensPerSecond() + config.generation().genSecondsPadding();
            int maxFrames = (int) Math.ceil(seconds * frameRate);
            int after = framesAfterEos != null ? framesAfterEos
                    : t.recommendedFramesAfterEos() >= 0 ? t.recommendedFramesAfterEos() : prepare(c, t).framesAfterEosGuess() + 2;
            chunks.add(new Chunk(c, ids, maxFrames, after));
        }
        return chunks;
    }

    /** A run of tokens and its decoded text. */
    private record Segment(int tokens, String text) {
    }

    /** Cuts after each run of boundary tokens; each piece decoded to text. */
    private static List<Segment> segments(int[] tokens, int[] boundary, SentencePieceTokenizer tokenizer) {
        List<Integer> cuts = new ArrayList<>(List.of(0));
        boolean previousBoundary = false;
        for (int i = 0; i < tokens.length; i++) {
            boolean b = contains(boundary, tokens[i]);
            if (!b && previousBoundary) {
                cuts.add(i);
            }
            previousBoundary = b;
        }
        cuts.add(tokens.length);
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.size(); i++) {
            int[] part = Arrays.copyOfRange(tokens, cuts.get(i), cuts.get(i + 1));
            out.add(new Segment(part.length, tokenizer.decode(part)));
        }
        return out;
    }

    private static boolean contains(int[] set, int v) {
        for (int x : set) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static int[] tail(int[] ids) {
        return ids.length == 0 ? ids : Arrays.copyOfRange(ids, 1, ids.length);
    }

    /** What {@code prepare_text_prompt} returns: the prepared text and the frames-after-EOS guess. */
    record Prepared(String text, int framesAfterEosGuess) {
    }

    /** {@code prepare_text_prompt}. */
    static Prepared prepare(String text, PocketConfig.Text t) {
        String s = strip(text);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("there is no text to speak");
        }
        s = s.replace("\n", " ").replace("\r", " ").replace("  ", " ");
        if (t.removeSemicolons()) {
            s = s.replace(";", ",");
        }
        int guess = words(s) <= 4 ? 3 : 1;
        int first = s.codePointAt(0);
        if (!Character.isUpperCase(first)) {
            int n = Character.charCount(first);
            s = s.substring(0, n).toUpperCase(Locale.ROOT) + s.substring(n);
        }
        int last = s.codePointBefore(s.length());
        if (isAlnum(last)) {
            s = s + ".";
        }
        if (t.padWithSpacesForShortInputs() && words(s) < 5) {
            s = " ".repeat(8) + s;
        }
        return new Prepared(s, guess);
    }

    /** Python's {@code len(s.split())}. */
    static int words(String s) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean space = isSpace(cp);
            if (!space && !in) {
                n++;
            }
            in = !space;
            i += Character.charCount(cp);
        }
        return n;
    }

    /** Python's {@code str.strip()}: Unicode whitespace off both ends. */
    static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isSpace(s.codePointAt(a))) {
            a += Character.charCount(s.codePointAt(a));
        }
        while (b > a && isSpace(s.codePointBefore(b))) {
            b -= Character.charCount(s.codePointBefore(b));
        }
        return s.substring(a, b);
    }

    /** Python's {@code str.isspace()} for one character. */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** Python's {@code str.isalnum()} for one character: a letter or a number. */
    static boolean isAlnum(int cp) {
        if (Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }
}
