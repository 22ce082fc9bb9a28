package dev.sotto.pocket;

import dev.sotto.gguf.GgufArray;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufValue;
import dev.sotto.gguf.GgufValueType;
import dev.sotto.gguf.GgufWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SentencePiece unigram tokenizer in pure Java, computing what SentencePiece computes: the text is normalized
 * (the precompiled rules if any, user-defined symbols kept whole, spaces made "▁", a "▁" prefix, optional collapsing
 * of extra spaces), then cut into pieces by Viterbi over the pieces' log-probabilities (user-defined symbols always
 * win; an uncovered character becomes an unknown of score min - 10); with byte fallback an unknown is spelled as
 * its UTF-8 bytes ({@code <0xNN>}). Decoding turns "▁" back into spaces, drops the dummy prefix and control pieces,
 * and decodes byte pieces as UTF-8 (each invalid byte as U+FFFD). Immutable; thread-safe.
 */
public final class SentencePieceTokenizer {
    /** Piece types, with their numbers in SentencePiece's model file. */
    public enum PieceType {
        NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

        final int id;

        PieceType(int id) {
            this.id = id;
        }

        static PieceType of(int id) {
            for (PieceType t : values()) {
                if (t.id == id) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown SentencePiece piece type " + id);
        }
    }

    /**
     * Everything a tokenizer is made of (what SentencePiece's model file holds that matters for encoding and decoding).
     *
     * @param pieces the vocabulary, by id
     * @param scores log-probability of each piece
     * @param types type of each piece
     * @param addDummyPrefix whether a "▁" is put before the text
     * @param removeExtraWhitespaces whether leading, trailing and repeated spaces are dropped
     * @param escapeWhitespaces whether spaces become "▁"
     * @param treatWhitespaceAsSuffix whether "▁" ends words rather than starting them
     * @param byteFallback whether unknown characters are spelled as byte pieces
     * @param charsMap the precompiled normalization rules (empty for none, "identity")
     * @param unkSurface what an unknown piece decodes to
     */
    public record Spec(List<String> pieces, float[] scores, PieceType[] types, boolean addDummyPrefix, boolean removeExtraWhitespaces,
                       boolean escapeWhitespaces, boolean treatWhitespaceAsSuffix, boolean byteFallback, byte[] charsMap,
                       String unkSurface) {
        public Spec {
            pieces = List.copyOf(pieces);
            if (pieces.isEmpty() || scores.length != pieces.size() || types.length != pieces.size()) {
                throw new IllegalArgumentException("a tokenizer needs pieces with one score and one type each");
            }
            Objects.requireNonNull(charsMap, "charsMap");
            Objects.requireNonNull(unkSurface, "unkSurface");
        }
    }

    private static final String SPACE = "\u2581";
    private static final byte[] SPACE_BYTES = SPACE.getBytes(StandardCharsets.UTF_8);
    private static final float UNKNOWN_PENALTY = 10f;

    private final Spec spec;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int unknownId;
    private final int[] byteIds = new int[256];
    private final float minScore;
    private final float maxScore;
    private final Trie pieceTrie = new Trie();       // normal, user-defined and unused pieces
    private final Trie userDefined = new Trie();     // user-defined symbols, matched whole before normalization
    private final CharsMap charsMap;                 // null for identity normalization

