package dev.sotto.api;

import dev.sotto.gguf.GgufArray;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import dev.sotto.text.PhonemeIdMap;
import dev.sotto.vits.VitsModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Loading Piper voices and reading the {@code piper.*} metadata the importer writes; shared by the API and the CLI. */
public final class PiperVoices {
    private PiperVoices() {
    }

    /**
     * A sotto GGUF voice, or a Piper {@code .onnx} converted in memory (its config at {@code config}, or
     * {@code VOICE.onnx.json} beside it when null). The converted file is deleted at once: its mapping outlives it.
     */
    public static VitsModel loadModel(Path path, Path config) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such voice file");
        }
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return VitsModel.load(GgufFile.open(path));
        }
        Path json = config != null ? config : PiperImporter.defaultConfigPath(path);
        if (!Files.exists(json)) {
            throw new NoSuchFileException(json.toString(), null, "the Piper config is missing (pass it with --config)");
        }
        Path tmp = Files.createTempFile("sotto-", ".gguf");
        try {
            PiperImporter.convert(path, json, tmp, GgmlType.F32);
            return VitsModel.load(GgufFile.open(tmp));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The voice's Piper phoneme id map, or null for a voice without one. */
    public static PhonemeIdMap phonemeIdMap(GgufFile f) throws GgufFormatException {
        var phonemes = f.get("piper.phonemes");
        var ids = f.get("piper.phoneme_ids");
        if (phonemes.isEmpty() || ids.isEmpty()) {
            return null;
        }
        String[] names = phonemes.get().asArray().strings();
        GgufArray[] lists = (GgufArray[]) ids.get().asArray().values();
        if (names.length != lists.length) {
            throw new GgufFormatException("piper.phonemes and piper.phoneme_ids differ in length");
        }
        Map<String, int[]> map = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            int[] v = new int[lists[i].length()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (int) lists[i].integerAt(j);
            }
            map.put(names[i], v);
        }
        try {
            return new PhonemeIdMap(map, phonemeMap(f));
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("bad phoneme id map: " + e.getMessage());
        }
    }

    /** The config's {@code phoneme_map} (phoneme -> phonemes), empty when it has none. */
    static Map<String, java.util.List<String>> phonemeMap(GgufFile f) throws GgufFormatException {
        var json = f.get("piper.config_json");
        if (json.isEmpty()) {
            return Map.of();
        }
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.get().asString()).path("phoneme_map");
            Map<String, java.util.List<String>> out = new HashMap<>();
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                java.util.List<String> to = new java.util.ArrayList<>();
                e.getValue().forEach(v -> to.add(v.asText()));
                out.put(e.getKey(), to);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new GgufFormatException("piper.config_json is not valid JSON: " + e.getMessage());
        }
    }

    /** The espeak-ng voice the model was trained with ({@code piper.espeak_voice}), else en-us. */
    public static String espeakVoice(GgufFile f) {
        return f.get("piper.espeak_voice").map(v -> v.asString()).filter(s -> !s.isBlank()).orElse("en-us");
    }

    /** A float inference default such as {@code piper.noise_scale}, or {@code fallback}. */
    public static float inferenceDefault(GgufFile f, String key, float fallback) {
        return f.get(key).map(v -> (float) v.asDouble()).orElse(fallback);
    }
}
