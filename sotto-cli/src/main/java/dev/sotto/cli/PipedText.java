package dev.sotto.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * Text arriving on a pipe, cut into pieces to speak as soon as each is complete, so that speech starts after the first
 * sentence arrives and memory stays bounded whatever the length. A piece ends at a line break after a sentence's
 * final punctuation (. ! ? and the like, quotes and brackets allowed after it), at a blank line, or at the end of the
 * input; a piece that grows past {@link #MAX_PIECE_CHARS} without one is cut at its last sentence end, else at its
 * last space (a line of a wrapped paragraph that does not end a sentence waits for the rest of the sentence).
 */
final class PipedText {
    /** Longest piece: a few paragraphs. */
    static final int MAX_PIECE_CHARS = 4096;

    private final Reader in;
    private final char[] buffer = new char[8192];
    private final StringBuilder pending = new StringBuilder();
    private boolean ended;

    PipedText(Reader in) {
        this.in = in;
    }

    /** The next piece (never blank), or null when the input has ended. Blocks until a piece is complete. */
    String next() throws IOException {
        while (true) {
            int cut = boundary();
            if (cut > 0) {
                String piece = pending.substring(0, cut);
                pending.delete(0, cut);
                if (!piece.isBlank()) {
                    return piece.strip();
                }
                continue;
            }
            if (ended) {
                String rest = pending.toString();
                pending.setLength(0);
                return rest.isBlank() ? null : rest.strip();
            }
            int n = in.read(buffer);
            if (n < 0) {
                ended = true;
            } else {
                pending.append(buffer, 0, n);
            }
        }
    }

    /** Where the pending text can be cut (the length of the piece), or 0 when no piece is complete yet. */
    private int boundary() {
        for (int i = 0; i < pending.length(); i++) {
            if (pending.charAt(i) != '\n') {
                continue;
            }
            if (endsSentence(i) || blankLineAt(i)) {
                return i + 1;
            }
        }
        if (pending.length() <= MAX_PIECE_CHARS) {
            return 0;
        }
        int space = -1;
        for (int i = MAX_PIECE_CHARS - 1; i > 0; i--) {
            char c = pending.charAt(i);
            if (Character.isWhitespace(c)) {
                if (endsSentence(i)) {
                    return i + 1;
                }
                if (space < 0) {
                    space = i + 1;
                }
            }
        }
        return space > 0 ? space : MAX_PIECE_CHARS; // one endless word: cut it
    }

    /** Whether the text before position {@code i} (a whitespace) ends with a sentence's final punctuation. */
    private boolean endsSentence(int i) {
        int j = i - 1;
        while (j >= 0 && (pending.charAt(j) == ' ' || pending.charAt(j) == '\t' || pending.charAt(j) == '\r')) {
            j--;
        }
        while (j >= 0 && "\"'”’)]»".indexOf(pending.charAt(j)) >= 0) {
            j--;
        }
        return j >= 0 && ".!?…。！？".indexOf(pending.charAt(j)) >= 0;
    }

    /** Whether the line that ends at {@code i} is blank (a paragraph break). */
    private boolean blankLineAt(int i) {
        for (int j = i - 1; j >= 0 && pending.charAt(j) != '\n'; j--) {
            if (!Character.isWhitespace(pending.charAt(j))) {
                return false;
            }
        }
        return true;
    }
}