    public SentencePieceTokenizer(Spec spec) {
        this.spec = spec;
        int unk = -1;
        float min = Float.MAX_VALUE;
        float max = Float.MIN_VALUE; // as SentencePiece: its smallest positive float, so user symbols score about -0.1
        Arrays.fill(byteIds, -1);
        for (int i = 0; i < spec.pieces().size(); i++) {
            String p = spec.pieces().get(i);
            PieceType t = spec.types()[i];
            if (p.isEmpty()) {
                throw new IllegalArgumentException("piece " + i + " is empty");
            }
            if (ids.putIfAbsent(p, i) != null) {
                throw new IllegalArgumentException("piece '" + p + "' is defined twice");
            }
            switch (t) {
                case NORMAL -> {
                    min = Math.min(min, spec.scores()[i]);
                    max = Math.max(max, spec.scores()[i]);
                    pieceTrie.put(p.getBytes(StandardCharsets.UTF_8), i);
                }
                case USER_DEFINED -> {
                    pieceTrie.put(p.getBytes(StandardCharsets.UTF_8), i);
                    userDefined.put(p.getBytes(StandardCharsets.UTF_8), i);
                }
                case UNUSED -> pieceTrie.put(p.getBytes(StandardCharsets.UTF_8), i);
                case UNKNOWN -> {
                    if (unk >= 0) {
                        throw new IllegalArgumentException("the tokenizer defines two unknown pieces");
                    }
                    unk = i;
                }
                case BYTE -> {
                    int b = byteOf(p);
                    if (b < 0) {
                        throw new IllegalArgumentException("byte piece '" + p + "' is not of the form <0xNN>");
                    }
                    byteIds[b] = i;
                }
                case CONTROL -> {
                }
            }
        }
        if (unk < 0) {
            throw new IllegalArgumentException("the tokenizer has no unknown piece");
        }
        if (spec.byteFallback() && Arrays.stream(byteIds).anyMatch(id -> id < 0)) {
            throw new IllegalArgumentException("byte fallback needs all 256 byte pieces");
        }
        this.unknownId = unk;
        this.minScore = min == Float.MAX_VALUE ? 0f : min;
        this.maxScore = max;
        this.charsMap = spec.charsMap().length == 0 ? null : new CharsMap(spec.charsMap());
    }

    public int vocabSize() {
        return spec.pieces().size();
    }

    public String piece(int id) {
        return spec.pieces().get(id);
    }

    public Spec spec() {
        return spec;
    }

    // ---------------------------------------------------------------- encoding

    /** The ids of {@code text} (no BOS or EOS added). */
    public int[] encode(String text) {
        byte[] normalized = normalize(text.getBytes(StandardCharsets.UTF_8));
        int n = normalized.length;
        if (n == 0) {
            return new int[0];
        }
        // Viterbi over byte positions: the best path ending at each position (SentencePiece's optimized encoder).
        float[] score = new float[n + 1];
        int[] startsAt = new int[n + 1];
        int[] id = new int[n + 1];
        Arrays.fill(startsAt, -1);
        float unknownScore = minScore - UNKNOWN_PENALTY;
        int at = 0;
        while (at < n) {
            float here = score[at];
            int charLength = Math.min(charLength(normalized[at]), n - at);
            boolean singleChar = false;
            int node = 0;
            for (int pos = at; pos < n; pos++) {
                node = pieceTrie.next(node, normalized[pos]);
                if (node < 0) {
                    break;
                }
                int piece = pieceTrie.value(node);
                if (piece < 0 || spec.types()[piece] == PieceType.UNUSED) {
                    continue;
                }
                int end = pos + 1;
                int length = end - at;
                float s = spec.types()[piece] == PieceType.USER_DEFINED ? length * maxScore - 0.1f : spec.scores()[piece];
                float candidate = s + here;
                if (startsAt[end] == -1 || candidate > score[end]) {
                    score[end] = candidate;
                    startsAt[end] = at;
                    id[end] = piece;
                }
                if (!singleChar && length == charLength) {
                    singleChar = true;
                }
            }
            if (!singleChar) {
                int end = at + charLength;
                float candidate = unknownScore + here;
                if (startsAt[end] == -1 || candidate > score[end]) {
                    score[end] = candidate;
                    startsAt[end] = at;
                    id[end] = unknownId;
                }
            }
            at += charLength;
        }
        // Back from the end, then in order; unknowns spelled as bytes, or runs of them merged into one.
        List<int[]> path = new ArrayList<>(); // {start, end, id}
        for (int end = n; end > 0; end = startsAt[end]) {
            path.add(new int[] {startsAt[end], end, id[end]});
        }
        int[] out = new int[n * 1];
        int count = 0;
        boolean previousUnknown = false;
        for (int i = path.size() - 1; i >= 0; i--) {
            int[] p = path.get(i);
            boolean unknown = p[2] == unknownId;
            if (unknown && spec.byteFallback()) {
                for (int b = p[0]; b < p[1]; b++) {
                    out[count++] = byteIds[normalized[b] & 0xFF];
                }
            } else if (!(unknown && previousUnknown)) {
                out[count++] = p[2];
            }
            previousUnknown = unknown;
        }
        return Arrays.copyOf(out, count);
    }

