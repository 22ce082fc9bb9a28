package dev.sotto.pocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.pocket.SentencePieceTokenizer.PieceType;
import dev.sotto.pocket.convert.ConversionException;
import dev.sotto.pocket.convert.TokenizerModelReader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure-Java SentencePiece tokenizer against the fixture's cases (ids, pieces and decoded text from
 * python3-sentencepiece 0.1.97), read from the .model file and again after a round trip through GGUF metadata.
 */
class SentencePieceTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void encodesAndDecodesEveryFixtureCaseExactly() throws IOException {
        SentencePieceTokenizer read = TokenizerModelReader.read(PocketFixtures.file("tokenizer.model"));
        SentencePieceTokenizer viaGguf = roundTrip(read);
        JsonNode cases = PocketFixtures.json("tokenizer-cases.json").get("cases");
        int n = 0;
        for (SentencePieceTokenizer t : List.of(read, viaGguf)) {
            assertEquals(4000, t.vocabSize());
            for (JsonNode c : cases) {
                String text = c.get("text").asText();
                int[] want = new int[c.get("ids").size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = c.get("ids").get(i).asInt();
                }
                int[] got = t.encode(text);
                assertArrayEquals(want, got, "ids of " + text);
                List<String> pieces = new ArrayList<>();
                for (int id : got) {
                    pieces.add(t.piece(id));
                }
                List<String> wantPieces = new ArrayList<>();
                c.get("pieces").forEach(p -> wantPieces.add(p.asText()));
                assertEquals(wantPieces, pieces, "pieces of " + text);
                assertEquals(c.get("decoded").asText(), t.decode(want), "decode of " + text);
                n++;
            }
        }
        assertEquals(2 * cases.size(), n);
    }

    private SentencePieceTokenizer roundTrip(SentencePieceTokenizer t) throws IOException {
        Path p = dir.resolve("tokenizer.gguf");
        GgufWriter w = new GgufWriter().put("general.architecture", "test");
        t.writeTo(w);
        w.addTensor("x", new long[] {1}, dev.sotto.tensor.GgmlType.F32, Arena.ofAuto().allocate(4));
        w.write(p);
        try (GgufFile f = GgufFile.open(p)) {
            return SentencePieceTokenizer.readFrom(f);
        }
    }

    /** A small hand-made vocabulary exercising what the fixture's model does not: user-defined symbols, unknowns without byte fallback, extra spaces. */
    @Test
    void userDefinedSymbolsUnknownsAndWhitespaceRules() {
        List<String> pieces = List.of("<unk>", "<s>", "</s>", "\u2581", "a", "b", "\u2581a", "ab", "[X]", "\u2581ab");
        float[] scores = {0, 0, 0, -1, -2, -2, -1.5f, -1f, 0, -0.5f};
        PieceType[] types = {PieceType.UNKNOWN, PieceType.CONTROL, PieceType.CONTROL, PieceType.NORMAL, PieceType.NORMAL, PieceType.NORMAL,
                PieceType.NORMAL, PieceType.NORMAL, PieceType.USER_DEFINED, PieceType.NORMAL};
        SentencePieceTokenizer collapse = new SentencePieceTokenizer(new SentencePieceTokenizer.Spec(pieces, scores, types, true, true, true,
                false, false, new byte[0], " \u2047 "));
        assertArrayEquals(new int[] {9}, collapse.encode("  ab  "), "extra spaces removed, dummy prefix, best piece");
        assertArrayEquals(new int[] {9, 3, 8}, collapse.encode("ab [X]"), "a user-defined symbol is kept whole");
        assertArrayEquals(new int[] {6, 0, 5}, collapse.encode("azzzb"), "a run of unknown characters is one unknown");
        assertEquals("a \u2047 b", collapse.decode(new int[] {6, 0, 5}));
        assertEquals("ab", collapse.decode(new int[] {1, 9, 2}), "control pieces are invisible");
        assertThrows(IllegalArgumentException.class, () -> collapse.decode(new int[] {10}));
        assertThrows(IllegalArgumentException.class, () -> new SentencePieceTokenizer(new SentencePieceTokenizer.Spec(pieces, scores,
                types, true, true, true, false, true, new byte[0], "?")), "byte fallback without byte pieces");
    }

    @Test
    void badModelFilesGetOneClearError() throws IOException {
        Path junk = dir.resolve("junk.model");
        Files.writeString(junk, "this is not a protobuf message at all, just text");
        ConversionException e = assertThrows(ConversionException.class, () -> TokenizerModelReader.read(junk));
        assertTrue(e.getMessage().startsWith("junk.model: not a SentencePiece model"), e.getMessage());
        Path empty = dir.resolve("empty.model");
        Files.write(empty, new byte[0]);
        assertThrows(ConversionException.class, () -> TokenizerModelReader.read(empty));
    }
}
