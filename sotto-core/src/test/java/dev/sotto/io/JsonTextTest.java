package dev.sotto.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link JsonText} against Jackson (the reader it replaced) on valid and invalid texts, and its quoting read back. */
class JsonTextTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** Jackson's tree as the same plain values JsonText gives (numbers compared by their text). */
    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> a = new ArrayList<>();
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                a.add(plain(it.next()));
            }
            return a;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNull()) {
            return JsonText.NULL;
        }
        return n.numberValue().toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", "[]", " { \"a\" : [ 1 , 2 ] } ", "{\"phoneme_map\": {}}", "{\"phoneme_map\": {\"a\": [\"b\", \"c\"]}}",
            "{\"s\": \"q\\\"uote \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\u0259 ə\"}", "[true, false, null]", "{\"a\": {\"b\": {\"c\": []}}}",
            "{\"a\": 1, \"a\": 2}", "\"just a string\"", "[0, 10, 7, 3]", "{\"k\": \"\"}"})
    void readsWhatJacksonReads(String json) throws Exception {
        assertEquals(plain(JACKSON.readTree(json)), JsonText.parse(json));
    }

    @Test
    void numbersKeepTheirText() throws Exception {
        assertEquals(List.of("-0.5", "1e-3", "2E+10", "0", "123"), JsonText.parse("[-0.5, 1e-3, 2E+10, 0, 123]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "[01]", "[1.]", "[-]", "{a: 1}", "\"open", "[tru]",
            "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "[1e]", "nul"})
    void refusesWhatIsNotJson(String text) {
        assertThrows(Exception.class, () -> JACKSON.readTree(text).isMissingNode(), "Jackson accepts " + text);
        assertThrows(JsonText.JsonException.class, () -> JsonText.parse(text), text);
    }

    /** Jackson reads these as nothing or ignores what follows; JsonText refuses trailing text. */
    @Test
    void trailingTextIsRefused() {
        assertThrows(JsonText.JsonException.class, () -> JsonText.parse("{} x"));
        assertThrows(JsonText.JsonException.class, () -> JsonText.parse(""));
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(JsonText.MAX_DEPTH + 2) + "]".repeat(JsonText.MAX_DEPTH + 2);
        assertThrows(JsonText.JsonException.class, () -> JsonText.parse(deep));
        String fine = "[".repeat(100) + "]".repeat(100);
        assertTrue(() -> {
            try {
                return JsonText.parse(fine) instanceof List<?>;
            } catch (JsonText.JsonException e) {
                return false;
            }
        });
    }

    /** A config shaped like Piper's {@code .onnx.json} (nested objects, id lists, IPA keys) reads as Jackson reads it. */
    @Test
    void readsAPiperShapedConfigAsJacksonDoes() throws Exception {
        String json = """
                {"audio": {"sample_rate": 22050, "quality": "medium"}, "espeak": {"voice": "en-us"},
                 "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
                 "phoneme_type": "espeak", "phoneme_map": {}, "num_symbols": 256, "num_speakers": 1, "speaker_id_map": {},
                 "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], "ə": [59], "ˈ": [120], "\u0283": [96]},
                 "dataset": "test \\"quoted\\" name", "piper_version": "1.0.0", "language": {"code": "en_US"}}
                """;
        assertEquals(plain(JACKSON.readTree(json)), JsonText.parse(json));
    }

    /** Any string, quoted, reads back as itself, in JsonText and in Jackson: quotes, backslashes, controls, non-ASCII. */
    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "q\"uote", "back\\slash", "new\nline\ttab\r", "\u0000\u001f\u007f", "ə é 日本 \uD83D\uDE00",
            "</script>", "\u2028\u2029"})
    void quotedStringsReadBack(String text) throws Exception {
        String quoted = JsonText.quote(text);
        assertEquals(text, JsonText.parse(quoted));
        assertEquals(text, JACKSON.readTree(quoted).textValue());
    }
}