    /** SentencePiece's normalization of UTF-8 text (Normalizer::Normalize). */
    byte[] normalize(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 3 / 2 + 4);
        int at = 0;
        int n = input.length;
        if (spec.removeExtraWhitespaces()) {
            while (at < n) {
                Prefix p = normalizePrefix(input, at);
                if (!Arrays.equals(p.replacement(), new byte[] {' '})) {
                    break;
                }
                at += p.consumed();
            }
        }
        if (at >= n) {
            return new byte[0];
        }
        if (!spec.treatWhitespaceAsSuffix() && spec.addDummyPrefix()) {
            appendSpace(out);
        }
        boolean previousSpace = spec.removeExtraWhitespaces();
        while (at < n) {
            Prefix p = normalizePrefix(input, at);
            byte[] sp = p.replacement();
            int start = 0;
            while (previousSpace && start < sp.length && sp[start] == ' ') {
                start++;
            }
            if (start < sp.length) {
                for (int i = start; i < sp.length; i++) {
                    if (spec.escapeWhitespaces() && sp[i] == ' ') {
                        out.writeBytes(SPACE_BYTES);
                    } else {
                        out.write(sp[i]);
                    }
                }
                previousSpace = sp[sp.length - 1] == ' ';
            }
            at += p.consumed();
            if (!spec.removeExtraWhitespaces()) {
                previousSpace = false;
            }
        }
        byte[] result = out.toByteArray();
        if (spec.removeExtraWhitespaces()) {
            byte[] space = spec.escapeWhitespaces() ? SPACE_BYTES : new byte[] {' '};
            int end = result.length;
            while (end >= space.length && Arrays.equals(result, end - space.length, end, space, 0, space.length)) {
                end -= space.length;
            }
            result = Arrays.copyOf(result, end);
        }
        if (spec.treatWhitespaceAsSuffix() && spec.addDummyPrefix()) {
            ByteArrayOutputStream withSuffix = new ByteArrayOutputStream(result.length + 3);
            withSuffix.writeBytes(result);
            appendSpace(withSuffix);
            result = withSuffix.toByteArray();
        }
        return result;
    }

    private void appendSpace(ByteArrayOutputStream out) {
        if (spec.escapeWhitespaces()) {
            out.writeBytes(SPACE_BYTES);
        } else {
            out.write(' ');
        }
    }

    private record Prefix(byte[] replacement, int consumed) {
    }

    /** What the input at {@code at} normalizes to, and how many bytes that consumes (Normalizer::NormalizePrefix). */
    private Prefix normalizePrefix(byte[] input, int at) {
        int userLength = userDefined.longestMatch(input, at);
        if (userLength > 0) {
            return new Prefix(Arrays.copyOfRange(input, at, at + userLength), userLength);
        }
        if (charsMap != null) {
            CharsMap.Match m = charsMap.longestPrefix(input, at, input.length);
            if (m != null) {
                return new Prefix(charsMap.replacement(m.replacement()), m.length());
            }
        }
        int length = validCharLength(input, at);
        if (length == 0) {
            return new Prefix("\uFFFD".getBytes(StandardCharsets.UTF_8), 1); // malformed UTF-8: one byte, replaced
        }
        return new Prefix(Arrays.copyOfRange(input, at, at + length), length);
    }

    // ---------------------------------------------------------------- decoding

