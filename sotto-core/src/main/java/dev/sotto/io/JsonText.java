package dev.sotto.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small reader of JSON text (RFC 8259) into plain values, and the quoting of strings to write it, for the JSON on
 * cold paths: a Piper config's {@code phoneme_map} when a voice loads, the small files and requests by which {@code
 * sotto say} hands a sentence to a running server. Jackson did this before and cost a cold start 130-170 ms of class
 * loading each time.
 *
 * <p>Values: objects as {@code Map<String, Object>} (insertion order, a repeated key keeps its last value), arrays
 * as {@code List<Object>}, strings as {@code String}, numbers as their text ({@link Number} would round), {@code
 * true}/{@code false} as {@code Boolean}, {@code null} as {@link #NULL}. Nesting is limited to {@link #MAX_DEPTH}.
 */
public final class JsonText {
    /** The JSON {@code null} (Java's null is "absent" in maps). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    /** Deeper nesting is refused rather than risking the stack on a hostile file. */
    public static final int MAX_DEPTH = 256;

    private final String s;
    private int i;

    private JsonText(String s) {
        this.s = s;
    }

    /** Why the text is not JSON, with the offset where it went wrong. */
    public static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message, int offset) {
            super(message + " at offset " + offset);
        }
    }

    /** The value of a whole JSON text (one value, whitespace around it, nothing else). */
    public static Object parse(String text) throws JsonException {
        JsonText p = new JsonText(text);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.i != text.length()) {
            throw new JsonException("unexpected text after the value", p.i);
        }
        return v;
    }

    /** {@code text} as a JSON string, quotes included: quotes, backslashes and control characters escaped. */
    public static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private Object value(int depth) throws JsonException {
        if (depth > MAX_DEPTH) {
            throw new JsonException("nested deeper than " + MAX_DEPTH, i);
        }
        if (i >= s.length()) {
            throw new JsonException("a value is missing", i);
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new JsonException("unexpected '" + c + "'", i);
            }
        };
    }

    private Map<String, Object> object(int depth) throws JsonException {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        skipSpace();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new JsonException("expected a key in quotes", i);
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            m.put(key, value(depth + 1));
            skipSpace();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw new JsonException("expected ',' or '}'", i - 1);
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        List<Object> a = new ArrayList<>();
        i++;
        skipSpace();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            skipSpace();
            a.add(value(depth + 1));
            skipSpace();
            char c = next();
            if (c == ']') {
                return a;
            }
            if (c != ',') {
                throw new JsonException("expected ',' or ']'", i - 1);
            }
        }
    }

    private String string() throws JsonException {
        i++; // the opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw new JsonException("unterminated string", i);
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw new JsonException("control character in a string", i - 1);
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw new JsonException("short \\u escape", i);
                    }
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i++), 16);
                        if (d < 0) {
                            throw new JsonException("bad \\u escape", i - 1);
                        }
                        code = code * 16 + d;
                    }
                    b.append((char) code);
                }
                default -> throw new JsonException("bad escape '\\" + e + "'", i - 1);
            }
        }
    }

    private String number() throws JsonException {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (!digits()) {
            throw new JsonException("bad number", start);
        }
        if (peek() == '.') {
            i++;
            if (!digits()) {
                throw new JsonException("bad number", start);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!digits()) {
                throw new JsonException("bad number", start);
            }
        }
        return s.substring(start, i);
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > start;
    }

    private Object literal(String word, Object v) throws JsonException {
        if (!s.startsWith(word, i)) {
            throw new JsonException("unexpected '" + s.charAt(i) + "'", i);
        }
        i += word.length();
        return v;
    }

    private void skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() throws JsonException {
        if (i >= s.length()) {
            throw new JsonException("unexpected end", i);
        }
        return s.charAt(i++);
    }

    private void expect(char c) throws JsonException {
        if (next() != c) {
            throw new JsonException("expected '" + c + "'", i - 1);
        }
    }
}
