package dev.sotto.vits;

import dev.sotto.gguf.GgufArray;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufValue;
import dev.sotto.gguf.GgufValueType;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.io.JsonText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Piper side of a VITS voice: how text becomes its phoneme ids and its inference defaults, stored as typed
 * {@code piper.*} GGUF metadata (with the whole {@code .onnx.json} in {@code piper.config_json}). The importer writes
 * it with {@link #writeTo}; the model reads it once with {@link #readFrom}. The keys are spelled only here.
 *
 * @param configJson the voice's original {@code .onnx.json}, kept whole
 * @param sampleRate {@code audio.sample_rate}
 * @param espeakVoice the espeak-ng voice the model was trained with (en-us when the config names none)
 * @param languageCode {@code language.code} ("en_US"), or ""
 * @param phonemeType "espeak" (IPA from espeak-ng) or "text"
 * @param noiseScale default prior noise scale
 * @param lengthScale default duration scale
 * @param noiseW default duration noise
 * @param phonemeIds phoneme -> ids (Piper's {@code phoneme_id_map}), in the config's order
 * @param phonemeMap phoneme -> phonemes to use instead ({@code phoneme_map}), possibly empty
 * @param speakerNames speaker names by id ("" where unnamed), at least one
 */
public record PiperConfig(String configJson, int sampleRate, String espeakVoice, String languageCode, String phonemeType, float noiseScale,
                          float lengthScale, float noiseW, Map<String, int[]> phonemeIds, Map<String, List<String>> phonemeMap,
                          List<String> speakerNames) {

    static final String CONFIG_JSON = "piper.config_json";
    static final String SAMPLE_RATE = "piper.sample_rate";
    static final String ESPEAK_VOICE = "piper.espeak_voice";
    static final String LANGUAGE_CODE = "piper.language_code";
    static final String PHONEME_TYPE = "piper.phoneme_type";
    static final String NOISE_SCALE = "piper.noise_scale";
    static final String LENGTH_SCALE = "piper.length_scale";
    static final String NOISE_W = "piper.noise_w";
    static final String PHONEMES = "piper.phonemes";
    static final String PHONEME_IDS = "piper.phoneme_ids";
    static final String SPEAKERS = "piper.speakers";

    public PiperConfig {
        phonemeIds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phonemeIds));
        phonemeMap = Map.copyOf(phonemeMap);
        speakerNames = List.copyOf(speakerNames);
        if (speakerNames.isEmpty()) {
            throw new IllegalArgumentException("a voice has at least one speaker");
        }
    }

    /** Writes the {@code piper.*} metadata. */
    public void writeTo(GgufWriter w) {
        w.put(CONFIG_JSON, configJson);
        w.put(SAMPLE_RATE, sampleRate);
        w.put(ESPEAK_VOICE, espeakVoice);
        w.put(LANGUAGE_CODE, languageCode);
        w.put(PHONEME_TYPE, phonemeType);
        w.put(NOISE_SCALE, noiseScale);
        w.put(LENGTH_SCALE, lengthScale);
        w.put(NOISE_W, noiseW);
        w.put(PHONEMES, GgufValue.ofArray(GgufArray.ofStrings(phonemeIds.keySet().toArray(String[]::new))));
        GgufArray[] ids = phonemeIds.values().stream().map(GgufArray::ofInts).toArray(GgufArray[]::new);
        w.put(PHONEME_IDS, GgufValue.ofArray(new GgufArray(GgufValueType.ARRAY, ids)));
        w.put(SPEAKERS, GgufValue.ofArray(GgufArray.ofStrings(speakerNames.toArray(String[]::new))));
    }

    /**
     * Reads the metadata of a VITS voice. A voice without a phoneme id map (made by hand, say) reads with an empty
     * one: it can then only speak phoneme ids.
     */
    public static PiperConfig readFrom(GgufFile f, int fallbackSampleRate) throws GgufFormatException {
        Map<String, int[]> ids = new LinkedHashMap<>();
        var phonemes = f.get(PHONEMES);
        var lists = f.get(PHONEME_IDS);
        if (phonemes.isPresent() && lists.isPresent()) {
            String[] names = strings(phonemes.get(), PHONEMES);
            GgufArray list = array(lists.get(), PHONEME_IDS);
            if (list.elementType() != GgufValueType.ARRAY || names.length != list.length()) {
                throw new GgufFormatException(PHONEMES + " and " + PHONEME_IDS + " must be parallel lists (one id list per phoneme)");
            }
            GgufArray[] perPhoneme = (GgufArray[]) list.values();
            for (int i = 0; i < names.length; i++) {
                int[] v = new int[perPhoneme[i].length()];
                for (int j = 0; j < v.length; j++) {
                    try {
                        v[j] = Math.toIntExact(perPhoneme[i].integerAt(j));
                    } catch (IllegalStateException | ArithmeticException e) {
                        throw new GgufFormatException(PHONEME_IDS + " must hold integers");
                    }
                }
                ids.put(names[i], v);
            }
        }
        String json = f.get(CONFIG_JSON).map(GgufValue::asString).orElse("{}");
        List<String> speakers = f.get(SPEAKERS).isPresent() ? List.of(strings(f.get(SPEAKERS).get(), SPEAKERS)) : List.of("");
        return new PiperConfig(json, (int) integer(f, SAMPLE_RATE, fallbackSampleRate), string(f, ESPEAK_VOICE, "en-us"),
                string(f, LANGUAGE_CODE, ""), string(f, PHONEME_TYPE, "espeak"), number(f, NOISE_SCALE, 0.667f),
                number(f, LENGTH_SCALE, 1f), number(f, NOISE_W, 0.8f), ids, phonemeMapOf(json), speakers.isEmpty() ? List.of("") : speakers);
    }

    /**
     * The {@code phoneme_map} (phoneme -> phonemes) of a Piper config JSON, empty when it has none. Each value's
     * elements are read as text (strings as they are, numbers as written, true/false/null as those words, arrays and
     * objects inside as ""); a value that is not an array or object maps to nothing. An empty config has none.
     */
    public static Map<String, List<String>> phonemeMapOf(String json) throws GgufFormatException {
        if (json.isBlank()) {
            return new HashMap<>();
        }
        Object root;
        try {
            root = JsonText.parse(json);
        } catch (JsonText.JsonException e) {
            throw new GgufFormatException(CONFIG_JSON + " is not valid JSON: " + e.getMessage());
        }
        Map<String, List<String>> out = new HashMap<>();
        if (!(root instanceof Map<?, ?> top) || !(top.get("phoneme_map") instanceof Map<?, ?> map)) {
            return out;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Iterable<?> elements = e.getValue() instanceof List<?> list ? list
                    : e.getValue() instanceof Map<?, ?> m ? m.values() : List.of();
            List<String> to = new ArrayList<>();
            for (Object v : elements) {
                to.add(v instanceof List<?> || v instanceof Map<?, ?> ? "" : v.toString());
            }
            out.put((String) e.getKey(), to);
        }
        return out;
    }

    private static String string(GgufFile f, String key, String fallback) throws GgufFormatException {
        var v = f.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        if (v.get().type() != GgufValueType.STRING) {
            throw new GgufFormatException("metadata '" + key + "' must be a STRING");
        }
        String s = v.get().asString();
        return s.isBlank() ? fallback : s;
    }

    private static float number(GgufFile f, String key, float fallback) throws GgufFormatException {
        var v = f.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return (float) v.get().asDouble();
        } catch (IllegalStateException e) {
            throw new GgufFormatException("metadata '" + key + "' must be a number");
        }
    }

    private static long integer(GgufFile f, String key, long fallback) throws GgufFormatException {
        return f.get(key).isPresent() ? f.requireInteger(key, 1000, 192_000) : fallback;
    }

    private static GgufArray array(GgufValue v, String key) throws GgufFormatException {
        if (v.type() != GgufValueType.ARRAY) {
            throw new GgufFormatException("metadata '" + key + "' must be an array");
        }
        return v.asArray();
    }

    private static String[] strings(GgufValue v, String key) throws GgufFormatException {
        GgufArray a = array(v, key);
        if (a.elementType() != GgufValueType.STRING) {
            throw new GgufFormatException("metadata '" + key + "' must be an array of strings");
        }
        return a.strings();
    }
}