    /** The text of {@code ids} (SentencePiece's DecodeIds). */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean bosWhitespace = true;
        boolean bosWhitespaceSeen = false;
        for (int id : ids) {
            if (id < 0 || id >= vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the tokenizer's 0.." + (vocabSize() - 1));
            }
            if (spec.types()[id] == PieceType.BYTE) {
                bytes.write(byteOf(spec.pieces().get(id)));
                continue;
            }
            flushBytes(bytes, text);
            if (bosWhitespaceSeen || !text.isEmpty()) {
                bosWhitespace = false;
            }
            String piece = spec.pieces().get(id);
            PieceType type = spec.types()[id];
            bosWhitespaceSeen = false;
            if (type == PieceType.CONTROL) {
                continue;
            }
            if (type == PieceType.UNKNOWN) {
                text.append(spec.unkSurface());
                continue;
            }
            if (bosWhitespace && (spec.addDummyPrefix() || spec.removeExtraWhitespaces())) {
                if (piece.startsWith(SPACE)) {
                    piece = piece.substring(SPACE.length());
                    bosWhitespaceSeen = !spec.removeExtraWhitespaces();
                }
            }
            text.append(piece.replace(SPACE, " "));
        }
        flushBytes(bytes, text);
        return text.toString();
    }

    /** Decodes pending byte pieces as UTF-8, each structurally invalid byte as U+FFFD. */
    private static void flushBytes(ByteArrayOutputStream pending, StringBuilder text) {
        if (pending.size() == 0) {
            return;
        }
        byte[] b = pending.toByteArray();
        pending.reset();
        int at = 0;
        while (at < b.length) {
            int length = validCharLength(b, at);
            if (length == 0) {
                text.append('\uFFFD');
                at++;
            } else {
                text.append(new String(b, at, length, StandardCharsets.UTF_8));
                at += length;
            }
        }
    }

    // ---------------------------------------------------------------- UTF-8, as SentencePiece reads it

    /** Length of the UTF-8 character led by {@code b} (SentencePiece's OneCharLen: 1 for stray continuation bytes). */
    private static int charLength(byte b) {
        int hi = (b & 0xFF) >>> 4;
        return hi < 12 ? 1 : hi < 14 ? 2 : hi == 14 ? 3 : 4;
    }

    /** Length of the valid UTF-8 character at {@code at} (no overlong forms, no surrogates), or 0 if it is malformed. */
    static int validCharLength(byte[] s, int at) {
        int n = s.length - at;
        int b0 = s[at] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        if (n >= 2 && (b0 & 0xE0) == 0xC0 && trail(s[at + 1])) {
            int cp = ((b0 & 0x1F) << 6) | (s[at + 1] & 0x3F);
            return cp >= 0x80 ? 2 : 0;
        }
        if (n >= 3 && (b0 & 0xF0) == 0xE0 && trail(s[at + 1]) && trail(s[at + 2])) {
            int cp = ((b0 & 0x0F) << 12) | ((s[at + 1] & 0x3F) << 6) | (s[at + 2] & 0x3F);
            return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? 3 : 0;
        }
        if (n >= 4 && (b0 & 0xF8) == 0xF0 && trail(s[at + 1]) && trail(s[at + 2]) && trail(s[at + 3])) {
            int cp = ((b0 & 0x07) << 18) | ((s[at + 1] & 0x3F) << 12) | ((s[at + 2] & 0x3F) << 6) | (s[at + 3] & 0x3F);
            return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
        }
        return 0;
    }

    private static boolean trail(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** The byte of a piece {@code <0xNN>}, or -1. */
    static int byteOf(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return Integer.parseInt(piece.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- GGUF

    static final String MODEL = "tokenizer.ggml.model";
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TYPES = "tokenizer.ggml.token_type";
    static final String UNKNOWN_ID = "tokenizer.ggml.unknown_token_id";
    static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";
    static final String REMOVE_EXTRA_WHITESPACES = "tokenizer.ggml.remove_extra_whitespaces";
    static final String CHARSMAP = "tokenizer.ggml.precompiled_charsmap";
    static final String ESCAPE_WHITESPACES = "tokenizer.sentencepiece.escape_whitespaces";
    static final String WHITESPACE_SUFFIX = "tokenizer.sentencepiece.treat_whitespace_as_suffix";
    static final String BYTE_FALLBACK = "tokenizer.sentencepiece.byte_fallback";
    static final String UNK_SURFACE = "tokenizer.sentencepiece.unk_surface";
    /** The value of {@link #MODEL} for SentencePiece unigram tokenizers. */
    static final String UNIGRAM = "sentencepiece-unigram";

    /** Writes the tokenizer as GGUF metadata (llama.cpp's {@code tokenizer.ggml.*} keys, plus SentencePiece's own flags). */
    public void writeTo(GgufWriter w) {
        w.put(MODEL, UNIGRAM);
        w.put(TOKENS, GgufValue.ofArray(GgufArray.ofStrings(spec.pieces().toArray(String[]::new))));
        w.put(SCORES, GgufValue.ofArray(GgufArray.ofFloats(spec.scores())));
        w.put(TYPES, GgufValue.ofArray(GgufArray.ofInts(Arrays.stream(spec.types()).mapToInt(t -> t.id).toArray())));
        w.put(UNKNOWN_ID, unknownId);
        w.put(ADD_SPACE_PREFIX, spec.addDummyPrefix());
        w.put(REMOVE_EXTRA_WHITESPACES, spec.removeExtraWhitespaces());
        w.put(CHARSMAP, GgufValue.ofArray(new GgufArray(GgufValueType.UINT8, spec.charsMap().clone())));
        w.put(ESCAPE_WHITESPACES, spec.escapeWhitespaces());
        w.put(WHITESPACE_SUFFIX, spec.treatWhitespaceAsSuffix());
        w.put(BYTE_FALLBACK, spec.byteFallback());
        w.put(UNK_SURFACE, spec.unkSurface());
    }

    /** Reads a tokenizer written by {@link #writeTo}. */
    public static SentencePieceTokenizer readFrom(GgufFile f) throws GgufFormatException {
        String model = f.requireString(MODEL);
        if (!model.equals(UNIGRAM)) {
            throw new GgufFormatException(MODEL + " is '" + model + "'; only " + UNIGRAM + " tokenizers are supported");
        }
        String[] tokens = array(f, TOKENS, GgufValueType.STRING).strings();
        GgufArray scores = array(f, SCORES, GgufValueType.FLOAT32);
        GgufArray types = array(f, TYPES, GgufValueType.INT32);
        if (scores.length() != tokens.length || types.length() != tokens.length) {
            throw new GgufFormatException("the tokenizer's tokens, scores and types differ in length");
        }
        float[] s = new float[tokens.length];
        PieceType[] t = new PieceType[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            s[i] = (float) scores.floatAt(i);
            try {
                t[i] = PieceType.of((int) types.integerAt(i));
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(TYPES + ": " + e.getMessage());
            }
        }
        GgufArray charsMap = array(f, CHARSMAP, GgufValueType.UINT8);
        try {
            return new SentencePieceTokenizer(new Spec(List.of(tokens), s, t, bool(f, ADD_SPACE_PREFIX), bool(f, REMOVE_EXTRA_WHITESPACES),
                    bool(f, ESCAPE_WHITESPACES), bool(f, WHITESPACE_SUFFIX), bool(f, BYTE_FALLBACK), (byte[]) charsMap.values(),
                    f.requireString(UNK_SURFACE)));
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("bad tokenizer: " + e.getMessage());
        }
    }

    private static GgufArray array(GgufFile f, String key, GgufValueType element) throws GgufFormatException {
        GgufValue v = f.get(key).orElseThrow(() -> new GgufFormatException("metadata '" + key + "' is missing"));
        if (v.type() != GgufValueType.ARRAY || v.asArray().elementType() != element) {
            throw new GgufFormatException("metadata '" + key + "' must be an array of " + element);
        }
        return v.asArray();
    }

    private static boolean bool(GgufFile f, String key) throws GgufFormatException {
        GgufValue v = f.get(key).orElseThrow(() -> new GgufFormatException("metadata '" + key + "' is missing"));
        if (v.type() != GgufValueType.BOOL) {
            throw new GgufFormatException("metadata '" + key + "' must be a BOOL");
        }
        return v.asBool();
    }

    /** A byte trie: children by (node, byte); a node's value is a piece id or -1. */
    private static final class Trie {
        private final Map<Long, Integer> edges = new HashMap<>();
        private final List<Integer> values = new ArrayList<>(List.of(-1));

        void put(byte[] key, int value) {
            int node = 0;
            for (byte b : key) {
                long edge = (long) node << 8 | (b & 0xFF);
                Integer child = edges.get(edge);
                if (child == null) {
                    child = values.size();
                    values.add(-1);
                    edges.put(edge, child);
                }
                node = child;
            }
            values.set(node, value);
        }

        /** The child of {@code node} by {@code b}, or -1. */
        int next(int node, byte b) {
            Integer child = edges.get((long) node << 8 | (b & 0xFF));
            return child == null ? -1 : child;
        }

        int value(int node) {
            return values.get(node);
        }

        /** Length of the longest key that is a prefix of {@code s} at {@code at}, or 0. */
        int longestMatch(byte[] s, int at) {
            if (edges.isEmpty()) {
                return 0;
            }
            int node = 0;
            int best = 0;
            for (int i = at; i < s.length; i++) {
                node = next(node, s[i]);
                if (node < 0) {
                    break;
                }
                if (value(node) >= 0) {
                    best = i + 1 - at;
                }
            }
            return best;
        }
    }
}
